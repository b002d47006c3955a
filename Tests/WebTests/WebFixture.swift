import Continuity
import Diagnostics
import FailureLog
import Foundation
import Monitoring
import TestSupport
@testable import Web

/// A failure log with a site, two probes (one down) and one open manual incident; a tokens file with a
/// token for every role; the web application on a loopback server with an ephemeral port.
final class WebFixture: @unchecked Sendable {
    // @unchecked: immutable after init except the Mutex-guarded live values.
    let directory = TemporaryDirectory("courtwatch-web")
    let stateDirectory: String
    let tokensPath: String
    var tokens: [Role: String] = [:]
    let server: HTTPServer
    let application: WebApplication
    let incidentID: Int64
    /// What the fake daemon reports: failure-log health and probe-loop age in ns.
    let live = LiveValues()

    static let site = SiteDefinition(id: "lei", name: "Leicester \"Crown\" Court", timeZone: "Europe/London")
    static let probes = [
        ProbeDefinition(
            id: "cp-signin", name: "Common Platform sign-in",
            check: .http(HTTPCheck(url: try! Endpoint(parsing: "https://signin.example.invalid/", allowedSchemes: ["https"]))),
            system: "common-platform", critical: true),
        ProbeDefinition(
            id: "dcs-web", name: "Digital Case System",
            check: .http(HTTPCheck(url: try! Endpoint(parsing: "https://dcs.example.invalid/", allowedSchemes: ["https"]))),
            system: "dcs", critical: true),
    ]

    /// `sessions`: a store with a manual clock for expiry tests; `adjust` changes the environment last.
    init(publicStatus: Bool = false, limits: ServerLimits = WebFixture.generousLimits,
         statusCacheMilliseconds: Int64 = 0, continuity: (any ContinuityService)? = nil,
         sessions: SessionStore? = nil, adjust: (inout WebEnvironment) -> Void = { _ in }) throws {
        stateDirectory = directory.subpath("state")
        let store = FailureLogStore(stateDirectory: stateDirectory)
        try store.prepareDirectory()
        let writer = try LogWriter(connection: try store.openWriter(), logger: Logger(label: "test", sink: .discard))
        writer.start()
        writer.record(.configuration(site: Self.site, probes: Self.probes))
        var monitor = SiteMonitor(probes: Self.probes)
        let start: Int64 = 1_700_000_000_000
        for index in 0..<5 {
            for probe in Self.probes {
                let failing = probe.id == "dcs-web" && index > 0
                let observation = Observation(
                    probeID: probe.id, at: Timestamp(millisecondsSinceEpoch: start + Int64(index) * 30_000),
                    failure: failing ? FailureEvidence(failureClass: .httpStatus, message: "HTTP 503 (expected 200)") : nil,
                    latencyMicroseconds: failing ? 3_000_000 : 41_500, httpStatus: failing ? 503 : 200,
                    timings: PhaseTimings(dns: 10, connect: 20, tls: 30, firstByte: 40, total: 50))
                let actions = monitor.observe(observation)
                writer.record(.outcome(ProbeOutcome(observation: observation, actions: actions,
                                                    state: monitor.state(of: probe.id)?.state ?? .unknown,
                                                    stateSince: monitor.state(of: probe.id)?.since)))
            }
        }
        _ = writer.flush()
        writer.close()
        let session = try LogSession(store: store)
        incidentID = try session.write {
            try $0.openManualIncident(ManualIncident(site: "lei", systems: ["common-platform"], title: "Wi-Fi <slow>",
                                                     by: "ops-alice", impact: .minor, planned: false,
                                                     startedAt: Timestamp(millisecondsSinceEpoch: start)),
                                      at: Timestamp(millisecondsSinceEpoch: start + 1000))
        }
        session.close()

        var lines = ["# courtwatch tokens: SHA-256 ROLE SUBJECT"]
        for role in Role.allCases {
            let token = try TokenMaker.newToken()
            tokens[role] = token
            lines.append(TokenMaker.line(token: token, role: role, subject: "\(role.rawValue)-person"))
        }
        tokensPath = directory.write("tokens", lines.joined(separator: "\n") + "\n")

        let live = self.live
        var environment = WebEnvironment(
            stateDirectory: stateDirectory, publicStatus: publicStatus,
            logHealth: { live.locked { $0.logHealth } }, probeLoopAge: { live.locked { $0.loopAge } },
            heartbeat: { probe in
                guard probe == "nightly-backup" else { return .unknownProbe("there is no probe '\(probe)'") }
                live.locked { $0.heartbeats.append(probe) }
                return .recorded("heartbeat for \(probe) recorded")
            })
        environment.certificateExpiries = { live.locked { $0.certificateExpiries } }
        environment.logWrites = { live.locked { $0.logWrites } }
        environment.refreshSeconds = 45
        environment.continuity = continuity
        environment.logExport = { query throws(ServiceFailure) in
            guard query.from != "bad" else { throw ServiceFailure(status: 400, code: "bad-query", detail: "from bad is not a date") }
            return Array("export \(query.from) \(query.to) \(query.format) \(query.site ?? "-") \(query.system ?? "-") \(query.planned.map { "\($0)" } ?? "-")".utf8)
        }
        environment.reports = { query throws(ServiceFailure) in
            let who = query.viewer.map { "\($0.role.rawValue):\($0.subject)" } ?? "-"
            return SignedDocument(bytes: Array("report \(query.subject ?? "site") \(query.from) \(query.to) \(query.format) \(query.countPlanned) \(query.countDegraded) \(who)".utf8),
                                  signature: [1, 2, 3], fileName: "report.\(query.format)")
        }
        environment.staff = FakeStaff()
        environment.forms = { courtroom, incident, now in
            FormSite(site: "lei", context: FormContext(siteName: Self.site.name, courtroom: courtroom, incident: incident,
                                                       createdAtEpochSeconds: now.millisecondsSinceEpoch / 1000))
        }
        environment.statusCacheMilliseconds = statusCacheMilliseconds
        adjust(&environment)
        application = WebApplication(environment: environment, tokens: try TokenStore(path: tokensPath), sessions: sessions)
        let application = self.application
        server = try HTTPServer(listen: ListenAddress(host: "127.0.0.1", port: 0), limits: limits,
                                logger: Logger(label: "test", sink: .discard)) { request, client in
            application.handle(request, client)
        }
        server.start()
    }

    static var generousLimits: ServerLimits {
        var limits = ServerLimits()
        limits.requestsPerSecond = 10_000
        limits.burst = 10_000
        return limits
    }

    deinit { server.stop() }

    /// One request on a fresh connection.
    /// `cookie`: a session ID sent as the session cookie; `headers`: extra `Name: value` lines.
    func request(_ method: String, _ path: String, role: Role? = nil, token: String? = nil, body: String? = nil,
                 contentType: String? = "application/json", cookie: String? = nil,
                 headers: [String] = []) throws -> HTTPTestClient.Response {
        let client = try HTTPTestClient(port: server.port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: courtwatch.test\r\n"
        if let bearer = token ?? role.flatMap({ tokens[$0] }) { head += "Authorization: Bearer \(bearer)\r\n" }
        if let cookie { head += "Cookie: theme=dark; \(SessionStore.cookieName)=\(cookie)\r\n" }
        for line in headers { head += line + "\r\n" }
        if let body {
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(body.utf8.count)\r\n"
        } else if method == "POST" {
            head += "Content-Length: 0\r\n"
        }
        client.send(head + "\r\n" + (body ?? ""))
        return try client.readResponse(head: method == "HEAD")
    }
}

/// The fake daemon's live values, changed by tests while the server reads them.
final class LiveValues: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    struct Values {
        var logHealth: String?
        var loopAge: Int64? = 1_000_000_000
        var heartbeats: [String] = []
        var certificateExpiries: [String: Timestamp] = [:]
        var logWrites: LogWriteStatistics.Snapshot?
    }

    private let lock = NSLock()
    private var values = Values()

    func locked<T>(_ body: (inout Values) -> T) -> T { lock.withLock { body(&values) } }
}

/// Echoes what the staff routes pass on, so tests can see the subject and the mapped fields.
struct FakeStaff: StaffService {
    func reportProblem(system: String, site: String?, text: String?, by: String,
                       at now: Timestamp) throws(ServiceFailure) -> JSONValue {
        ["system": .string(system), "site": .optional(site), "text": .optional(text), "by": .string(by)]
    }

    func logEntry(_ entry: StaffEntryRequest, staffID: String) throws(ServiceFailure) -> String {
        let options = entry.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return JSONValue.object(["staff": .string(staffID), "kind": .string(entry.kind), "options": .string(options),
                                 "systems": .optional(entry.systems?.joined(separator: ","))]).canonicalText
    }

    /// A record whose name and entry carry markup, so pages that show it must escape it.
    func record(staffID: String, at now: Timestamp) throws(ServiceFailure) -> StaffRecord {
        let entry = StaffEntry(id: "e7", staffID: staffID, kind: .timeLost, at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
                               end: Timestamp(millisecondsSinceEpoch: 1_700_002_700_000), systems: ["dcs"],
                               fields: ["minutes": "45", "could-not": "list <b>"], incidentIDs: [3],
                               recordedAt: Timestamp(millisecondsSinceEpoch: 1_700_002_800_000))
        return StaffRecord(id: staffID, name: "Sam <Patel>", team: "crime", site: "lei", timeZone: "Europe/London",
                           systems: ["dcs"], siteSystems: [SiteSystem(id: "dcs", name: "Digital Case System")],
                           shares: [ReportShare(grantee: "union-rep", grantedAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
                                                until: nil)],
                           recentEntries: [RecentEntry(entry: entry, summary: "45 min lost; could not: list <b>")])
    }

    /// Echoes the request; a grantee "nobody" was never shared with, "past" is the CLI's refusal of a past date.
    func share(staffID: String, with grantee: String, until: String?, at now: Timestamp) throws(ServiceFailure) -> ShareChange {
        if until == "2000-01-01" { throw ServiceFailure(status: 422, code: "refused", detail: "until 2000-01-01 is in the past") }
        return ShareChange(message: "shared \(staffID)'s report with \(grantee) until \(until ?? "revoked")",
                           share: ReportShare(grantee: grantee, grantedAt: now, until: nil))
    }

    func revoke(staffID: String, from grantee: String, at now: Timestamp) throws(ServiceFailure) -> ShareChange {
        ShareChange(message: "revoked \(grantee) for \(staffID)", revoked: grantee == "nobody" ? 0 : 1)
    }
}
