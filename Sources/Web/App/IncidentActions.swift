import FailureLog
import Monitoring

/// POST ack, note and resolve: the same `LogTransaction` methods `courtwatch incidents` uses, in one
/// IMMEDIATE transaction through `LogSession`, recorded as done by the token's subject.
enum IncidentActions {
    enum Action: String { case acknowledge = "ack", note, resolve }

    static func perform(_ action: Action, incident id: Int64, body: [String: JSONValue], by: String,
                        stateDirectory: String, now: Timestamp) -> HTTPResponse {
        let allowed: Set<String> = action == .acknowledge ? ["expires_in_minutes"] : ["text"]
        if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .error(400, "unknown-field",
                          "'\(unknown.prefix(60))' is not a field of this request (fields: \(allowed.sorted().joined(separator: ", ")))")
        }
        let text: String?
        switch body["text"] {
        case .string(let value)?: text = value
        case nil, .null?: text = nil
        default: return .error(400, "bad-field", "'text' must be a string")
        }
        if let text, text.count > 4000 { return .error(422, "bad-field", "'text' is limited to 4000 characters") }
        var expires: Timestamp?
        switch body["expires_in_minutes"] {
        case .integer(let minutes)? where (1...10_080).contains(minutes):
            expires = now + .seconds(minutes * 60)
        case nil, .null?: break
        default: return .error(400, "bad-field", "'expires_in_minutes' must be a whole number from 1 to 10080")
        }
        if action != .acknowledge, (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .error(422, "missing-field", "'text' is required: say what was done or why")
        }
        let session: LogSession
        do {
            session = try LogSession(store: FailureLogStore(stateDirectory: stateDirectory))
        } catch {
            return .error(503, "log-unavailable", "the failure log cannot be opened: \(error)")
        }
        defer { session.close() }
        do {
            try session.write { transaction in
                switch action {
                case .acknowledge: try transaction.acknowledgeIncident(id, by: by, expiresAt: expires, at: now)
                case .note: try transaction.addIncidentNote(id, by: by, text: text ?? "", at: now)
                case .resolve: try transaction.resolveIncident(id, by: by, text: text ?? "", at: now)
                }
            }
        } catch let error as IncidentChangeError {
            if error.message.hasPrefix("there is no incident") { return .error(404, "no-such-incident", error.message) }
            return .error(409, "conflict", error.message)
        } catch {
            return .error(503, "log-unavailable", "the change was not recorded: \(error)")
        }
        let answer: JSONValue = [
            "ok": true, "incident": .integer(id), "action": .string(action.rawValue), "by": .string(by),
            "at": .string(now.iso8601),
        ]
        return .json(answer)
    }
}
