import FailureLog
import Foundation
import SQLite
import Testing
import TestSupport
@testable import Web

/// GET /forms/ and /forms/NAME.pdf|.html: the catalogue's forms, pre-filled, each download recorded.
@Suite("Forms pages", .serialized)
struct FormsPagesTests {
    static func issued(_ fixture: WebFixture) throws -> [String] {
        let connection = try FailureLogStore(stateDirectory: fixture.stateDirectory).openReader()
        defer { try? connection.close() }
        return try connection.rows("SELECT payload FROM events WHERE kind = 'forms.issued' ORDER BY seq") { $0.text(0) ?? "" }
    }

    @Test func theIndexLinksEveryFormInBothFormatsCarryingTheFill() throws {
        let fixture = try WebFixture()
        let page = try fixture.request("GET", "/forms/?incident=42&courtroom=Court%203", role: .staff)
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains(#"<h1>Paper continuity forms — Leicester "Crown" Court</h1>"#))
        #expect(page.text.contains("Pre-filled with incident reference 42."))
        for name in ["court-register", "em-notification"] {
            #expect(page.text.contains("href=\"/forms/\(name).pdf?incident=42&amp;courtroom=Court%203\""), "\(name)")
            #expect(page.text.contains("href=\"/forms/\(name).html?incident=42&amp;courtroom=Court%203\""), "\(name)")
        }
        #expect(try Self.issued(fixture).isEmpty, "the index is not an issue of forms")
        let bare = try fixture.request("GET", "/forms", role: .manager)
        #expect(bare.status == 200)
        #expect(bare.text.contains("href=\"/forms/court-register.pdf\""))
    }

    @Test func aPDFOrHTMLFormIsRenderedAndRecordedAsIssuedByTheTokensSubject() throws {
        let fixture = try WebFixture()
        let pdf = try fixture.request("GET", "/forms/em-notification.pdf?incident=42&courtroom=3", role: .staff)
        #expect(pdf.status == 200)
        #expect(pdf.headers["content-type"] == "application/pdf")
        #expect(pdf.text.hasPrefix("%PDF-"))
        #expect(pdf.headers["content-disposition"]?.hasPrefix("inline; filename=\"CW-F") == true)
        #expect(pdf.headers["x-courtwatch-forms-issued"]?.hasPrefix("event ") == true)
        let html = try fixture.request("GET", "/forms/CW-F01.html?courtroom=Court%207", role: .unionRep)
        #expect(html.status == 200)
        #expect(html.text.contains("Court 7"))
        let head = try fixture.request("HEAD", "/forms/CW-F01.pdf", role: .ops)
        #expect(head.status == 200)
        let events = try Self.issued(fixture)
        #expect(events.count == 2, "\(events)")
        #expect(events.first?.contains("\"by\":\"staff-person\"") == true, "\(events)")
        #expect(events.first?.contains("\"incident\":42") == true)
        #expect(events.last?.contains("\"by\":\"union-rep-person\"") == true)
        #expect(events.last?.contains("CW-F01") == true)
    }

    @Test func badNamesAndQueriesAreRefusedNamingThem() throws {
        let fixture = try WebFixture()
        let cases: [(String, Int, String)] = [
            ("/forms/court-register.docx", 404, "ask for NAME.pdf or NAME.html, NAME one of court-register"),
            ("/forms/nonsense.pdf", 404, "there is no form file 'nonsense.pdf'"),
            ("/forms/court-register.pdf?case=T20267", 400, "'case' is not a query parameter here"),
            ("/forms/court-register.pdf?incident=a%0Ab", 400, "incident must be one line of 1 to 80 characters"),
            ("/forms/?courtroom=" + String(repeating: "x", count: 81), 400, "courtroom must be one line"),
        ]
        for (path, status, says) in cases {
            let response = try fixture.request("GET", path, role: .ops)
            #expect(response.status == status, "\(path): \(response.status) \(response.text)")
            #expect(response.text.contains(says), "\(path): \(response.text)")
        }
        #expect(try Self.issued(fixture).isEmpty)
    }
}
