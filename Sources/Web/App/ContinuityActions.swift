import FailureLog
import Monitoring

/// GET /api/v1/continuity and the POSTs that change it: the body checked here, the decision made by the
/// daemon's `ContinuityService` (the CLI's desk), recorded as done by the token's subject.
enum ContinuityActions {
    enum Action: String { case invoke, standDown = "stand-down", check }

    static func status(_ service: (any ContinuityService)?, now: Timestamp) -> HTTPResponse {
        guard let service else { return unavailable }
        do throws(ServiceFailure) {
            return .json(try service.status(at: now))
        } catch {
            return error.response
        }
    }

    static func perform(_ action: Action, service: (any ContinuityService)?, body: [String: JSONValue], by: String,
                        now: Timestamp) -> HTTPResponse {
        do throws(ServiceFailure) {
            let answer: JSONValue
            switch action {
            case .invoke:
                let fields = try RequestBody(body, allowed: ["level", "reason"])
                let reason = try fields.string("reason", required: true) ?? ""
                let level = try fields.string("level") ?? "contingency"
                guard level == "contingency" || level == "major" else {
                    throw ServiceFailure(status: 422, code: "bad-field",
                                         detail: "'level' must be contingency or major, not '\(level.prefix(40))'")
                }
                guard let service else { return unavailable }
                answer = try service.invoke(level: level, by: by, reason: reason, at: now)
            case .standDown:
                let fields = try RequestBody(body, allowed: ["override", "reason"])
                let reason = try fields.string("reason", required: true) ?? ""
                let override = try fields.string("override")
                if let override, override.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    throw ServiceFailure(status: 422, code: "bad-field",
                                         detail: "'override' must say why the open items are overridden")
                }
                guard let service else { return unavailable }
                answer = try service.standDown(by: by, reason: reason, override: override, at: now)
            case .check:
                let fields = try RequestBody(body, allowed: ["item", "note"])
                let item = try fields.string("item", required: true, limit: 60) ?? ""
                let note = try fields.string("note")
                guard let service else { return unavailable }
                answer = try service.check(item: item, by: by, note: note, at: now)
            }
            return .json(answer)
        } catch {
            return error.response
        }
    }

    static let unavailable = HTTPResponse.error(503, "continuity-unavailable",
                                                "this server has no continuity desk (no site configuration loaded)")
}
