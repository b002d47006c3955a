import Diagnostics
import FailureLog
import Foundation
import SQLite
import TestSupport
import Testing
@testable import Daemon
@testable import Web

/// The continuity API on the daemon's real web service (`WebService` with `WebContinuityDesk`): the same
/// desk as `courtwatch continuity`, a real failure log, tokens in a tokens file, requests over loopback.
@Suite struct WebContinuityTests {
    /// One request on a fresh loopback connection: (status, body).
    static func send(port: UInt16, _ method: String, _ path: String, token: String, body: String? = nil) throws
        -> (status: Int, body: String)
    {
        let client = try WebClient(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        else if method == "POST" { head += "Content-Length: 0\r\n" }
        return try client.exchange(head + "\r\n" + (body ?? ""))
    }

    struct Daemon {
        let directory = TemporaryDirectory("courtwatch-web-continuity")
        let service: WebService
        let writer: LogWriter
        let state: String
        var tokens: [Role: String] = [:]

        init() throws {
            let config = ContinuityCommandTests.configuration(in: directory, port: 1)
            directory.write("config/courtwatch.conf", "[Daemon]\nListen=127.0.0.1:0\nTokensFile=tokens\n")
            var lines: [String] = []
            for role in Role.allCases {
                let token = try TokenMaker.newToken()
                tokens[role] = token
                // The staff token is la-1's, the staff member the user-report test adds.
                lines.append(TokenMaker.line(token: token, role: role,
                                             subject: role == .staff ? "la-1" : "\(role.rawValue) person"))
            }
            directory.write("config/tokens", lines.joined(separator: "\n") + "\n")
            state = directory.subpath("state")
            let store = FailureLogStore(stateDirectory: state)
            try store.prepareDirectory()
            let logger = Logger(label: "test", sink: .discard)
            writer = try LogWriter(connection: try store.openWriter(), logger: logger)
            writer.start()
            let configuration = try CommandLineTool.loadConfiguration(config)
            service = try WebService(configuration: configuration, stateDirectory: state, writer: writer, engine: nil,
                                     heartbeats: HeartbeatLedger(stateDirectory: state, logger: logger), logger: logger)
            service.start()
        }

        func request(_ method: String, _ path: String, _ role: Role, body: String? = nil) throws -> (status: Int, body: String) {
            try WebContinuityTests.send(port: service.address.port, method, path, token: tokens[role]!, body: body)
        }

        func stop() {
            service.stop()
            writer.close()
        }
    }

    static func json(_ text: String) -> [String: Any] { ContinuityCommandTests.json(text) }

    @Test func invokeCheckAndStandDownThroughTheAPIAreTheCLIsDecisions() throws {
        let daemon = try Daemon()
        defer { daemon.stop() }
        try ContinuityCommandTests.openIncident(state: daemon.state, system: "common-platform", startedMinutesAgo: 45)

        let before = try daemon.request("GET", "/api/v1/continuity", .staff)
        #expect(before.status == 200, "\(before.body)")
        let recommendation = Self.json(before.body)["recommendation"] as? [String: Any]
        #expect(recommendation?["level"] as? String == "contingency")
        #expect(((recommendation?["why"] as? [String])?.first ?? "").hasPrefix("Common Platform has been down for 4"))

        let invoke = try daemon.request("POST", "/api/v1/continuity/invoke", .siteLead,
                                        body: #"{"reason":"Common Platform down since 09:00"}"#)
        #expect(invoke.status == 200, "\(invoke.body)")
        #expect(Self.json(invoke.body)["invocation"] as? Int == 1)
        let again = try daemon.request("POST", "/api/v1/continuity/invoke", .ops, body: #"{"reason":"again"}"#)
        #expect(again.status == 409)
        #expect(again.body.contains("test-site is already in CONTINGENCY since "), "\(again.body)")
        #expect(again.body.contains("invoked by site-lead person: Common Platform down since 09:00"))

        // The CLI sees what the API did, and the API what the CLI prints.
        let cli = try CourtwatchProcess.run(["continuity", "status", "--json", "--config", daemon.directory.subpath("config"),
                                             "--state", daemon.state])
        let shown = try daemon.request("GET", "/api/v1/continuity", .manager)
        #expect(Self.json(cli.stdout)["invocation"] as? NSDictionary == Self.json(shown.body)["invocation"] as? NSDictionary)
        let invocation = Self.json(shown.body)["invocation"] as? [String: Any]
        #expect(invocation?["by"] as? String == "site-lead person")
        #expect(Self.json(shown.body)["level"] as? String == "contingency")
        #expect((Self.json(shown.body)["open_items"] as? [String])?.contains("partner-police") == true)

        let refused = try daemon.request("POST", "/api/v1/continuity/stand-down", .siteLead, body: #"{"reason":"back"}"#)
        #expect(refused.status == 409)
        #expect(refused.body.contains("stand-down refused"), "\(refused.body)")
        #expect(refused.body.contains("partner-police: Notifications re-confirmed with the police"))

        let computed = try daemon.request("POST", "/api/v1/continuity/check", .ops, body: #"{"item":"probes-green"}"#)
        #expect(computed.status == 422)
        #expect(computed.body.contains("is computed from the probes"))
        let unknown = try daemon.request("POST", "/api/v1/continuity/check", .ops, body: #"{"item":"tea-made"}"#)
        #expect(unknown.status == 422)
        #expect(unknown.body.contains("is not a checklist item (one of: "))
        let check = try daemon.request("POST", "/api/v1/continuity/check", .ops,
                                       body: #"{"item":"partner-police","note":"rang the control room"}"#)
        #expect(check.status == 200, "\(check.body)")
        let items = Self.json(try daemon.request("GET", "/api/v1/continuity", .ops).body)["checklist"] as? [[String: Any]]
        let told = items?.first { $0["item"] as? String == "partner-police" }
        #expect(told?["done"] as? Bool == true)
        #expect(told?["by"] as? String == "ops person")

        let down = try daemon.request("POST", "/api/v1/continuity/stand-down", .siteLead,
                                      body: #"{"reason":"back on Common Platform","override":"courts rising"}"#)
        #expect(down.status == 200, "\(down.body)")
        let overridden = Self.json(down.body)["overridden"] as? [String] ?? []
        #expect(overridden.contains("partner-em") && !overridden.contains("partner-police"), "\(overridden)")
        #expect(Self.json(try daemon.request("GET", "/api/v1/continuity", .unionRep).body)["level"] as? String == "normal")
        let nothing = try daemon.request("POST", "/api/v1/continuity/stand-down", .ops, body: #"{"reason":"again"}"#)
        #expect(nothing.status == 409)
        #expect(nothing.body.contains("there is nothing to stand down"))
        let forbidden = try daemon.request("POST", "/api/v1/continuity/invoke", .manager, body: #"{"reason":"x"}"#)
        #expect(forbidden.status == 403)

        // Every change is in the hash-chained log, by the token's subject.
        let connection = try FailureLogStore(stateDirectory: daemon.state).openReader()
        defer { try? connection.close() }
        let payloads = try connection.rows("SELECT payload FROM events WHERE kind LIKE 'continuity%' ORDER BY seq") {
            $0.text(0) ?? ""
        }
        #expect(payloads.contains { $0.contains("site-lead person") })
        #expect(payloads.contains { $0.contains("ops person") && $0.contains("partner-police") })
    }

    @Test func formsAreFilledFromTheSiteConfigurationAndRecordedAsIssued() throws {
        let daemon = try Daemon()
        defer { daemon.stop() }
        let form = try daemon.request("GET", "/forms/court-register.html?courtroom=Court%202&incident=PAPER-3", .staff)
        #expect(form.status == 200, "\(form.body.prefix(300))")
        #expect(form.body.contains("Test Magistrates"))
        #expect(form.body.contains("Court 2"))
        let connection = try FailureLogStore(stateDirectory: daemon.state).openReader()
        defer { try? connection.close() }
        let issued = try connection.rows("SELECT payload FROM events WHERE kind = 'forms.issued'") { $0.text(0) ?? "" }
        #expect(issued.count == 1)
        #expect(issued.first?.contains(#""by":"la-1""#) == true, "\(issued)")
        #expect(issued.first?.contains(#""incident":"PAPER-3""#) == true)
        #expect(issued.first?.contains(#""site":"test-site""#) == true)
    }

    @Test func theLogExportIsTheCLIsBytesWithItsSignature() throws {
        let daemon = try Daemon()
        defer { daemon.stop() }
        let config = daemon.directory.subpath("config")
        for (title, start, end) in [("CP down", "2026-11-20T09:15:00Z", "2026-11-20T11:40:00Z"),
                                    ("=CP slow", "2026-11-20T13:00:00Z", "2026-11-20T13:30:00Z")] {
            let opened = try CourtwatchProcess.run([
                "incidents", "open", "--state", daemon.state, "--config", config, "--site", "test-site", "--system",
                "common-platform", "--by", "Site lead", "--text", title, "--started-at", start, "--resolved-at", end,
                "--source", "paper log"])
            #expect(opened.code == 0, "\(opened.stderr)")
        }
        let out = daemon.directory.subpath("november.csv")
        let cli = try CourtwatchProcess.run(["log", "export", "--state", daemon.state, "--from", "2026-11-01", "--to",
                                             "2026-12-01", "--format", "csv", "--sign", "--out", out])
        #expect(cli.code == 0, "\(cli.stderr)")
        let client = try WebClient(port: daemon.service.address.port)
        let raw = try client.exchangeRaw("GET /api/v1/log/export?from=2026-11-01&to=2026-12-01&format=csv HTTP/1.1\r\n"
            + "Host: t\r\nConnection: close\r\nAuthorization: Bearer \(daemon.tokens[.unionRep]!)\r\n\r\n")
        #expect(raw.status == 200)
        #expect(raw.body == Array(try Data(contentsOf: URL(fileURLWithPath: out))), "the same bytes as the CLI's file")
        let signature = Data(base64Encoded: raw.headers["x-courtwatch-signature"] ?? "")
        #expect(signature == (try Data(contentsOf: URL(fileURLWithPath: out + ".sig"))), "Ed25519 is deterministic")

        let json = try daemon.request("GET", "/api/v1/log/export?from=2026-11-20T12:00:00Z&to=2026-11-21&format=json"
                                      + "&system=common-platform&planned=no", .manager)
        #expect(json.status == 200)
        #expect(json.body.contains("=CP slow") && !json.body.contains("CP down"))
        let backwards = try daemon.request("GET", "/api/v1/log/export?from=2026-12-01&to=2026-11-01&format=csv", .ops)
        #expect(backwards.status == 400)
        #expect(backwards.body.contains("from must be before to"))
        let notADate = try daemon.request("GET", "/api/v1/log/export?from=yesterday&to=2026-11-01&format=csv", .ops)
        #expect(notADate.status == 400)
        #expect(notADate.body.contains("from yesterday is not a date"), "\(notADate.body)")
        #expect(try daemon.request("GET", "/api/v1/log/export?from=2026-11-01&to=2026-12-01&format=csv", .staff).status == 403)

        // The site report, as 'courtwatch report site' makes it, signed with the same key.
        let report = try WebClient(port: daemon.service.address.port).exchangeRaw(
            "GET /reports/site?from=2026-11-20&to=2026-11-20&format=csv HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            + "Authorization: Bearer \(daemon.tokens[.manager]!)\r\n\r\n")
        #expect(report.status == 200)
        let text = String(decoding: report.body, as: UTF8.self)
        #expect(text.contains("CP down") && text.contains("'=CP slow"), "\(text.prefix(400))")
        let signer = try ExportSigner.load(stateDirectory: daemon.state)
        #expect(Data(base64Encoded: report.headers["x-courtwatch-signature"] ?? "").map(Array.init)
                == (try signer.signature(for: report.body)))
        let cliReport = try CourtwatchProcess.run(["report", "site", "test-site", "--from", "2026-11-20", "--to", "2026-11-20",
                                                   "--format", "csv", "--out", daemon.directory.subpath("site.csv"),
                                                   "--config", config, "--state", daemon.state])
        #expect(cliReport.code == 0, "\(cliReport.stderr)")
        let cliLines = try String(contentsOfFile: daemon.directory.subpath("site.csv"), encoding: .utf8).split(separator: "\n")
        let webLines = text.split(separator: "\n")
        #expect(cliLines.count == webLines.count)
        #expect(cliLines.filter { !$0.contains("generated") && !$0.contains("openssl") }
                == webLines.filter { !$0.contains("generated") && !$0.contains("openssl") }, "the same rows as the CLI's")
        let pdf = try daemon.request("GET", "/reports/site?from=2026-11-01&to=2026-11-30&format=pdf", .siteLead)
        #expect(pdf.status == 200 && pdf.body.hasPrefix("%PDF-"))
        let unknownDay = try daemon.request("GET", "/reports/site?from=2026-13-01&to=2026-11-30", .ops)
        #expect(unknownDay.status == 400)
        #expect(unknownDay.body.contains("from 2026-13-01 is not a date like 2026-04-01"))
    }

    @Test func aUserReportFollowsTheCLIsSharingRulesAndIsInTheAccessLog() throws {
        let daemon = try Daemon()
        defer { daemon.stop() }
        let config = daemon.directory.subpath("config")
        let common = ["--config", config, "--state", daemon.state]
        let added = try CourtwatchProcess.run(["staff", "add", "la-1", "--name", "Sam Patel", "--role", "legal-adviser",
                                               "--hours", "Mon-Fri 09:00-17:00", "--team", "crime", "--config", config])
        #expect(added.code == 0, "\(added.stderr)")
        let query = "?from=2026-11-01&to=2026-11-30&format=csv"
        let own = try daemon.request("GET", "/reports/user/la-1" + query, .staff)
        #expect(own.status == 200, "\(own.body)")
        let other = try daemon.request("GET", "/reports/user/la-2" + query, .staff)
        #expect(other.status == 403)
        #expect(other.body.contains(#""error":"not-yours""#))
        let unshared = try daemon.request("GET", "/reports/user/la-1" + query, .manager)
        #expect(unshared.status == 403)
        #expect(unshared.body.contains("la-1 has not shared their report with manager"), "\(unshared.body)")
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .ops).status == 403)
        #expect(try CourtwatchProcess.run(["staff", "share", "la-1", "--with", "manager"] + common).code == 0)
        let shared = try daemon.request("GET", "/reports/user/la-1" + query, .manager)
        #expect(shared.status == 200, "\(shared.body)")
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .unionRep).status == 403, "shared with the manager only")
        #expect(try daemon.request("GET", "/reports/user/nobody" + query, .manager).status == 404)
        #expect(try CourtwatchProcess.run(["staff", "revoke", "la-1", "--with", "manager"] + common).code == 0)
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .manager).status == 403)

        let connection = try FailureLogStore(stateDirectory: daemon.state).openReader()
        defer { try? connection.close() }
        let log = try StaffLog.accessLog(connection, staffID: "la-1").filter { $0.action.hasPrefix("report ") }
        #expect(log.map(\.viewer) == ["la-1", "manager person"], "\(log)")
        #expect(log.map(\.role) == ["self", "manager"])
    }
}

/// A blocking loopback HTTP/1.1 client for one exchange (`Connection: close`), bounded by a 5 s timeout.
struct WebClient {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    /// Sends `request`, reads to end of stream, and closes: status, lower-cased headers and the body bytes.
    func exchangeRaw(_ request: String) throws -> (status: Int, headers: [String: String], body: [UInt8]) {
        defer { close(fd) }
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<10_000 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[..<count]
        }
        let marker: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, received.count - 3)).first(where: { Array(received[$0..<$0 + 4]) == marker }) else {
            throw POSIXError(.EBADMSG)
        }
        let head = String(decoding: received[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") else { throw POSIXError(.EBADMSG) }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, Array(received[(end + 4)...]))
    }

    /// Sends `request`, reads to end of stream, and closes.
    func exchange(_ request: String) throws -> (status: Int, body: String) {
        defer { close(fd) }
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<10_000 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "")
        else { throw POSIXError(.EBADMSG) }
        return (status, String(text[headEnd.upperBound...]))
    }
}
