import Diagnostics
import FailureLog
import Foundation
import Monitoring
import TestSupport
import Testing
@testable import Daemon
@testable import Web

/// Browser sign-in on the daemon's real web service: courtwatch.conf's SecureCookies= and SessionIdleMinutes=
/// reach the session cookie and store, and an incident form posted with the session's CSRF token is recorded in
/// the real failure log as the token's subject.
@Suite struct WebSignInDaemonTests {
    @Test func aSiteLeadSignsInPostsANoteThroughTheFormAndSignsOut() throws {
        let directory = TemporaryDirectory("courtwatch-web-signin")
        let config = ContinuityCommandTests.configuration(in: directory, port: 1)
        directory.write("config/courtwatch.conf",
                        "[Daemon]\nListen=127.0.0.1:0\nTokensFile=tokens\nSecureCookies=yes\nSessionIdleMinutes=90\n")
        let token = try TokenMaker.newToken()
        directory.write("config/tokens", TokenMaker.line(token: token, role: .siteLead, subject: "lead-ann") + "\n")
        let state = directory.subpath("state")
        let store = FailureLogStore(stateDirectory: state)
        try store.prepareDirectory()
        let logger = Logger(label: "test", sink: .discard)
        let writer = try LogWriter(connection: try store.openWriter(), logger: logger)
        writer.start()
        let service = try WebService(configuration: try CommandLineTool.loadConfiguration(config), stateDirectory: state,
                                     writer: writer, engine: nil,
                                     heartbeats: HeartbeatLedger(stateDirectory: state, logger: logger), logger: logger)
        service.start()
        defer {
            service.stop()
            writer.close()
        }
        try ContinuityCommandTests.openIncident(state: state, system: "common-platform", startedMinutesAgo: 5)
        let port = service.address.port
        func send(_ method: String, _ path: String, cookie: String? = nil, form: String? = nil) throws
            -> (status: Int, headers: [String: String], body: String)
        {
            var head = "\(method) \(path) HTTP/1.1\r\nHost: court.example\r\nConnection: close\r\n"
            if let cookie { head += "Cookie: courtwatch_session=\(cookie)\r\n" }
            if let form {
                head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
                head += "Origin: https://court.example\r\nSec-Fetch-Site: same-origin\r\n"
            }
            let answer = try WebClient(port: port).exchangeRaw(head + "\r\n" + (form ?? ""))
            return (answer.status, answer.headers, String(decoding: answer.body, as: UTF8.self))
        }

        let form = try send("GET", "/signin")
        #expect(form.status == 200)
        #expect(form.body.contains("90 minutes without using it"))
        let signedIn = try send("POST", "/signin", form: "token=\(token)&next=%2Fincidents%2F1")
        #expect(signedIn.status == 303, "\(signedIn.body)")
        #expect(signedIn.headers["location"] == "/incidents/1")
        let cookieHeader = try #require(signedIn.headers["set-cookie"])
        #expect(cookieHeader.hasSuffix("; HttpOnly; SameSite=Strict; Path=/; Secure"))
        let cookie = String(cookieHeader.dropFirst("courtwatch_session=".count).prefix { $0 != ";" })

        let page = try send("GET", "/incidents/1", cookie: cookie)
        #expect(page.status == 200)
        #expect(page.body.contains("Signed in as <strong>lead-ann</strong> (site-lead)"))
        #expect(page.body.contains("<h1>Incident 1: common-platform not working</h1>"))
        let csrf = try #require(page.body.range(of: "name=\"csrf\" value=\"").map {
            String(page.body[$0.upperBound...].prefix { $0 != "\"" })
        })
        let refused = try send("POST", "/incidents/1/note", cookie: cookie, form: "text=no+token")
        #expect(refused.status == 403)
        let noted = try send("POST", "/incidents/1/note", cookie: cookie, form: "csrf=\(csrf)&text=Called+the+supplier")
        #expect(noted.status == 303, "\(noted.body)")
        let shown = try send("GET", "/incidents/1", cookie: cookie)
        #expect(shown.body.contains("Your note was added to incident 1."))
        #expect(shown.body.contains("Called the supplier"))

        let reader = try LogReader(store: store)
        let timeline = try #require(try reader.incident(1)).timeline
        #expect(timeline.contains { $0.kind == "note" && $0.by == "lead-ann" && $0.text == "Called the supplier" })
        #expect(!timeline.contains { $0.text == "no token" })

        let out = try send("POST", "/signout", cookie: cookie, form: "csrf=\(csrf)")
        #expect(out.status == 303)
        #expect(out.headers["set-cookie"]?.contains("Max-Age=0") == true)
        #expect(try send("GET", "/incidents/1", cookie: cookie).status == 401)
    }
}
