import Configuration
import Diagnostics
import FailureLog
import Monitoring
import Probing
import Reports
import Web

/// The web surface's staff actions: `ControlServer.recordProblem` (what `courtwatch report-problem` reaches
/// through the control socket), `StaffLogCommand.record` (`courtwatch staff log`) and `StaffPrivacyCommand`'s
/// share and revoke (`courtwatch staff share|revoke`), with the CLI's refusals as API errors.
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
            throw Self.failure(error)
        }
    }

    /// How many of a person's entries the staff page lists, and how far back it looks for them.
    static let recentEntryCount = 20
    static let recentEntryDays = 366

    func record(staffID: String, at now: Timestamp) throws(ServiceFailure) -> StaffRecord {
        let configuration = live().configuration
        do throws(CommandFailure) {
            let member = try StaffSupport.member(staffID, in: try StaffSupport.loadDirectory(at: configuration.directory))
            let (shares, entries) = try LogAccess.read(stateDirectory) { reader in
                (try StaffLog.shares(reader.connection, staffID: staffID),
                 try StaffLog.entries(reader.connection, staffID: staffID,
                                      from: now + .seconds(-86_400 * Int64(Self.recentEntryDays))))
            }
            let recent = entries.sorted { ($0.recordedAt, $0.id) > ($1.recordedAt, $1.id) }.prefix(Self.recentEntryCount)
            return StaffRecord(
                id: member.id, name: member.name, team: member.team, site: member.site, timeZone: member.timeZone,
                systems: member.systems,
                siteSystems: configuration.continuityRules.map { SiteSystem(id: $0.id, name: $0.name) },
                shares: shares.filter { $0.isActive(at: now) }.map {
                    ReportShare(grantee: $0.grantee, grantedAt: $0.grantedAt, until: $0.until)
                },
                recentEntries: recent.map { RecentEntry(entry: $0, summary: EntryText.summary($0)) })
        } catch {
            throw Self.failure(error)
        }
    }

    func share(staffID: String, with grantee: String, until: String?,
               at now: Timestamp) throws(ServiceFailure) -> ShareChange {
        do throws(CommandFailure) {
            return try StaffPrivacyCommand.share(staffID, with: grantee, until: until,
                                                 configDirectory: live().configuration.directory,
                                                 stateDirectory: stateDirectory, at: now)
        } catch {
            throw Self.failure(error)
        }
    }

    func revoke(staffID: String, from grantee: String, at now: Timestamp) throws(ServiceFailure) -> ShareChange {
        do throws(CommandFailure) {
            return try StaffPrivacyCommand.revoke(staffID, from: grantee, configDirectory: live().configuration.directory,
                                                  stateDirectory: stateDirectory, at: now)
        } catch {
            throw Self.failure(error)
        }
    }

    /// The CLI's refusal in the API's terms. Its sentences name options (--minutes); here they are fields.
    static func failure(_ error: CommandFailure) -> ServiceFailure {
        let sentence = String(error.message.prefix { $0 != "\n" }).replacingOccurrences(of: "--", with: "")
        switch error.code {
        case .dataError where sentence.hasPrefix("unknown staff ID"):
            return ServiceFailure(status: 403, code: "not-staff", detail: "this token's subject is not in the staff "
                                  + "directory: \(sentence)")
        case .usage, .dataError: return ServiceFailure(status: 422, code: "refused", detail: sentence)
        case .noPermission: return ServiceFailure(status: 403, code: "forbidden", detail: sentence)
        case .success, .failure: return ServiceFailure(status: 503, code: "log-unavailable", detail: sentence)
        }
    }
}
