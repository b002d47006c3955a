import Foundation
import Configuration
import Diagnostics
import FailureLog
import Monitoring
import Probing
import Reports
import Sockets
import Synchronization
import Web

/// The web surface inside the daemon (issue #7): the HTTP server on `Listen=`, its application reading
/// the failure log, and the live state it reports (log health, probe-loop heartbeat, heartbeat delivery).
/// Started after the log is open and before READY=1; stopped first on shutdown.
final class WebService: @unchecked Sendable {
    // @unchecked: `live` holds a Mutex; the rest is immutable after init.
    struct Live {
        var engine: ProbeEngine?
        var configuration: SiteConfiguration
    }

    /// Shared by the closures the application calls and by `update`.
    final class LiveBox: Sendable {
        let state: Mutex<Live>
        init(_ live: Live) { state = Mutex(live) }
    }

    private let server: HTTPServer
    private let live: LiveBox

    /// Binds the address; a failure names it. A bad tokens file is logged (file:line) and accepts no token.
    init(configuration: SiteConfiguration, stateDirectory: String, writer: LogWriter, engine: ProbeEngine?,
         heartbeats: HeartbeatLedger, logger: Logger, limits: ServerLimits = ServerLimits()) throws(CommandFailure) {
        let settings = configuration.daemon
        guard let address = ListenAddress(settings.listen) else {
            throw CommandFailure(code: .dataError, message: "Listen=\(settings.listen) is not host:port")
        }
        let tokens = TokenStore.failingClosed(path: Self.tokensPath(configuration)) { problem in
            logger.error("tokens file: \(problem); no token is accepted until it is fixed")
        }
        let live = LiveBox(Live(engine: engine, configuration: configuration))
        self.live = live
        var environment = WebEnvironment(
            stateDirectory: stateDirectory, publicStatus: settings.publicStatus,
            logHealth: { writer.health },
            probeLoopAge: { [live] in
                live.state.withLock { $0.engine }.map { SystemClock.monotonicNanoseconds() - $0.lastHeartbeat }
            },
            heartbeat: { [live] probe in
                let (engine, configuration) = live.state.withLock { ($0.engine, $0.configuration) }
                return heartbeats.deliver(probe, configuration: configuration, engine: engine, at: .now)
            })
        environment.secureCookies = settings.secureCookies
        environment.sessionIdleMinutes = settings.sessionIdleMinutes
        environment.certificateExpiries = { [live] in
            live.state.withLock { $0.engine }?.certificateExpiries() ?? [:]
        }
        environment.logWrites = { writer.writeStatistics }
        environment.continuity = WebContinuityDesk(stateDirectory: stateDirectory) { [live] in
            live.state.withLock { $0.configuration }
        }
        environment.forms = { [live] courtroom, incident, now in
            let configuration = live.state.withLock { $0.configuration }
            return FormSite(site: configuration.site.id, context: FormsCommand.context(
                configuration, courtroom: courtroom, incident: incident, at: now))
        }
        environment.logExport = { query throws(ServiceFailure) in
            try Self.export(query, stateDirectory: stateDirectory)
        }
        environment.reports = { [live] query throws(ServiceFailure) in
            try Self.report(query, configuration: live.state.withLock { $0.configuration }, stateDirectory: stateDirectory)
        }
        environment.staff = WebStaffDesk(stateDirectory: stateDirectory, writer: writer, logger: logger) { [live] in
            live.state.withLock { ($0.configuration, $0.engine) }
        }
        let application = WebApplication(environment: environment, tokens: tokens)
        var limits = limits
        limits.maximumConnectionsPerClient = settings.maximumConnectionsPerClient
        do {
            server = try HTTPServer(listen: address, limits: limits, logger: logger) { request, client in
                application.handle(request, client)
            }
        } catch {
            throw CommandFailure(code: .failure, message: "cannot serve the web surface on \(address): \(error)")
        }
    }

    /// Binds and starts the server, before the prober (whose engine `update` hands over once it runs). A
    /// bind failure is fatal when `Listen=` was written in courtwatch.conf; at the default address it is
    /// logged and the daemon carries on without a web surface, since probing and logging matter more and a
    /// site with no courtwatch.conf never asked for port 8080.
    static func startIfPossible(configuration: SiteConfiguration, stateDirectory: String, writer: LogWriter,
                                heartbeats: HeartbeatLedger, logger: Logger) throws(CommandFailure) -> WebService? {
        let service: WebService
        do {
            service = try WebService(configuration: configuration, stateDirectory: stateDirectory, writer: writer,
                                     engine: nil, heartbeats: heartbeats, logger: logger)
        } catch {
            guard configuration.daemon.listenIsExplicit || error.code == .dataError else {
                logger.error("\(error.message); carrying on without it (set Listen= in courtwatch.conf)")
                return nil
            }
            throw error
        }
        service.start()
        logger.notice("web surface on http://\(service.address)/")
        return service
    }

    /// The address bound (the kernel's port when Listen= asked for port 0).
    var address: ListenAddress { server.address }

    func start() { server.start() }

    func stop() { server.stop() }

    /// After a reload: the new prober and configuration.
    func update(engine: ProbeEngine?, configuration: SiteConfiguration) {
        live.state.withLock { $0 = Live(engine: engine, configuration: configuration) }
    }

    /// `TokensFile=`, relative paths taken from the configuration directory; nil when not set.
    static func tokensPath(_ configuration: SiteConfiguration) -> String? {
        guard let path = configuration.daemon.tokensFile else { return nil }
        if path.hasPrefix("/") { return path }
        return configuration.directory.hasSuffix("/") ? configuration.directory + path : configuration.directory + "/" + path
    }

    /// `courtwatch log export` for the web: the CLI's date rules and rendering; its usage errors are 400s.
    static func export(_ query: LogExportQuery, stateDirectory: String) throws(ServiceFailure) -> [UInt8] {
        do throws(CommandFailure) {
            let from = try LogExportCommand.dayOrTime(query.from, "from", command: "log export")
            let to = try LogExportCommand.dayOrTime(query.to, "to", command: "log export")
            guard from < to else { throw CommandFailure(code: .usage, message: "from must be before to") }
            return try LogExportCommand.render(
                stateDirectory: stateDirectory, format: query.format,
                filter: IncidentFilter(from: from, to: to, site: query.site, system: query.system, planned: query.planned)
            ).bytes
        } catch {
            throw Self.serviceFailure(error)
        }
    }

    /// `courtwatch report site` for the web (user reports: `userReport`); bad dates are 400s.
    static func report(_ query: ReportQuery, configuration: SiteConfiguration,
                       stateDirectory: String) throws(ServiceFailure) -> SignedDocument {
        do throws(CommandFailure) {
            if let id = query.subject {
                return try userReport(id, query, configuration: configuration, stateDirectory: stateDirectory)
            }
            guard let first = CivilDate(iso8601: query.from) else {
                throw CommandFailure(code: .usage, message: "from \(query.from) is not a date like 2026-04-01")
            }
            guard let last = CivilDate(iso8601: query.to) else {
                throw CommandFailure(code: .usage, message: "to \(query.to) is not a date like 2026-06-30")
            }
            guard first <= last else { throw CommandFailure(code: .usage, message: "from is after to") }
            let fileName = "site-report-\(configuration.site.id)-\(first.iso8601)-\(last.iso8601).\(query.format)"
            let rendered = try SiteReportCommand.render(
                configuration: configuration, stateDirectory: stateDirectory, first: first, last: last,
                format: query.format, rules: AccountingRules(plannedCountsAsLost: query.countPlanned,
                                                             degradedCountsAsLost: query.countDegraded),
                fileName: fileName)
            return SignedDocument(bytes: rendered.bytes, signature: try? rendered.signer.signature(for: rendered.bytes),
                                  fileName: fileName)
        } catch {
            throw Self.serviceFailure(error)
        }
    }

    /// `courtwatch report user ID --as ROLE --viewer SUBJECT`: a staff token is the person themself (the web
    /// application has checked it is theirs); a manager's or union rep's gets it only while it is shared with
    /// their role, and the token's subject is recorded in the person's access log as the viewer.
    static func userReport(_ id: String, _ query: ReportQuery, configuration: SiteConfiguration,
                           stateDirectory: String) throws(CommandFailure) -> SignedDocument {
        guard let viewer = query.viewer, [.staff, .manager, .unionRep].contains(viewer.role) else {
            throw CommandFailure(code: .noPermission, message: "only the person, or a manager or union rep they share with, gets \(id)'s report")
        }
        let first = try StaffSupport.date(query.from, option: "from")
        let last = try StaffSupport.date(query.to, option: "to")
        guard first <= last else { throw CommandFailure(code: .usage, message: "from is after to") }
        let role = viewer.role == .staff ? "self" : viewer.role.rawValue
        let fileName = "report-\(id)-\(first.iso8601)-\(last.iso8601).\(query.format)"
        let made = try UserReportCommand.make(id, configDirectory: configuration.directory, stateDirectory: stateDirectory,
                                              first: first, last: last, format: query.format, role: role,
                                              viewer: viewer.role == .staff ? id : viewer.subject, fileName: fileName)
        return SignedDocument(bytes: made.bytes, signature: try? made.signer.signature(for: made.bytes), fileName: fileName)
    }

    /// A command's refusal in the API's terms: usage and bad data 400, not shared 403, the rest 503.
    static func serviceFailure(_ error: CommandFailure) -> ServiceFailure {
        // The CLI's usage sentences end with a pointer to --help; the API's do not.
        let sentence = String(error.message.prefix { $0 != "\n" }).replacingOccurrences(of: "--", with: "")
        switch error.code {
        case .dataError where sentence.hasPrefix("unknown staff ID"):
            return ServiceFailure(status: 404, code: "no-such-person", detail: sentence)
        case .usage, .dataError: return ServiceFailure(status: 400, code: "bad-query", detail: sentence)
        case .noPermission: return ServiceFailure(status: 403, code: "not-shared", detail: sentence)
        case .success, .failure: return ServiceFailure(status: 503, code: "log-unavailable", detail: sentence)
        }
    }
}
