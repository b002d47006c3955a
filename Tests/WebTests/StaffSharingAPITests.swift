import FailureLog
import Testing
import TestSupport
@testable import Web

/// GET /api/v1/staff/me and the share/revoke routes over real HTTP against a fake `StaffService`: the
/// token's subject is who is asked about, bodies are strict, the service's refusals come back as JSON.
@Suite("Staff sharing API", .serialized)
struct StaffSharingAPITests {
    @Test func meAnswersTheTokensOwnRecord() throws {
        let fixture = try WebFixture()
        let response = try fixture.request("GET", "/api/v1/staff/me", role: .staff)
        #expect(response.status == 200, "\(response.text)")
        guard case .object(let record)? = JSONValue(parsing: response.text) else {
            Issue.record("not a JSON object: \(response.text)")
            return
        }
        #expect(record["id"] == "staff-person")
        #expect(record["name"] == "Sam <Patel>")
        #expect(record["site_systems"] == .array([["id": "dcs", "name": "Digital Case System"]]))
        #expect(record["shares"] == .array([["with": "union-rep", "granted_at": "2023-11-14T22:13:20.000Z", "until": .null]]),
                "\(response.text)")
        guard case .array(let entries)? = record["recent_entries"], case .object(let entry)? = entries.first else {
            Issue.record("no entries: \(response.text)")
            return
        }
        #expect(entry["id"] == "e7")
        #expect(entry["kind"] == "time-lost")
        #expect(entry["fields"] == ["could-not": "list <b>", "minutes": "45"])
        #expect(entry["incidents"] == .array([3]))
        #expect(entry["summary"] == "45 min lost; could not: list <b>")
        #expect(entry["end_utc"] == "2023-11-14T22:58:20.000Z")
    }

    @Test func shareAndRevokeGoToTheServiceAsTheTokensSubject() throws {
        let fixture = try WebFixture()
        let shared = try fixture.request("POST", "/api/v1/staff/shares", role: .staff,
                                         body: #"{"with":"manager","until":"2030-01-31"}"#)
        #expect(shared.status == 200, "\(shared.text)")
        #expect(shared.text.contains(#""message":"shared staff-person's report with manager until 2030-01-31""#),
                "\(shared.text)")
        #expect(shared.text.contains(#""share":{"#) && shared.text.contains(#""with":"manager""#))
        let revoked = try fixture.request("POST", "/api/v1/staff/shares/revoke", role: .staff, body: #"{"with":"manager"}"#)
        #expect(revoked.status == 200)
        #expect(revoked.text.contains(#""revoked":1"#), "\(revoked.text)")
        #expect(revoked.text.contains("revoked manager for staff-person"))
        let none = try fixture.request("POST", "/api/v1/staff/shares/revoke", role: .staff, body: #"{"with":"nobody"}"#)
        #expect(none.status == 200)
        #expect(none.text.contains(#""revoked":0"#))
    }

    @Test func badBodiesAndRefusalsAreJSONErrorsNamingTheField() throws {
        let fixture = try WebFixture()
        for (path, body, status, says) in [
            ("shares", #"{}"#, 422, "'with' is required"),
            ("shares", #"{"with":"   "}"#, 422, "'with' is required"),
            ("shares", #"{"with":"manager","staff":"someone-else"}"#, 400, "'staff' is not a field of this request"),
            ("shares", #"{"with":7}"#, 400, "'with' must be a string"),
            ("shares", #"{"with":"manager","until":"2000-01-01"}"#, 422, "until 2000-01-01 is in the past"),
            ("shares", "{\"with\":\"\(String(repeating: "x", count: 101))\"}", 422, "'with' is limited to 100 characters"),
            ("shares/revoke", #"{"with":"manager","until":"2030-01-01"}"#, 400, "'until' is not a field of this request"),
            ("shares/revoke", #"[]"#, 400, "the body must be a JSON object"),
        ] {
            let response = try fixture.request("POST", "/api/v1/staff/\(path)", role: .staff, body: body)
            #expect(response.status == status, "\(path) \(body): \(response.status) \(response.text)")
            #expect(response.text.contains(says), "\(path) \(body): \(response.text)")
            #expect(response.text.contains(#""error":"#))
        }
        let form = try fixture.request("POST", "/api/v1/staff/shares", role: .staff, body: "with=manager",
                                       contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
    }

    @Test func withoutADaemonBehindItTheRoutesSay503() throws {
        let fixture = try WebFixture(adjust: { $0.staff = nil })
        let me = try fixture.request("GET", "/api/v1/staff/me", role: .staff)
        #expect(me.status == 503)
        #expect(me.text.contains("staff-unavailable"))
        let share = try fixture.request("POST", "/api/v1/staff/shares", role: .staff, body: #"{"with":"manager"}"#)
        #expect(share.status == 503)
    }
}
