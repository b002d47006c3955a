import Foundation
import FailureLog
import Monitoring

/// Ack, note and resolve, for the JSON API and the incident page's forms alike: one set of rules
/// (`validate`) and one write (`record`, the same `LogTransaction` methods `courtwatch incidents` uses, in one
/// IMMEDIATE transaction through `LogSession`), recorded as done by the token's subject. The two front ends
/// only turn their input into an `Input` and the outcome into their kind of answer.
enum IncidentActions {
    enum Action: String { case acknowledge = "ack", note, resolve }

    /// What was asked, before the rules are applied.
    struct Input: Equatable {
        /// The note (ack: optional, added to the timeline with the acknowledgement; note, resolve: required).
        var text: String?
        /// Ack only: the acknowledgement lapses after this many minutes.
        var expiresInMinutes: Int64?
    }

    /// A refusal: the HTTP status, a code, a sentence, and the input field it is about (for the form's 422).
    struct Refusal: Error, Equatable {
        var status: Int
        var code: String
        var detail: String
        var field: String?
    }

    static let textLimit = 4000
    static let expiryRange: ClosedRange<Int64> = 1...10_080

    /// The rules every front end shares; the input with a blank note made nil.
    static func validate(_ action: Action, _ input: Input) throws(Refusal) -> Input {
        var input = input
        if let text = input.text, text.count > textLimit {
            throw Refusal(status: 422, code: "bad-field", detail: "'text' is limited to \(textLimit) characters",
                          field: "text")
        }
        if let minutes = input.expiresInMinutes, !expiryRange.contains(minutes) || action != .acknowledge {
            throw Refusal(status: action == .acknowledge ? 422 : 400, code: "bad-field",
                          detail: "'expires_in_minutes' must be a whole number from 1 to 10080", field: "expires_in_minutes")
        }
        if (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            input.text = nil
        }
        if action != .acknowledge, input.text == nil {
            throw Refusal(status: 422, code: "missing-field", detail: "'text' is required: say what was done or why",
                          field: "text")
        }
        return input
    }

    /// Applies the rules and writes the change; an ack with a note records both in one transaction.
    static func record(_ action: Action, incident id: Int64, _ input: Input, by: String, stateDirectory: String,
                       now: Timestamp) throws(Refusal) {
        let input = try validate(action, input)
        let session: LogSession
        do {
            session = try LogSession(store: FailureLogStore(stateDirectory: stateDirectory))
        } catch {
            throw Refusal(status: 503, code: "log-unavailable", detail: "the failure log cannot be opened: \(error)")
        }
        defer { session.close() }
        do {
            try session.write { transaction in
                switch action {
                case .acknowledge:
                    let expires = input.expiresInMinutes.map { now + .seconds($0 * 60) }
                    try transaction.acknowledgeIncident(id, by: by, expiresAt: expires, at: now)
                    if let text = input.text { try transaction.addIncidentNote(id, by: by, text: text, at: now) }
                case .note: try transaction.addIncidentNote(id, by: by, text: input.text ?? "", at: now)
                case .resolve: try transaction.resolveIncident(id, by: by, text: input.text ?? "", at: now)
                }
            }
        } catch let error as IncidentChangeError {
            if error.message.hasPrefix("there is no incident") {
                throw Refusal(status: 404, code: "no-such-incident", detail: error.message)
            }
            throw Refusal(status: 409, code: "conflict", detail: error.message)
        } catch {
            throw Refusal(status: 503, code: "log-unavailable", detail: "the change was not recorded: \(error)")
        }
    }

    // MARK: the JSON API

    /// POST /api/v1/incidents/{id}/ack|note|resolve with a JSON body.
    static func perform(_ action: Action, incident id: Int64, body: [String: JSONValue], by: String,
                        stateDirectory: String, now: Timestamp) -> HTTPResponse {
        let allowed: Set<String> = action == .acknowledge ? ["expires_in_minutes", "text"] : ["text"]
        if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .error(400, "unknown-field",
                          "'\(unknown.prefix(60))' is not a field of this request (fields: \(allowed.sorted().joined(separator: ", ")))")
        }
        var input = Input()
        switch body["text"] {
        case .string(let value)?: input.text = value
        case nil, .null?: break
        default: return .error(400, "bad-field", "'text' must be a string")
        }
        switch body["expires_in_minutes"] {
        case .integer(let minutes)?: input.expiresInMinutes = minutes
        case nil, .null?: break
        default: return .error(400, "bad-field", "'expires_in_minutes' must be a whole number from 1 to 10080")
        }
        do throws(Refusal) {
            try record(action, incident: id, input, by: by, stateDirectory: stateDirectory, now: now)
        } catch {
            // A number out of range is malformed input for the API (its schema says so), as it always was.
            let status = error.field == "expires_in_minutes" ? 400 : error.status
            return .error(status, error.code, error.detail)
        }
        let answer: JSONValue = [
            "ok": true, "incident": .integer(id), "action": .string(action.rawValue), "by": .string(by),
            "at": .string(now.iso8601),
        ]
        return .json(answer)
    }

    // MARK: the incident page's forms

    /// The form fields (`text`, and for ack `expires_in_minutes`, blank meaning none) as an `Input`.
    static func input(_ action: Action, form: FormBody) throws(Refusal) -> Input {
        let allowed: Set<String> = action == .acknowledge ? ["csrf", "expires_in_minutes", "text"] : ["csrf", "text"]
        if let unknown = form.names.sorted().first(where: { !allowed.contains($0) }) {
            throw Refusal(status: 400, code: "unknown-field", detail: "'\(unknown.prefix(60))' is not a field of this form")
        }
        var input = Input(text: form.value("text"))
        if action == .acknowledge, let raw = form.value("expires_in_minutes")?.trimmingCharacters(in: .whitespaces),
           !raw.isEmpty {
            guard let minutes = Int64(raw) else {
                throw Refusal(status: 422, code: "bad-field",
                              detail: "'expires_in_minutes' must be a whole number from 1 to 10080",
                              field: "expires_in_minutes")
            }
            input.expiresInMinutes = minutes
        }
        return input
    }
}
