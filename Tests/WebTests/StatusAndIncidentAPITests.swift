import FailureLog
import Foundation
import Testing
import TestSupport
@testable import Web

@Suite("Status board and API", .serialized)
struct StatusAndIncidentAPITests {
    @Test func theStatusBoardIsPlainAccessibleHTMLThatRefreshesItself() throws {
        let fixture = try WebFixture()
        let response = try fixture.request("GET", "/", role: .staff)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/html; charset=utf-8")
        #expect(response.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        let html = response.text
        #expect(html.contains(#"<meta http-equiv="refresh" content="45">"#))
        #expect(html.contains(#"<html lang="en-GB">"#))
        #expect(html.contains("<h1>Leicester \"Crown\" Court: IT systems status</h1>"))
        #expect(html.contains(#"<h2 id="systems">Systems</h2>"#))
        #expect(html.contains("<th scope=\"col\">State</th>"))
        // States in words, not colour alone.
        #expect(html.contains(">Not working</span>"))
        #expect(html.contains(">Working</span>"))
        #expect(html.contains("Incident \(fixture.incidentID): Wi-Fi &lt;slow&gt;"))
        #expect(html.contains("Continuity level: <strong>NORMAL</strong>"))
        #expect(html.contains(#"<h2 id="wrong">What is wrong</h2>"#))
        #expect(html.contains("<li>The Digital Case System is down since 22:14 on Tue 14 Nov 2023 GMT (HTTP 503 (expected 200)).</li>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(Self.nestingProblems(html) == [])
        // Headings in order: one h1, then h2s.
        #expect(html.components(separatedBy: "<h1").count == 2)
        let head = try fixture.request("HEAD", "/", role: .staff)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == String(response.body.count))
    }

    /// Elements close in the order they opened (void elements aside): a small stand-in for an HTML validator.
    static func nestingProblems(_ html: String) -> [String] {
        let void: Set<String> = ["meta", "br", "hr", "img", "input", "link"]
        var open: [String] = []
        var problems: [String] = []
        var rest = Substring(html)
        while let start = rest.firstIndex(of: "<") {
            guard let end = rest[start...].firstIndex(of: ">") else { problems.append("unterminated tag"); break }
            let tag = rest[rest.index(after: start)..<end]
            rest = rest[rest.index(after: end)...]
            if tag.hasPrefix("!") { continue }
            let closing = tag.hasPrefix("/")
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
            if void.contains(name) { continue }
            if closing {
                if open.last == name { open.removeLast() } else { problems.append("</\(name)> closes <\(open.last ?? "nothing")>") }
            } else {
                open.append(name)
            }
        }
        return problems + open.map { "<\($0)> never closed" }
    }

    @Test func theBoardShowsAMonitoringProblemInWords() throws {
        let fixture = try WebFixture()
        fixture.live.locked { $0.logHealth = "disk full" }
        let html = try fixture.request("GET", "/", role: .ops).text
        #expect(html.contains(#"<div class="banner" role="alert"><p><strong>Monitoring problem:</strong> failure log: disk full</p></div>"#))
    }

    @Test func paperModeHasABannerAndShowsInMetrics() throws {
        let fixture = try WebFixture()
        let recommended = try fixture.request("GET", "/", role: .ops).text
        #expect(!recommended.contains("Paper mode"))
        let session = try LogSession(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        try session.write {
            try $0.recordRecommendation(site: "lei", level: "contingency", why: ["DCS down past its RTO"], systems: ["dcs"],
                                        at: .now)
        }
        #expect(try fixture.request("GET", "/", role: .ops).text
            .contains("<strong>Paper mode recommended (contingency):</strong> DCS down past its RTO"))
        _ = try session.write {
            try $0.recordInvocation(site: "lei", level: "contingency", by: "A. Lead", reason: "DCS down", automatic: false,
                                    systems: ["dcs"], recommended: "contingency", why: ["DCS down past its RTO"],
                                    incidents: [], at: .now)
        }
        session.close()
        let html = try fixture.request("GET", "/", role: .ops).text
        #expect(html.contains("<h2>Paper mode: continuity level CONTINGENCY since "))
        #expect(html.contains(#"Use the <a href="/forms/">paper forms pack</a> until the site stands down."#))
        #expect(!html.contains("Paper mode recommended"))
        let metrics = try fixture.request("GET", "/metrics", role: .ops).text
        #expect(metrics.contains(#"courtwatch_continuity_level{site="lei",level="contingency"} 1"#))
        #expect(metrics.contains(#"courtwatch_continuity_level{site="lei",level="normal"} 0"#))
    }

    @Test func statusJSONHasSiteProbesIncidentsAndHealth() throws {
        let fixture = try WebFixture()
        let response = try fixture.request("GET", "/api/v1/status", role: .manager)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        guard case .object(let status)? = JSONValue(parsing: response.text) else { Issue.record("not JSON: \(response.text)"); return }
        #expect(status["site"] == ["id": "lei", "name": "Leicester \"Crown\" Court", "time_zone": "Europe/London"])
        #expect(status["health"] == ["ok": true, "reasons": []])
        #expect(status["what_is_wrong"] == ["The Digital Case System is down since 22:14 on Tue 14 Nov 2023 GMT (HTTP 503 (expected 200))."])
        guard case .array(let probes)? = status["probes"], case .array(let incidents)? = status["open_incidents"] else {
            Issue.record("no probes or incidents"); return
        }
        let states: [JSONValue?] = probes.map { probe -> JSONValue? in
            guard case .object(let object) = probe else { return nil }
            return object["state"]
        }
        #expect(states == [.string("up"), .string("down")])
        #expect(incidents.count == 2)
    }

    @Test func incidentsListAndShow() throws {
        let fixture = try WebFixture()
        let list = try fixture.request("GET", "/api/v1/incidents?open=yes", role: .unionRep)
        #expect(list.status == 200)
        #expect(list.text.contains(#""title":"Wi-Fi <slow>""#))
        #expect(try fixture.request("GET", "/api/v1/incidents?open=maybe", role: .ops).status == 400)
        let show = try fixture.request("GET", "/api/v1/incidents/\(fixture.incidentID)", role: .ops)
        #expect(show.status == 200)
        #expect(show.text.contains(#""timeline":["#))
        let missing = try fixture.request("GET", "/api/v1/incidents/424242", role: .ops)
        #expect(missing.status == 404)
        #expect(missing.text.contains("there is no incident 424242"))
        #expect(try fixture.request("GET", "/api/v1/incidents/abc", role: .ops).status == 400)
        #expect(try fixture.request("GET", "/api/v1/incidents/0", role: .ops).status == 400)
        // Larger than any row ID, but a number: no such incident (schemathesis's stateful phase sent one).
        let huge = try fixture.request("POST", "/api/v1/incidents/9061719014408673523114786684928/note", role: .ops,
                                       body: #"{"text":"x"}"#)
        #expect(huge.status == 404)
        #expect(huge.text.contains("there is no incident 9061719014408673523114786684928"))
    }

    @Test func acknowledgeNoteAndResolveAreRecordedAsTheTokensSubject() throws {
        let fixture = try WebFixture()
        let id = fixture.incidentID
        let ack = try fixture.request("POST", "/api/v1/incidents/\(id)/ack", role: .siteLead, body: #"{"expires_in_minutes":60}"#)
        #expect(ack.status == 200, "\(ack.text)")
        #expect(ack.text.contains(#""by":"site-lead-person""#))
        let note = try fixture.request("POST", "/api/v1/incidents/\(id)/note", role: .ops, body: #"{"text":"Supplier called"}"#)
        #expect(note.status == 200)
        let empty = try fixture.request("POST", "/api/v1/incidents/\(id)/resolve", role: .ops, body: #"{"text":"  "}"#)
        #expect(empty.status == 422)
        #expect(empty.text.contains("'text' is required"))
        let resolve = try fixture.request("POST", "/api/v1/incidents/\(id)/resolve", role: .ops, body: #"{"text":"AP rebooted"}"#)
        #expect(resolve.status == 200)
        let again = try fixture.request("POST", "/api/v1/incidents/\(id)/resolve", role: .ops, body: #"{"text":"again"}"#)
        #expect(again.status == 409)
        #expect(again.text.contains("already resolved"))

        let reader = try LogReader(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        let detail = try #require(try reader.incident(id))
        #expect(detail.summary.acknowledgedBy == "site-lead-person")
        #expect(detail.summary.resolvedBy == "ops-person")
        #expect(detail.timeline.map(\.by).suffix(3) == ["site-lead-person", "ops-person", "ops-person"])
        #expect(detail.timeline.contains { $0.text == "Supplier called" })
        #expect(try reader.verifyChain().firstBroken == nil)
    }

    @Test func badBodiesAreRefusedNamingTheProblem() throws {
        let fixture = try WebFixture()
        let path = "/api/v1/incidents/\(fixture.incidentID)/note"
        let notJSON = try fixture.request("POST", path, role: .ops, body: "text=hello")
        #expect(notJSON.status == 400)
        #expect(notJSON.text.contains("the body is not JSON"))
        let form = try fixture.request("POST", path, role: .ops, body: "text=hello", contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        let array = try fixture.request("POST", path, role: .ops, body: "[1]")
        #expect(array.text.contains("must be a JSON object"))
        let number = try fixture.request("POST", path, role: .ops, body: #"{"text":5}"#)
        #expect(number.text.contains("'text' must be a string"))
        let unknown = try fixture.request("POST", path, role: .ops, body: #"{"text":"x","txet":"y"}"#)
        #expect(unknown.status == 400)
        #expect(unknown.text.contains("'txet' is not a field of this request (fields: text)"))
        let expiry = try fixture.request("POST", "/api/v1/incidents/\(fixture.incidentID)/ack", role: .ops,
                                         body: #"{"expires_in_minutes":0}"#)
        #expect(expiry.status == 400)
    }

    @Test func heartbeatsReachTheProber() throws {
        let fixture = try WebFixture()
        let ok = try fixture.request("POST", "/api/v1/heartbeat/nightly-backup", role: .ops)
        #expect(ok.status == 200)
        #expect(fixture.live.locked { $0.heartbeats } == ["nightly-backup"])
        let unknown = try fixture.request("POST", "/api/v1/heartbeat/other", role: .ops)
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("there is no probe 'other'"))
    }

    @Test func theOpenAPIDocumentDescribesExactlyTheRoutes() throws {
        let fixture = try WebFixture()
        let response = try fixture.request("GET", "/api/v1/openapi.json")
        #expect(response.status == 200)
        guard case .object(let document)? = JSONValue(parsing: response.text) else { Issue.record("not JSON"); return }
        #expect(document["openapi"] == "3.1.0")
        guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return }
        var described: Set<String> = []
        for (path, item) in paths {
            guard case .object(let operations) = item else { continue }
            for method in operations.keys { described.insert("\(method.uppercased()) \(path)") }
        }
        // Browser-only routes (pages and form POSTs of the signed-in web pages) are left out, and only they.
        #expect(described == Set(RouteID.allCases.filter { !OpenAPIDocument.browserOnly.contains($0) }.map(\.rawValue)))
        #expect(OpenAPIDocument.browserOnly.allSatisfy { !$0.isAPI })
        // Every $ref points at something that exists.
        let text = response.text
        var searchFrom = text.startIndex
        while let range = text.range(of: "\"$ref\": \"#/", range: searchFrom..<text.endIndex) {
            let rest = text[range.upperBound...]
            let pointer = rest.prefix { $0 != "\"" }
            var node: JSONValue? = .object(document)
            for part in pointer.split(separator: "/") {
                if case .object(let object)? = node { node = object[String(part)] } else { node = nil }
            }
            #expect(node != nil, "dangling $ref #/\(pointer)")
            searchFrom = range.upperBound
        }
    }
}
