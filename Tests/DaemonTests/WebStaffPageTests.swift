import FailureLog
import Foundation
import Monitoring
import SQLite
import TestSupport
import Testing
@testable import Daemon
@testable import Web

/// The staff page through the daemon's real web service: a browser signs in with a staff token, reads
/// its CSRF token from /me, and posts each form; the failure log shows what the CLI would have recorded.
@Suite struct WebStaffPageTests {
    /// A browser's session with the daemon: its cookie, and raw exchanges over loopback.
    struct Browser {
        let port: UInt16
        var cookie = ""

        func send(_ method: String, _ path: String, form: String? = nil) throws
            -> (status: Int, headers: [String: String], body: String)
        {
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: text/html\r\n"
            if !cookie.isEmpty { head += "Cookie: \(SessionStore.cookieName)=\(cookie)\r\n" }
            if let form {
                head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
            }
            let answer = try WebClient(port: port).exchangeRaw(head + "\r\n" + (form ?? ""))
            return (answer.status, answer.headers, String(decoding: answer.body, as: UTF8.self))
        }

        static func encode(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }
    }

    @Test func aSignedInMemberOfStaffUsesEveryFormOfTheirPage() throws {
        let daemon = try WebContinuityTests.Daemon()
        defer { daemon.stop() }
        let config = daemon.directory.subpath("config")
        let added = try CourtwatchProcess.run(["staff", "add", "la-1", "--name", "Sam <i>Patel</i>", "--role", "legal-adviser",
                                               "--hours", "Mon-Fri 09:00-17:00", "--config", config])
        #expect(added.code == 0, "\(added.stderr)")

        var browser = Browser(port: daemon.service.address.port)
        let signIn = try browser.send("POST", "/signin", form: "token=" + Browser.encode(daemon.tokens[.staff]!))
        #expect(signIn.status == 303, "\(signIn.body)")
        #expect(signIn.headers["location"] == "/me", "staff land on their page")
        let cookie = signIn.headers["set-cookie"]?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        browser.cookie = String(try #require(cookie))
        let page = try browser.send("GET", "/me")
        #expect(page.status == 200, "\(page.body)")
        #expect(page.body.contains("<h1>Sam &lt;i&gt;Patel&lt;/i&gt;: my page</h1>"))
        #expect(page.body.contains("Report a problem with CJSM") || page.body.contains("Report a problem with cjsm"))
        let field = try #require(page.body.range(of: "name=\"csrf\" value=\""))
        let csrf = String(page.body[field.upperBound...].prefix { $0 != "\"" })
        let token = "csrf=" + Browser.encode(csrf)

        let problem = try browser.send("POST", "/me/report-problem", form: token + "&system=cjsm&text=" + Browser.encode("can't send results"))
        #expect(problem.status == 303, "\(problem.body)")
        let note = "<script>alert('x')</script> chased by phone"
        let entry = try browser.send("POST", "/me/entries", form: token + "&kind=cost&amount=4.20&what=phone&claim=&minutes="
                                     + "&systems=cjsm&note=" + Browser.encode(note))
        #expect(entry.status == 303, "\(entry.body)")
        let refused = try browser.send("POST", "/me/entries", form: token + "&kind=deadline&status=missed&target="
                                       + Browser.encode("PSR for 01AB1234525"))
        #expect(refused.status == 422)
        #expect(refused.body.contains("<a href=\"#entry-target\">"), "\(refused.body)")
        #expect(refused.body.contains("looks like a police case URN"))
        let shared = try browser.send("POST", "/me/shares", form: token + "&with=manager&person=&until=")
        #expect(shared.status == 303)
        let after = try browser.send("GET", "/me")
        #expect(after.body.contains("Your report is now shared with your line manager until you revoke it."))
        #expect(after.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || after.body.contains("&lt;script&gt;alert('x')&lt;/script&gt;"))
        #expect(!after.body.contains("<script>"))
        #expect(after.body.contains("<td>My line manager</td>"))
        let query = "?from=2026-11-01&to=2026-11-30&format=csv"
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .manager).status == 200, "shared from the page")
        let revoked = try browser.send("POST", "/me/shares/revoke", form: token + "&with=manager")
        #expect(revoked.status == 303)
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .manager).status == 403, "revoked from the page")
        let forged = try browser.send("POST", "/me/shares", form: "csrf=wrong&with=union-rep")
        #expect(forged.status == 403)

        let connection = try FailureLogStore(stateDirectory: daemon.state).openReader()
        defer { try? connection.close() }
        let events = try connection.rows(
            "SELECT kind, payload FROM events WHERE kind IN (?, ?, ?) ORDER BY seq",
            [EventKind.staffShared, EventKind.staffRevoked, EventKind.userReport]) { ($0.text(0) ?? "", $0.text(1) ?? "") }
        // The problem report goes through the daemon's writer thread; wait for it to land, bounded.
        #expect(events.map(\.0).filter { $0 != EventKind.userReport } == [EventKind.staffShared, EventKind.staffRevoked])
        #expect(events.allSatisfy { $0.1.contains(#""by":"la-1""#) }, "\(events)")
        let reports = try eventually(timeout: .seconds(5)) {
            try connection.rows("SELECT payload FROM events WHERE kind = ?", [EventKind.userReport]) { $0.text(0) ?? "" }.count == 1
        }
        #expect(reports)
        let entries = try StaffLog.entries(connection, staffID: "la-1")
        #expect(entries.map(\.kind) == [.cost], "the refused entry left nothing")
        #expect(entries.first?.fields == ["amount": "4.20", "what": "phone", "note": note])
        #expect(entries.first?.systems == ["cjsm"])
    }
}
