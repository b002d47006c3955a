import Configuration
import Diagnostics
import FailureLog
import Monitoring
import Probing
import Reports
import Web

/// The web surface's staff actions: `ControlServer.recordProblem` (what `courtwatch report-problem` reaches
/// through the control socket) and `StaffLogCommand.record` (`courtwatch staff log`), with the CLI's
/// refusals as API errors.
struct WebStaffDesk: StaffService {
    let stateDirectory: String
    let writer: LogWriter
    let logger: Logger
    /// The configuration in force and the running prober (both change on reload).
    let live: @Sendable () -> (configuration: SiteConfiguration, engine: ProbeEngine?)

    func reportProblem(system: String, site: String?, text: String?, by: String,
                       at now: Timestamp) throws(ServiceFailure) -> JSONValue {
        let (configuration, engine) = live()
        do throws(CommandFailure) {
            let message = try ControlServer.recordProblem(
                system: system, site: site ?? configuration.site.id, by: by, text: text, configuration: configuration,
                engine: engine, writer: writer, logger: logger, at: now)
            return ["ok": true, "message": .string(message), "by": .string(by)]
        } catch {
            throw ServiceFailure(status: error.code == .dataError ? 422 : 503,
                                 code: error.code == .dataError ? "refused" : "unavailable",
                                 detail: error.message.replacingOccurrences(of: "--", with: ""))
        }
    }

    func logEntry(_ request: StaffEntryRequest, staffID: String) throws(ServiceFailure) -> String {
        do throws(CommandFailure) {
            let entry = try StaffLogCommand.record(staffID, kind: request.kind, options: request.options, at: request.at,
                                                   systems: request.systems, configDirectory: live().configuration.directory,
                                                   stateDirectory: stateDirectory)
            return UserReportRenderer.entryJSON(entry).text()
        } catch {
            // The CLI's sentences name options (--minutes); here they are fields.
            let sentence = String(error.message.prefix { $0 != "\n" }).replacingOccurrences(of: "--", with: "")
            switch error.code {
            case .dataError where sentence.hasPrefix("unknown staff ID"):
                throw ServiceFailure(status: 403, code: "not-staff", detail: "this token's subject is not in the staff "
                                     + "directory: \(sentence)")
            case .usage, .dataError: throw ServiceFailure(status: 422, code: "refused", detail: sentence)
            case .noPermission: throw ServiceFailure(status: 403, code: "forbidden", detail: sentence)
            case .success, .failure: throw ServiceFailure(status: 503, code: "log-unavailable", detail: sentence)
            }
        }
    }
}
