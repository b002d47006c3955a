import FailureLog
import Foundation
import Monitoring
import Testing
import TestSupport
@testable import Web

@Suite("Incident pages", .serialized)
struct IncidentPagesTests {
    static let hostileTitle = "<script>alert(1)</script> & \"DCS\""
    static let hostileNote = "\"><img src=x onerror=alert(2)> line one\nline two"

    /// Opens a second incident with a hostile title and a hostile note, and resolves one more; returns the first.
    static func addHostileIncident(_ fixture: WebFixture) throws -> Int64 {
        let session = try LogSession(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        defer { session.close() }
        let start = Timestamp(millisecondsSinceEpoch: 1_700_000_500_000)
        let hostile = try session.write { transaction in
            let id = try transaction.openManualIncident(
                ManualIncident(site: "lei", systems: ["dcs"], title: hostileTitle, by: "ops-<b>", impact: .major,
                               planned: false, startedAt: start), at: start)
            try transaction.addIncidentNote(id, by: "lead-<i>", text: hostileNote, at: start + .seconds(60))
            return id
        }
        let resolved = try session.write { transaction in
            let id = try transaction.openManualIncident(
                ManualIncident(site: "lei", systems: ["dcs"], title: "Printer jam", by: "ops-alice", impact: .minor,
                               planned: true, startedAt: start), at: start)
            try transaction.resolveIncident(id, by: "ops-alice", text: "cleared", at: start + .seconds(600))
            return id
        }
        #expect(resolved > hostile)
        return hostile
    }

    @Test func theListShowsOpenIncidentsFirstWithLinksAndStatusInWords() throws {
        let fixture = try WebFixture()
        let hostile = try Self.addHostileIncident(fixture)
        let response = try fixture.request("GET", "/incidents", role: .unionRep)
        #expect(response.status == 200)
        let html = response.text
        #expect(html.contains("<h1>Incidents</h1>"))
        #expect(html.contains(#"<a href="/incidents" aria-current="page">Incidents</a>"#))
        #expect(html.contains("<a href=\"/incidents/\(hostile)\">Incident \(hostile): &lt;script&gt;alert(1)&lt;/script&gt; &amp; \"DCS\"</a>"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<a href=\"/incidents/\(fixture.incidentID)\">Incident \(fixture.incidentID): Wi-Fi &lt;slow&gt;</a>"))
        #expect(html.contains(">Investigating, not acknowledged</span>"))
        #expect(html.contains(">Resolved</span>"))
        let open = try #require(html.range(of: "Open incidents</h2>"))
        let resolved = try #require(html.range(of: "Resolved incidents</h2>"))
        let printer = try #require(html.range(of: "Printer jam"))
        #expect(open.upperBound < resolved.lowerBound && resolved.upperBound < printer.lowerBound)
        #expect(StatusAndIncidentAPITests.nestingProblems(html) == [])
        #expect(try fixture.request("GET", "/incidents?all=yes", role: .ops).status == 200)
        let bad = try fixture.request("GET", "/incidents?all=maybe", role: .ops)
        #expect(bad.status == 400)
        #expect(bad.text.contains("all=maybe is not yes or no."))
    }

    @Test func theIncidentPageEscapesEverythingAndShowsFormsOnlyToResponders() throws {
        let fixture = try WebFixture()
        let id = try Self.addHostileIncident(fixture)
        let manager = try fixture.signIn(.manager)
        let page = try fixture.request("GET", "/incidents/\(id)", cookie: manager.cookie)
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("<h1>Incident \(id): &lt;script&gt;alert(1)&lt;/script&gt; &amp; \"DCS\"</h1>"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt; line one<br>line two")
                || html.contains("\"&gt;&lt;img src=x onerror=alert(2)&gt; line one<br>line two"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<script"))
        #expect(html.contains("lead-&lt;i&gt;"))
        #expect(html.contains("Recorded by hand as it happened by ops-&lt;b&gt;"))
        #expect(html.contains("<dt>Impact</dt><dd>Major impact</dd>"))
        #expect(html.contains("<dt>Resolved</dt><dd>Still open</dd>"))
        #expect(html.contains(#"<time datetime="2023-11-14T22:21:40.000Z">"#))
        #expect(html.contains("(2023-11-14T22:21:40.000Z)"))
        #expect(html.contains("Staff problem reports linked: 0"))
        #expect(!html.contains("<form method=\"post\" action=\"/incidents/"))
        #expect(StatusAndIncidentAPITests.nestingProblems(html) == [])

        let lead = try fixture.signIn(.siteLead)
        let forms = try fixture.request("GET", "/incidents/\(id)", cookie: lead.cookie).text
        for action in ["ack", "note", "resolve"] {
            #expect(forms.contains("<form method=\"post\" action=\"/incidents/\(id)/\(action)\">\n"
                                   + "<input type=\"hidden\" name=\"csrf\" value=\"\(lead.csrf)\">"))
        }
        #expect(forms.contains(#"<label for="resolve-text">What was done, or why it is resolved (required)</label>"#))
        #expect(!forms.contains("http-equiv=\"refresh\""))
        #expect(StatusAndIncidentAPITests.nestingProblems(forms) == [])
        let missing = try fixture.request("GET", "/incidents/424242", cookie: lead.cookie)
        #expect(missing.status == 404)
        #expect(missing.text.contains("There is no incident 424242."))
    }

    @Test func formPostsAcknowledgeNoteAndResolveThroughTheLogWithFlashMessages() throws {
        let fixture = try WebFixture()
        let id = fixture.incidentID
        let lead = try fixture.signIn(.siteLead)
        let ack = try fixture.postForm("/incidents/\(id)/ack", lead,
                                       fields: "expires_in_minutes=30&text=" + WebFixture.formEncode("On it <now>"))
        #expect(ack.status == 303)
        #expect(ack.headers["location"] == "/incidents/\(id)")
        let after = try fixture.request("GET", "/incidents/\(id)", cookie: lead.cookie).text
        #expect(after.contains("<div class=\"flash\" role=\"status\"><p>Incident \(id) acknowledged by site-lead-person.</p></div>"))
        #expect(after.contains("On it &lt;now&gt;"))
        #expect(!(try fixture.request("GET", "/incidents/\(id)", cookie: lead.cookie).text.contains("role=\"status\"")))

        let note = try fixture.postForm("/incidents/\(id)/note", lead, fields: "text=Supplier+called%0D%0Aback")
        #expect(note.status == 303)

        // A resolve without a note: 422, the page again, the field named and linked.
        let refused = try fixture.postForm("/incidents/\(id)/resolve", lead, fields: "text=+++")
        #expect(refused.status == 422)
        #expect(refused.text.contains(##"<a href="#resolve-text">'text' is required: say what was done or why</a>"##))
        #expect(refused.text.contains(#"aria-invalid="true" aria-describedby="resolve-text-error""#))
        let badExpiry = try fixture.postForm("/incidents/\(id)/ack", lead, fields: "expires_in_minutes=soon&text=kept")
        #expect(badExpiry.status == 422)
        #expect(badExpiry.text.contains(##"<a href="#ack-expires">'expires_in_minutes' must be a whole number"##))
        #expect(badExpiry.text.contains(">kept</textarea>"))

        let resolve = try fixture.postForm("/incidents/\(id)/resolve", lead, fields: "text=Access+point+replaced")
        #expect(resolve.status == 303)
        let again = try fixture.postForm("/incidents/\(id)/ack", lead)
        #expect(again.status == 409)
        #expect(again.text.contains("role=\"alert\""))

        // The log has each change, by the session's subject, in order.
        let reader = try LogReader(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        let detail = try #require(try reader.incident(id))
        #expect(detail.summary.resolvedBy == "site-lead-person")
        #expect(detail.summary.acknowledgedBy == "site-lead-person")
        let byLead = detail.timeline.filter { $0.by == "site-lead-person" }
        #expect(byLead.compactMap(\.text).contains("On it <now>"))
        #expect(byLead.compactMap(\.text).contains("Supplier called\nback"))
        #expect(byLead.compactMap(\.text).contains("Access point replaced"))
    }

    @Test func aReaderWhoMayNotRespondIsRefusedAndNothingIsRecorded() throws {
        let fixture = try WebFixture()
        let manager = try fixture.signIn(.manager)
        let refused = try fixture.postForm("/incidents/\(fixture.incidentID)/note", manager, fields: "text=hi",
                                           headers: ["Accept: text/html"])
        #expect(refused.status == 403)
        #expect(refused.headers["content-type"] == "text/html; charset=utf-8")
        #expect(refused.text.contains("role manager may not use POST /incidents/{id}/note"))
        let reader = try LogReader(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        #expect(try reader.incident(fixture.incidentID)?.timeline.contains { $0.text == "hi" } == false)
    }

    @Test func theJSONAcknowledgementTakesAnOptionalNoteUnderTheSameRules() throws {
        let fixture = try WebFixture()
        let long = String(repeating: "x", count: 4001)
        let tooLong = try fixture.request("POST", "/api/v1/incidents/\(fixture.incidentID)/ack", role: .ops,
                                          body: #"{"text":"\#(long)"}"#)
        #expect(tooLong.status == 422)
        #expect(tooLong.text.contains("'text' is limited to 4000 characters"))
        let badExpiry = try fixture.request("POST", "/api/v1/incidents/\(fixture.incidentID)/ack", role: .ops,
                                            body: #"{"expires_in_minutes":0}"#)
        #expect(badExpiry.status == 400)
        let ok = try fixture.request("POST", "/api/v1/incidents/\(fixture.incidentID)/ack", role: .ops,
                                     body: #"{"expires_in_minutes":15,"text":"looking"}"#)
        #expect(ok.status == 200)
        let reader = try LogReader(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        #expect(try reader.incident(fixture.incidentID)?.timeline.contains { $0.text == "looking" && $0.by == "ops-person" } == true)
    }

    @Test func theStatusBoardLinksOpenIncidentsToTheirPages() throws {
        let fixture = try WebFixture()
        let board = try fixture.request("GET", "/", role: .staff).text
        #expect(board.contains("<a href=\"/incidents/\(fixture.incidentID)\"><strong>Incident \(fixture.incidentID): Wi-Fi &lt;slow&gt;</strong></a>"))
    }
}

@Suite("Reports page", .serialized)
struct ReportsPageTests {
    @Test func eachRoleSeesItsOwnReportForms() throws {
        let fixture = try WebFixture()
        let ops = try fixture.request("GET", "/reports/", role: .ops)
        #expect(ops.status == 200)
        #expect(ops.text.contains(#"<form method="get" action="/reports/site">"#))
        #expect(ops.text.contains(#"<form method="get" action="/reports/log">"#))
        #expect(!ops.text.contains(#"action="/reports/person""#))
        #expect(StatusAndIncidentAPITests.nestingProblems(ops.text) == [])
        let staff = try fixture.request("GET", "/reports/", role: .staff).text
        #expect(staff.contains(#"<form method="get" action="/reports/user/staff-person">"#))
        #expect(!staff.contains(#"action="/reports/site""#))
        let manager = try fixture.request("GET", "/reports/", role: .manager).text
        #expect(manager.contains(#"<form method="get" action="/reports/person">"#))
        #expect(manager.contains(#"<label for="person-id">Staff ID</label>"#))
        #expect(manager.contains(#"action="/reports/site""#))
    }

    @Test func aPersonsIDIsCheckedThenSentToTheirReportWhereSharingDecides() throws {
        let fixture = try WebFixture()
        let union = try fixture.signIn(.unionRep)
        let go = try fixture.request("GET", "/reports/person?id=ca-0107&from=2026-04-01&to=2026-04-30&format=pdf",
                                     cookie: union.cookie)
        #expect(go.status == 303)
        #expect(go.headers["location"] == "/reports/user/ca-0107?from=2026-04-01&to=2026-04-30&format=pdf")
        let report = try fixture.request("GET", try #require(go.headers["location"]), cookie: union.cookie)
        #expect(report.status == 200)
        #expect(report.text == "report ca-0107 2026-04-01 2026-04-30 pdf false false union-rep:union-rep-person")
        let bad = try fixture.request("GET", "/reports/person?id=" + WebFixture.formEncode("../<x>"), cookie: union.cookie)
        #expect(bad.status == 422)
        #expect(bad.text.contains(##"<a href="#person-id">A staff ID is letters"##))
        #expect(bad.text.contains(#"value="../&lt;x&gt;""#))
        let blank = try fixture.request("GET", "/reports/person?id=", cookie: union.cookie)
        #expect(blank.status == 422)
        #expect(blank.text.contains("Enter the person&#39;s staff ID.") || blank.text.contains("Enter the person's staff ID."))
    }

    @Test func aBrowserGetsRefusalsOfHTMLRoutesAsPagesAndAPIClientsKeepJSON() throws {
        let fixture = try WebFixture()
        let staff = try fixture.signIn(.staff)
        let page = try fixture.request("GET", "/reports/user/someone-else?from=2026-04-01&to=2026-04-30", cookie: staff.cookie,
                                       headers: ["Accept: text/html"])
        #expect(page.status == 403)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("a staff token gets only its own report (this token is staff-person&#39;s)")
                || page.text.contains("a staff token gets only its own report (this token is staff-person's)"))
        #expect(page.text.contains(#"<a href="/reports">Back</a>"#))
        let lead = try fixture.signIn(.siteLead)
        let missing = try fixture.request("GET", "/reports/site?to=2026-04-30", cookie: lead.cookie,
                                          headers: ["Accept: text/html"])
        #expect(missing.status == 400)
        #expect(missing.text.contains("from is required: a date like 2026-04-01."))
        let json = try fixture.request("GET", "/reports/site?to=2026-04-30", cookie: lead.cookie)
        #expect(json.headers["content-type"] == "application/json")
        #expect(json.text.contains(#""error":"bad-query""#))
        let api = try fixture.request("GET", "/api/v1/incidents/0", role: .ops, headers: ["Accept: text/html"])
        #expect(api.headers["content-type"] == "application/json")
    }

    @Test func theLogExportIsDownloadableWithASessionAndBlankFieldsAreLeftOut() throws {
        let fixture = try WebFixture()
        let lead = try fixture.signIn(.siteLead)
        let export = try fixture.request("GET", "/reports/log?from=2026-04-01&to=2026-05-01&format=csv&planned=&system=",
                                         cookie: lead.cookie)
        #expect(export.status == 200)
        #expect(export.text == "export 2026-04-01 2026-05-01 csv - - -")
        #expect(export.headers["x-courtwatch-signature"] != nil)
    }
}
