import FailureLog

/// The staff page's forms in the JSON API's terms: each form's fields become the body its API route takes,
/// so `StaffActions` checks form and JSON input with one implementation; a refusal's sentence is tied back
/// to the form field it is about.
enum StaffForms {
    /// A form's fields: name → values in order (several for the systems boxes), the CSRF field left out.
    typealias Values = [String: [String]]

    /// A blank value is no value: an empty text box means "not given", as an absent JSON field does.
    private static func given(_ values: Values, _ name: String) -> String? {
        guard let value = values[name]?.first, !value.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }

    /// Every field as a string, blanks dropped, `systems` as a list; names the route does not take stay in,
    /// so the strict body check refuses them by name.
    private static func body(_ values: Values, lists: Set<String> = []) -> [String: JSONValue] {
        var body: [String: JSONValue] = [:]
        for name in values.keys.sorted() where name != "csrf" {
            if lists.contains(name) {
                let items = (values[name] ?? []).filter { !$0.isEmpty }
                if !items.isEmpty { body[name] = .array(items.map { .string($0) }) }
            } else if let value = given(values, name) {
                body[name] = .string(value)
            }
        }
        return body
    }

    static func problemBody(_ values: Values) -> [String: JSONValue] { body(values) }

    static func entryBody(_ values: Values) -> [String: JSONValue] { body(values, lists: ["systems"]) }

    static func revokeBody(_ values: Values) -> [String: JSONValue] { body(values) }

    /// `with` is `manager`, `union-rep`, or `person` with the name in `person`. A missing name is refused
    /// here, naming the field, since the API has no such field to refuse.
    static func shareBody(_ values: Values) -> Result<[String: JSONValue], ServiceFailure> {
        var fields = values
        if given(values, "with") == "person" {
            guard let name = given(values, "person") else {
                return .failure(ServiceFailure(status: 422, code: "missing-field",
                                               detail: "'person' is required: type the name of the person to share with"))
            }
            fields["with"] = [name]
        }
        fields["person"] = nil
        return .success(body(fields))
    }

    /// The form field a refusal is about: the field its sentence names (`'kind' is required`, `minutes 0 is
    /// not a whole number`, `could-not refused: ...`), the option a kind needs (`kind cost needs amount`), or
    /// nil for the form as a whole (the person is not in the staff directory, the log is unavailable).
    static func field(of detail: String, among names: [String]) -> String? {
        let known = Set(names)
        let words = detail.split { !($0.isLetter || $0 == "-" || $0 == "_") }.map { $0.replacingOccurrences(of: "-", with: "_") }
        if let needs = words.firstIndex(of: "needs"), needs + 1 < words.count, known.contains(words[needs + 1]) {
            return words[needs + 1]
        }
        guard let first = words.first, known.contains(first) else { return nil }
        return first
    }

    /// The fields of each form, as `field(of:among:)` looks for them.
    static let problemFields = ["system", "text", "site"]
    static let entryFields = ["kind", "at", "systems"] + StaffActions.entryFields.keys.sorted()
    static let shareFields = ["with", "person", "until"]
}
