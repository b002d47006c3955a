import Documents
import Foundation
import Monitoring

/// The staff page's form controls (each labelled, its hint and error tied to it by `aria-describedby`) and
/// the words it uses for kinds of entry and grantees.
extension StaffPage {
    /// The report's formats, as /reports/user/ID takes them, and their words.
    static let formats = [("pdf", "PDF (to print or send)"), ("html", "Web page"), ("csv", "CSV (spreadsheet)"),
                                  ("json", "JSON (data)")]

    /// The kinds' details in the order the form shows them.
    static let detailOrder = ["minutes", "could-not", "until", "claim", "amount", "what", "agreed-in-writing",
                                      "status", "target", "informed", "meeting-requested", "how"]

    /// The form field of a `courtwatch staff log` option: the JSON API's name (`could_not`).
    static func fieldName(_ option: String) -> String { option.replacingOccurrences(of: "-", with: "_") }

    static func detail(_ html: inout HTMLWriter, _ option: String, required: Bool, state: FormState?) {
        let name = fieldName(option)
        let (label, hint) = detailWords[option] ?? (option, "")
        let suffix = required ? " (required for this kind)" : " (optional)"
        if let values = StaffEntryOptions.choices[option] {
            let id = "entry-\(name)"
            let message = state?.field == name ? state?.message : nil
            field(&html, id: id, label: label + suffix, hint: hint, error: message) { html, described in
                html.element("select", ["id": id, "name": name, "aria-describedby": described,
                                        "aria-invalid": message == nil ? "" : "true"]) { select in
                    choice(&select, value: "", label: "Not given", selected: state?.value(name))
                    for value in values { choice(&select, value: value, label: value, selected: state?.value(name)) }
                }
            }
        } else {
            let type = option == "until" ? "datetime-local" : option == "minutes" ? "number" : "text"
            textInput(&html, name, label: label + suffix, type: type, state: state, hint: hint)
        }
    }

    static let detailWords: [String: (String, String)] = [
        "minutes": ("Minutes lost", "A whole number from 1 to 1440."),
        "could-not": ("What you could not do", "For example: record contacts, send results."),
        "until": ("When the extra work ended", "The start is 'When it started' above."),
        "claim": ("Claimed as", "Time off in lieu (toil), flexi, or not claimed."),
        "amount": ("Amount in pounds", "For example 12.50."),
        "what": ("What the cost was for", ""),
        "agreed-in-writing": ("Agreed in writing beforehand", ""),
        "status": ("Deadline", "at-risk or missed."),
        "target": ("Which target", "For example: pre-sentence report due today. Not the case."),
        "informed": ("Who you told", ""),
        "meeting-requested": ("You asked for a meeting", ""),
        "how": ("How you told your manager", ""),
    ]

    static func textInput(_ html: inout HTMLWriter, _ name: String, label: String, type: String = "text",
                                  state: FormState?, hint: String = "") {
        let id = "entry-\(name)"
        let message = state?.field == name ? state?.message : nil
        field(&html, id: id, label: label, hint: hint, error: message) { html, described in
            html.void("input", ["type": type, "id": id, "name": name, "value": state?.value(name) ?? "",
                                "maxlength": type == "text" ? "1000" : "", "min": type == "number" ? "1" : "",
                                "max": type == "number" ? "1440" : "", "aria-describedby": described,
                                "aria-invalid": message == nil ? "" : "true"])
        }
    }

    static func textArea(_ html: inout HTMLWriter, _ name: String, label: String, state: FormState?,
                                 hint: String) {
        let id = "entry-\(name)"
        let message = state?.field == name ? state?.message : nil
        field(&html, id: id, label: label, hint: hint, error: message) { html, described in
            html.element("textarea", ["id": id, "name": name, "rows": "3", "maxlength": "1000",
                                      "aria-describedby": described, "aria-invalid": message == nil ? "" : "true"],
                         text: state?.value(name) ?? "")
        }
    }

    /// A labelled field with its hint and error, both tied to the control by `aria-describedby` (the ids
    /// handed to `control`).
    static func field(_ html: inout HTMLWriter, id: String, label: String, hint: String = "", error: String?,
                              control: (inout HTMLWriter, String) -> Void) {
        html.element("div", ["class": error == nil ? "field" : "field field-error"]) { div in
            div.element("label", ["for": id], text: label)
            var described: [String] = []
            if !hint.isEmpty {
                div.element("p", ["id": "\(id)-hint", "class": "hint"], text: hint)
                described.append("\(id)-hint")
            }
            if let error {
                errorText(&div, id: "\(id)-error", error)
                described.append("\(id)-error")
            }
            control(&div, described.joined(separator: " "))
        }
    }

    static func errorText(_ html: inout HTMLWriter, id: String, _ message: String) {
        html.element("p", ["id": id, "class": "error-message"]) {
            $0.element("span", ["class": "visually-hidden"], text: "Error: ")
            $0.text(message)
        }
    }

    static func choice(_ html: inout HTMLWriter, value: String, label: String, selected: String?) {
        guard !value.isEmpty else {
            // HTMLWriter leaves out empty attributes, but an option without `value` would post its label.
            html.raw("<option value=\"\">\(HTML.escape(label))</option>\n")
            return
        }
        html.element("option", ["value": value, "selected": selected == value ? "selected" : ""], text: label)
    }

    /// The session's CSRF token; a request with a bearer token has none and needs none.
    static func hidden(_ html: inout HTMLWriter, csrf: String?) {
        guard let csrf else { return }
        html.void("input", ["type": "hidden", "name": "csrf", "value": csrf])
    }

    /// The element an error summary's link goes to.
    static func anchor(for state: FormState, _ record: StaffRecord) -> String? {
        switch state.form {
        case .problem: return record.siteSystems.firstIndex { $0.id == state.value("system") }.map { "problem-\($0)-text" }
        case .entry: return state.field.map { $0 == "systems" ? "entry-systems" : "entry-\($0)" }
        case .share: return state.field.map { "share-\($0)" }
        case .revoke: return nil
        }
    }

    // MARK: words

    static func words(_ kind: StaffEntry.Kind) -> String {
        switch kind {
        case .timeLost: "Time lost"
        case .extraHours: "Extra hours worked"
        case .cost: "A cost I paid"
        case .deadline: "A deadline at risk or missed"
        case .healthAndSafety: "A health and safety concern"
        case .managerNotified: "I told my manager"
        case .helpdeskTicket: "A helpdesk ticket"
        }
    }

    static func granteeWords(_ grantee: String) -> String {
        switch grantee {
        case "manager": "My line manager"
        case "union-rep": "Union representatives"
        case "safety-rep": "Safety representatives"
        default: grantee
        }
    }

    /// The calendar day of `time` in `zone`.
    static func civilDate(_ time: Timestamp, _ zone: TimeZone) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day],
                                            from: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000))
        return CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// A path segment with everything but unreserved characters percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
