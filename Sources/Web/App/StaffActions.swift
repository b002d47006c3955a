import FailureLog
import Monitoring

/// POST /api/v1/report-problem and /api/v1/staff/entries for a staff token, as itself: the body checked
/// strictly here, the rest done by the daemon's `StaffService` (the CLI's checks, the case-data refusal
/// among them).
enum StaffActions {
    /// JSON field → the `courtwatch staff log` option it stands for.
    static let entryFields: [String: String] = [
        "minutes": "minutes", "could_not": "could-not", "until": "until", "claim": "claim", "amount": "amount",
        "what": "what", "agreed_in_writing": "agreed-in-writing", "status": "status", "target": "target",
        "informed": "informed", "meeting_requested": "meeting-requested", "how": "how", "note": "note",
        "reference": "reference",
    ]

    static func reportProblem(_ body: [String: JSONValue], service: (any StaffService)?, by: String,
                              now: Timestamp) -> HTTPResponse {
        do throws(ServiceFailure) {
            return .json(try recordProblem(body, service: service, by: by, now: now))
        } catch {
            return error.response
        }
    }

    static func logEntry(_ body: [String: JSONValue], service: (any StaffService)?, staffID: String) -> HTTPResponse {
        do throws(ServiceFailure) {
            return .json(text: try recordEntry(body, service: service, staffID: staffID))
        } catch {
            return error.response
        }
    }

    /// A problem report from a JSON body or the staff page's form (as the same body): checked strictly,
    /// then recorded by the service. Answers what the service answers.
    static func recordProblem(_ body: [String: JSONValue], service: (any StaffService)?, by: String,
                              now: Timestamp) throws(ServiceFailure) -> JSONValue {
        let fields = try RequestBody(body, allowed: ["site", "system", "text"])
        let system = try fields.string("system", required: true, limit: 100) ?? ""
        let site = try fields.string("site", limit: 100)
        let text = try fields.string("text", limit: 1000)
        guard let service else { throw unavailableFailure }
        return try service.reportProblem(system: system, site: site, text: text, by: by, at: now)
    }

    /// An entry from a JSON body or the staff page's form (as the same body); answers the entry's JSON text.
    static func recordEntry(_ body: [String: JSONValue], service: (any StaffService)?,
                            staffID: String) throws(ServiceFailure) -> String {
        let fields = try RequestBody(body, allowed: Set(entryFields.keys).union(["kind", "at", "systems"]))
        let kind = try fields.string("kind", required: true, limit: 40) ?? ""
        let at = try fields.string("at", limit: 40)
        var systems: [String]?
        switch body["systems"] {
        case nil, .null?: break
        case .array(let items)?:
            systems = try items.map { (item) throws(ServiceFailure) -> String in
                guard case .string(let name) = item, !name.isEmpty, name.count <= 100 else {
                    throw ServiceFailure(status: 400, code: "bad-field", detail: "'systems' must be a list of system IDs")
                }
                return name
            }
        default: throw ServiceFailure(status: 400, code: "bad-field", detail: "'systems' must be a list of system IDs")
        }
        var options: [String: String] = [:]
        for (name, option) in entryFields {
            switch body[name] {
            case nil, .null?: continue
            case .integer(let number)? where name == "minutes": options[option] = String(number)
            default: options[option] = try fields.string(name, limit: 1000)
            }
        }
        guard let service else { throw unavailableFailure }
        return try service.logEntry(StaffEntryRequest(kind: kind, at: at, systems: systems, options: options),
                                    staffID: staffID)
    }

    static let unavailableFailure = ServiceFailure(status: 503, code: "staff-unavailable",
                                                   detail: "this server has no daemon behind it to record this")
    static let unavailable = unavailableFailure.response
}
