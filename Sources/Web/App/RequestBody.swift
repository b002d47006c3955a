import Foundation
import FailureLog

/// A strict JSON request body: only the named fields, each of the right type. Unknown fields are a 400
/// naming them, as schemathesis and the OpenAPI document (`additionalProperties: false`) expect.
struct RequestBody {
    let fields: [String: JSONValue]

    init(_ fields: [String: JSONValue], allowed: Set<String>) throws(ServiceFailure) {
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ServiceFailure(status: 400, code: "unknown-field",
                                 detail: "'\(unknown.prefix(60))' is not a field of this request "
                                     + "(fields: \(allowed.sorted().joined(separator: ", ")))")
        }
        self.fields = fields
    }

    /// A string field; nil when absent or null. `required` refuses absent or blank values with 422.
    func string(_ name: String, required: Bool = false, limit: Int = 4000) throws(ServiceFailure) -> String? {
        let value: String?
        switch fields[name] {
        case .string(let text)?: value = text
        case nil, .null?: value = nil
        default: throw ServiceFailure(status: 400, code: "bad-field", detail: "'\(name)' must be a string")
        }
        if let value, value.count > limit {
            throw ServiceFailure(status: 422, code: "bad-field", detail: "'\(name)' is limited to \(limit) characters")
        }
        if required, (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ServiceFailure(status: 422, code: "missing-field", detail: "'\(name)' is required")
        }
        return value
    }
}
