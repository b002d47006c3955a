import Testing
import TestSupport
@testable import Web

/// The staff routes' bodies: strict, mapped to the CLI's option names, recorded as the token's subject.
@Suite("Staff actions", .serialized)
struct StaffActionsTests {
    @Test func bodiesAreMappedToTheCLIsOptionsForTheTokensSubject() throws {
        let fixture = try WebFixture()
        let entry = try fixture.request("POST", "/api/v1/staff/entries", role: .staff, body:
            #"{"kind":"health-and-safety","note":"no lift","meeting_requested":"yes","systems":["dcs","cjsm"]}"#)
        #expect(entry.status == 200)
        #expect(entry.text.contains(#""options":"meeting-requested=yes,note=no lift""#), "\(entry.text)")
        #expect(entry.text.contains(#""staff":"staff-person""#))
        #expect(entry.text.contains(#""systems":"dcs,cjsm""#))
        let minutes = try fixture.request("POST", "/api/v1/staff/entries", role: .staff, body: #"{"kind":"time-lost","minutes":30}"#)
        #expect(minutes.text.contains(#""options":"minutes=30""#))
        let problem = try fixture.request("POST", "/api/v1/report-problem", role: .staff, body: #"{"system":"dcs"}"#)
        #expect(problem.text.contains(#""by":"staff-person""#))
    }

    @Test func badBodiesAreRefusedNamingTheField() throws {
        let fixture = try WebFixture()
        for (path, body, status, says) in [
            ("staff/entries", #"{"minutes":30}"#, 422, "'kind' is required"),
            ("staff/entries", #"{"kind":"cost","staff_id":"x"}"#, 400, "'staff_id' is not a field of this request"),
            ("staff/entries", #"{"kind":"cost","systems":"dcs"}"#, 400, "'systems' must be a list of system IDs"),
            ("staff/entries", #"{"kind":"cost","amount":4}"#, 400, "'amount' must be a string"),
            ("report-problem", #"{"text":"slow"}"#, 422, "'system' is required"),
            ("report-problem", #"{"system":"dcs","by":"someone-else"}"#, 400, "'by' is not a field of this request"),
        ] {
            let response = try fixture.request("POST", "/api/v1/\(path)", role: .staff, body: body)
            #expect(response.status == status, "\(body): \(response.status) \(response.text)")
            #expect(response.text.contains(says), "\(body): \(response.text)")
        }
    }
}
