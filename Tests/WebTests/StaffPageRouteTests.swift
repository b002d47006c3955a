import FailureLog
import Foundation
import Monitoring
import Testing
import TestSupport
@testable import Web

/// GET /me and its form posts over real HTTP with a browser session: the page in the shell, each form
/// turned into the API's request for the signed-in person, 303 back with a message, 422 with the field.
@Suite("Staff page routes", .serialized)
struct StaffPageRouteTests {
    /// Answers as `FakeStaff` and keeps what reached it.
    final class RecordingStaff: StaffService, @unchecked Sendable {
        // @unchecked: `calls` is only touched under `lock`.
        private let lock = NSLock()
        private var recorded: [String] = []
        private let fake = FakeStaff()
        /// The one person the staff directory knows.
        let known: String

        init(known: String = "staff-person") { self.known = known }

        var calls: [String] { lock.withLock { recorded } }
        private func note(_ call: String) { lock.withLock { recorded.append(call) } }

        func reportProblem(system: String, site: String?, text: String?, by: String,
                           at now: Timestamp) throws(ServiceFailure) -> JSONValue {
            note("problem \(system) \(text ?? "-") by \(by)")
            return try fake.reportProblem(system: system, site: site, text: text, by: by, at: now)
        }

        func logEntry(_ entry: StaffEntryRequest, staffID: String) throws(ServiceFailure) -> String {
            let options = entry.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            note("entry \(entry.kind) at=\(entry.at ?? "-") systems=\(entry.systems?.joined(separator: ",") ?? "-") \(options) for \(staffID)")
            if entry.options["could-not"]?.contains("01AB1234525") == true {
                throw ServiceFailure(status: 422, code: "refused",
                                     detail: "could-not refused: '01AB1234525' looks like a police case URN")
            }
            return #"{"id":"e41","incidents":[4,9],"kind":"\#(entry.kind)"}"#
        }

        func record(staffID: String, at now: Timestamp) throws(ServiceFailure) -> StaffRecord {
            guard staffID == known else {
                throw ServiceFailure(status: 403, code: "not-staff", detail: "unknown staff ID '\(staffID)'")
            }
            return try fake.record(staffID: staffID, at: now)
        }

        func share(staffID: String, with grantee: String, until: String?, at now: Timestamp) throws(ServiceFailure) -> ShareChange {
            note("share \(grantee) until \(until ?? "-") for \(staffID)")
            return try fake.share(staffID: staffID, with: grantee, until: until, at: now)
        }

        func revoke(staffID: String, from grantee: String, at now: Timestamp) throws(ServiceFailure) -> ShareChange {
            note("revoke \(grantee) for \(staffID)")
            return try fake.revoke(staffID: staffID, from: grantee, at: now)
        }
    }

    static func fixture(_ staff: RecordingStaff) throws -> WebFixture {
        try WebFixture(adjust: { $0.staff = staff })
    }

    @Test func theSignedInPersonGetsTheirPageInTheShellWithTheSessionsCSRFToken() throws {
        let staff = RecordingStaff()
        let fixture = try Self.fixture(staff)
        let session = try fixture.signIn(.staff)
        let page = try fixture.request("GET", "/me", cookie: session.cookie)
        #expect(page.status == 200, "\(page.text)")
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("<h1>Sam &lt;Patel&gt;: my page</h1>"))
        #expect(page.text.contains("Signed in as <strong>staff-person</strong>"))
        #expect(page.text.contains("<a href=\"/me\" aria-current=\"page\">My page</a>"))
        #expect(!page.text.contains("http-equiv=\"refresh\""), "a page with forms never reloads itself")
        let tokens = try StaffPageTests.captures("name=\"csrf\" value=\"([^\"]+)\"", in: page.text)
        #expect(tokens.count == 5, "sign-out, one problem, entry, revoke, share: \(tokens.count)")
        #expect(Set(tokens) == [session.csrf])
        #expect(page.text.contains("Content-Security-Policy") == false, "headers are not in the body")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
    }

    @Test func otherRolesAndStrangersAreTurnedAwayWithASentence() throws {
        let fixture = try Self.fixture(RecordingStaff())
        let ops = try fixture.signIn(.ops)
        let refused = try fixture.request("GET", "/me", cookie: ops.cookie, headers: ["Accept: text/html"])
        #expect(refused.status == 403)
        #expect(refused.text.contains("role ops may not use GET /me (allowed: staff)"), "\(refused.text)")
        let stranger = try fixture.request("GET", "/me", headers: ["Accept: text/html"])
        #expect(stranger.status == 303)
        #expect(stranger.headers["location"] == "/signin?next=/me")
        // A staff token whose subject the directory does not know: a page saying so.
        let elsewhere = try Self.fixture(RecordingStaff(known: "someone-else"))
        let unknown = try elsewhere.request("GET", "/me", cookie: try elsewhere.signIn(.staff).cookie)
        #expect(unknown.status == 403)
        #expect(unknown.text.contains("<h1>You are not in the staff directory</h1>"), "\(unknown.text)")
        #expect(unknown.text.contains("Unknown staff ID &#39;staff-person&#39;.") || unknown.text.contains("Unknown staff ID 'staff-person'."))
    }

    @Test func eachFormReachesTheServiceAsThePersonAndComesBackWithAMessage() throws {
        let staff = RecordingStaff()
        let fixture = try Self.fixture(staff)
        let session = try fixture.signIn(.staff)
        let posts: [(String, String, String)] = [
            ("/me/report-problem", "system=dcs&text=save+fails", "Recorded: Digital Case System is not working for you."),
            ("/me/entries", "kind=time-lost&at=2026-03-05T09%3A15&minutes=45&could_not=list&amount=&claim=&systems=dcs&systems=cjsm",
             "Logged your entry e41: linked to incidents 4, 9."),
            ("/me/shares", "with=person&person=A.+Rep&until=2030-01-31", "Your report is now shared with A. Rep until the end of 2030-01-31."),
            ("/me/shares", "with=union-rep&person=&until=", "Your report is now shared with union representatives until you revoke it."),
            ("/me/shares/revoke", "with=manager", "Stopped sharing: your line manager can no longer see your report."),
            ("/me/shares/revoke", "with=nobody", "Your report was not shared with nobody."),
        ]
        for (path, fields, flash) in posts {
            let response = try fixture.postForm(path, session, fields: fields)
            #expect(response.status == 303, "\(path) \(fields): \(response.status) \(response.text)")
            #expect(response.headers["location"] == "/me")
            let page = try fixture.request("GET", "/me", cookie: session.cookie)
            #expect(page.text.contains("<div class=\"flash\" role=\"status\"><p>\(flash)"), "\(path): \(flash)")
            let again = try fixture.request("GET", "/me", cookie: session.cookie)
            #expect(!again.text.contains("class=\"flash\""), "the message shows once")
        }
        #expect(staff.calls == [
            "problem dcs save fails by staff-person",
            "entry time-lost at=2026-03-05T09:15 systems=dcs,cjsm could-not=list,minutes=45 for staff-person",
            "share A. Rep until 2030-01-31 for staff-person",
            "share union-rep until - for staff-person",
            "revoke manager for staff-person",
            "revoke nobody for staff-person",
        ])
    }

    @Test func refusedValuesComeBackAs422WithTheFieldLinkedAndTheTypingKept() throws {
        let staff = RecordingStaff()
        let fixture = try Self.fixture(staff)
        let session = try fixture.signIn(.staff)
        let hostile = WebFixture.formEncode("<script>alert(1)</script>")
        for (path, fields, link, message) in [
            ("/me/entries", "minutes=45&note=\(hostile)", "#entry-kind", "&#39;kind&#39; is required."),
            ("/me/entries", "kind=time-lost&minutes=30&could_not=PSR+for+01AB1234525", "#entry-could_not",
             "Could-not refused: &#39;01AB1234525&#39; looks like a police case URN."),
            ("/me/shares", "with=person&person=+", "#share-person", "&#39;person&#39; is required"),
            ("/me/shares", "with=manager&until=2000-01-01", "#share-until", "Until 2000-01-01 is in the past."),
            ("/me/report-problem", "system=dcs&text=\(String(repeating: "x", count: 1001))", "#problem-0-text",
             "&#39;text&#39; is limited to 1000 characters."),
        ] {
            let response = try fixture.postForm(path, session, fields: fields)
            #expect(response.status == 422, "\(path) \(fields): \(response.status)")
            #expect(response.text.contains("role=\"alert\""))
            #expect(response.text.contains("<a href=\"\(link)\">"), "\(path) \(fields): no link to \(link)")
            #expect(response.text.contains(message) || response.text.contains(message.replacingOccurrences(of: "&#39;", with: "'")),
                    "\(path) \(fields): \(message)")
            #expect(!response.text.contains("<script>"))
        }
        let kept = try fixture.postForm("/me/entries", session, fields: "minutes=45&note=\(hostile)")
        #expect(kept.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"))
        #expect(kept.text.contains("id=\"entry-minutes\" name=\"minutes\" value=\"45\""))
        // Only the case-data refusal reached the service; the rest were refused before it.
        #expect(staff.calls.count == 2, "\(staff.calls)")
        #expect(staff.calls.first?.hasPrefix("entry time-lost") == true)
    }

    @Test func aFormWithoutTheSessionsTokenChangesNothing() throws {
        let staff = RecordingStaff()
        let fixture = try Self.fixture(staff)
        let session = try fixture.signIn(.staff)
        let forged = try fixture.postForm("/me/shares", session, fields: "with=manager", csrf: "not-the-token")
        #expect(forged.status == 403)
        let crossSite = try fixture.postForm("/me/shares", session, fields: "with=manager",
                                             headers: ["Origin: https://evil.example", "Sec-Fetch-Site: cross-site"])
        #expect(crossSite.status == 403)
        #expect(staff.calls.isEmpty)
    }
}
