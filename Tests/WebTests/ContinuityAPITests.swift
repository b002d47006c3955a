import FailureLog
import Foundation
import Monitoring
import Testing
import TestSupport
@testable import Web

/// The continuity routes' HTTP side: bodies checked strictly, the token's subject passed as who did it, the
/// service's refusals passed on as JSON errors. (The real desk behind them: DaemonTests/WebContinuityTests.)
@Suite("Continuity API", .serialized)
struct ContinuityAPITests {
    /// Records what it was asked; refuses a second invoke and stand-down without an override, like the desk.
    final class FakeDesk: ContinuityService, @unchecked Sendable {
        // @unchecked: every access goes through `lock`.
        private let lock = NSLock()
        private var calls: [String] = []
        private var invoked = false

        var recorded: [String] { lock.withLock { calls } }

        func status(at now: Timestamp) throws(ServiceFailure) -> JSONValue {
            let invoked = lock.withLock { self.invoked }
            return ["site": "lei", "level": .string(invoked ? "contingency" : "normal"), "open_items": ["staff-told"]]
        }

        func invoke(level: String, by: String, reason: String, at now: Timestamp) throws(ServiceFailure) -> JSONValue {
            lock.lock()
            defer { lock.unlock() }
            if invoked { throw ServiceFailure(status: 409, code: "conflict", detail: "lei is already in CONTINGENCY") }
            invoked = true
            calls.append("invoke \(level) by \(by): \(reason)")
            return ["ok": true, "site": "lei", "invocation": 1, "by": .string(by), "at": .string(now.iso8601)]
        }

        func standDown(by: String, reason: String, override: String?, at now: Timestamp) throws(ServiceFailure) -> JSONValue {
            guard let override else {
                throw ServiceFailure(status: 409, code: "conflict", detail: "stand-down refused: 1 checklist item is open")
            }
            lock.withLock { calls.append("stand-down by \(by): \(reason) (override \(override))") }
            return ["ok": true, "site": "lei", "invocation": 1, "by": .string(by), "at": .string(now.iso8601)]
        }

        func check(item: String, by: String, note: String?, at now: Timestamp) throws(ServiceFailure) -> JSONValue {
            lock.withLock { calls.append("check \(item) by \(by): \(note ?? "-")") }
            return ["ok": true, "site": "lei", "invocation": 1, "by": .string(by), "at": .string(now.iso8601)]
        }
    }

    @Test func statusIsForEveryRoleAndChangesAreRecordedAsTheTokensSubject() throws {
        let desk = FakeDesk()
        let fixture = try WebFixture(continuity: desk)
        let status = try fixture.request("GET", "/api/v1/continuity", role: .staff)
        #expect(status.status == 200)
        #expect(status.text.contains(#""level":"normal""#))
        let invoke = try fixture.request("POST", "/api/v1/continuity/invoke", role: .siteLead,
                                         body: #"{"reason":"Common Platform down since 09:00","level":"major"}"#)
        #expect(invoke.status == 200, "\(invoke.text)")
        #expect(invoke.text.contains(#""by":"site-lead-person""#))
        let again = try fixture.request("POST", "/api/v1/continuity/invoke", role: .ops, body: #"{"reason":"again"}"#)
        #expect(again.status == 409)
        #expect(again.text.contains(#""error":"conflict""#) && again.text.contains("already in CONTINGENCY"))
        let refused = try fixture.request("POST", "/api/v1/continuity/stand-down", role: .ops, body: #"{"reason":"back"}"#)
        #expect(refused.status == 409)
        #expect(refused.text.contains("stand-down refused"))
        let check = try fixture.request("POST", "/api/v1/continuity/check", role: .ops,
                                        body: #"{"item":"staff-told","note":"briefing at 14:00"}"#)
        #expect(check.status == 200)
        let down = try fixture.request("POST", "/api/v1/continuity/stand-down", role: .siteLead,
                                       body: #"{"reason":"back","override":"courts rising"}"#)
        #expect(down.status == 200)
        #expect(try fixture.request("GET", "/api/v1/continuity", role: .manager).text.contains(#""level":"contingency""#))
        #expect(desk.recorded == [
            "invoke major by site-lead-person: Common Platform down since 09:00",
            "check staff-told by ops-person: briefing at 14:00",
            "stand-down by site-lead-person: back (override courts rising)",
        ])
    }

    @Test func badBodiesAreRefusedNamingTheProblemAndChangeNothing() throws {
        let desk = FakeDesk()
        let fixture = try WebFixture(continuity: desk)
        let cases: [(path: String, body: String, status: Int, says: String)] = [
            ("invoke", #"{"reason":"x","by":"someone else"}"#, 400, "'by' is not a field of this request (fields: level, reason)"),
            ("invoke", #"{}"#, 422, "'reason' is required"),
            ("invoke", #"{"reason":"   "}"#, 422, "'reason' is required"),
            ("invoke", #"{"reason":"x","level":"watch"}"#, 422, "'level' must be contingency or major, not 'watch'"),
            ("invoke", #"{"reason":5}"#, 400, "'reason' must be a string"),
            ("invoke", #"[1]"#, 400, "the body must be a JSON object"),
            ("stand-down", #"{"reason":"x","override":""}"#, 422, "'override' must say why"),
            ("stand-down", #"{"reason":"x","item":"a"}"#, 400, "'item' is not a field"),
            ("check", #"{"note":"n"}"#, 422, "'item' is required"),
            ("check", #"{"item":"staff-told","reason":"r"}"#, 400, "'reason' is not a field of this request (fields: item, note)"),
        ]
        for (path, body, status, says) in cases {
            let response = try fixture.request("POST", "/api/v1/continuity/\(path)", role: .ops, body: body)
            #expect(response.status == status, "\(path) \(body): \(response.status) \(response.text)")
            #expect(response.text.contains(says), "\(path) \(body): \(response.text)")
        }
        let form = try fixture.request("POST", "/api/v1/continuity/invoke", role: .ops, body: "reason=x",
                                       contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        #expect(desk.recorded.isEmpty)
    }

    @Test func withoutADeskTheRoutesSay503() throws {
        let fixture = try WebFixture()
        let status = try fixture.request("GET", "/api/v1/continuity", role: .ops)
        #expect(status.status == 503)
        #expect(status.text.contains(#""error":"continuity-unavailable""#))
    }
}
