import Foundation
import Testing
import TestSupport
@testable import Web

/// GET /reports/site's own checks (the CLI's rendering behind it: DaemonTests/WebContinuityTests).
@Suite("Reports API", .serialized)
struct ReportsAPITests {
    @Test func theQueryAndTheViewerArePassedOnWithTheSignature() throws {
        let fixture = try WebFixture()
        let csv = try fixture.request("GET", "/reports/site?from=2026-04-01&to=2026-06-30&format=csv&count_planned=yes",
                                      role: .manager)
        #expect(csv.status == 200)
        #expect(csv.text == "report site 2026-04-01 2026-06-30 csv true false manager:manager-person")
        #expect(csv.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(csv.headers["content-disposition"] == "attachment; filename=\"report.csv\"")
        #expect(csv.headers["x-courtwatch-signature"] == "AQID")
        let html = try fixture.request("GET", "/reports/site?from=2026-04-01&to=2026-06-30", role: .unionRep)
        #expect(html.headers["content-type"] == "text/html; charset=utf-8")
        #expect(html.text.hasSuffix("html false false union-rep:union-rep-person"))
    }

    @Test func aUserReportIsAStaffTokensOwnOrGoesToTheReporterWithTheViewer() throws {
        let fixture = try WebFixture()
        let own = try fixture.request("GET", "/reports/user/staff-person?from=2026-04-01&to=2026-04-30&format=json",
                                      role: .staff)
        #expect(own.status == 200)
        #expect(own.text == "report staff-person 2026-04-01 2026-04-30 json false false staff:staff-person")
        let other = try fixture.request("GET", "/reports/user/la-9?from=2026-04-01&to=2026-04-30", role: .staff)
        #expect(other.status == 403)
        #expect(other.text.contains("a staff token gets only its own report (this token is staff-person's)"))
        let manager = try fixture.request("GET", "/reports/user/la-9?from=2026-04-01&to=2026-04-30", role: .manager)
        #expect(manager.text.hasSuffix("manager:manager-person"))
        #expect(try fixture.request("GET", "/reports/user/la-9?from=2026-04-01&to=2026-04-30", role: .ops).status == 403)
        let planned = try fixture.request("GET", "/reports/user/staff-person?from=2026-04-01&to=2026-04-30&count_planned=yes",
                                          role: .staff)
        #expect(planned.status == 400, "the site report's counting options are not the person's")
    }

    @Test func badQueriesAreRefusedNamingThem() throws {
        let fixture = try WebFixture()
        for (query, says) in [("to=2026-06-30", "from is required"),
                              ("from=2026-04-01&to=2026-06-30&format=docx", "format must be pdf, html, csv or json, not 'docx'"),
                              ("from=2026-04-01&to=2026-06-30&count_planned=perhaps", "count_planned=perhaps is not yes or no"),
                              ("from=2026-04-01&to=2026-06-30&staff=s1", "'staff' is not a query parameter here")] {
            let response = try fixture.request("GET", "/reports/site?" + query, role: .ops)
            #expect(response.status == 400, "\(query)")
            #expect(response.text.contains(says), "\(query): \(response.text)")
        }
    }
}
