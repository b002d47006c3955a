import Documents
import Foundation
import Monitoring

/// The staff page at /me: what a member of staff does here, in one place. Report a system not working
/// (one small form per system), log time lost or extra work, download their own report, and choose who
/// may see it. Server-rendered, no JavaScript: every form posts and comes back (303 with a message, or
/// 422 with this page again, the error linked to its field). Everything shown is escaped by `HTMLWriter`.
enum StaffPage {
    /// The form paths, each answered by a redirect back to /me.
    static let problemPath = "/me/report-problem"
    static let entryPath = "/me/entries"
    static let sharePath = "/me/shares"
    static let revokePath = "/me/shares/revoke"

    /// What comes back after a refused form: which form, what was typed (field name → values, several
    /// for the systems boxes), and the refusal with the field it is about (nil: the form as a whole).
    struct FormState: Sendable, Equatable {
        enum Form: String, Sendable { case problem, entry, share, revoke }
        var form: Form
        var values: [String: [String]]
        var field: String?
        var message: String

        func value(_ name: String) -> String { values[name]?.first ?? "" }
    }

    /// The whole page (for use without a page shell).
    static func render(_ record: StaffRecord, csrf: String?, state: FormState? = nil, flash: String? = nil,
                       now: Timestamp) -> String {
        var html = HTMLWriter()
        html.element("main", ["id": "main"]) { $0.raw(content(record, csrf: csrf, state: state, flash: flash, now: now)) }
        return HTML.document(title: "\(record.name) — my page", body: html.html, extraCSS: extraCSS)
    }

    /// The page's content: the heading, then each part under its own `h2`.
    static func content(_ record: StaffRecord, csrf: String?, state: FormState?, flash: String?,
                        now: Timestamp) -> String {
        let zone = TimeZone(identifier: record.timeZone) ?? TimeZone(identifier: "UTC")!
        var html = HTMLWriter()
        html.element("h1", text: "\(record.name): my page")
        html.element("p", ["class": "hint"], text: "Staff ID \(record.id)" + (record.team.map { ", team \($0)" } ?? "")
                     + ". Times on this page are in \(record.timeZone).")
        if let flash { html.element("div", ["class": "flash", "role": "status"]) { $0.element("p", text: flash) } }
        if let state { errorSummary(&html, state, record) }
        problems(&html, record, csrf: csrf, state: state?.form == .problem ? state : nil)
        entryForm(&html, record, csrf: csrf, state: state?.form == .entry ? state : nil)
        recentEntries(&html, record, zone: zone)
        reportLinks(&html, record, today: civilDate(now, zone))
        sharing(&html, record, csrf: csrf, state: state?.form == .share || state?.form == .revoke ? state : nil,
                zone: zone)
        return html.html
    }

    // MARK: parts

    private static func errorSummary(_ html: inout HTMLWriter, _ state: FormState, _ record: StaffRecord) {
        html.element("div", ["class": "error-summary", "role": "alert", "aria-labelledby": "error-summary-title"]) {
            $0.element("h2", ["id": "error-summary-title"], text: "There is a problem")
            $0.element("ul") { list in
                list.element("li") { item in
                    if let anchor = anchor(for: state, record) {
                        item.element("a", ["href": "#\(anchor)"], text: state.message)
                    } else {
                        item.text(state.message)
                    }
                }
            }
        }
    }

    private static func problems(_ html: inout HTMLWriter, _ record: StaffRecord, csrf: String?, state: FormState?) {
        html.element("section", ["aria-labelledby": "problem-title"]) { html in
            html.element("h2", ["id": "problem-title"], text: "Report a problem")
            html.element("p", text: "Press the button of a system that is not working for you. It is recorded in the "
                         + "failure log with your name (staff ID \(record.id)) and the time, and linked to any open "
                         + "incident on that system. When several people report the same system within a short time, "
                         + "an incident is opened even if the automatic checks look fine.")
            html.element("p", ["class": "hint"], text: CaseDataScreen.warning)
            if record.siteSystems.isEmpty {
                html.element("p", text: "No systems are configured for this site yet.")
            }
            for (index, system) in record.siteSystems.enumerated() {
                let id = "problem-\(index)-text"
                let failed = state?.value("system") == system.id ? state : nil
                html.element("form", ["method": "post", "action": problemPath, "class": "problem"]) { form in
                    hidden(&form, csrf: csrf)
                    form.void("input", ["type": "hidden", "name": "system", "value": system.id])
                    field(&form, id: id, label: "What is not working with \(system.name) (optional)",
                          error: failed?.message) { form, described in
                        form.void("input", ["type": "text", "id": id, "name": "text", "maxlength": "1000",
                                            "value": failed?.value("text") ?? "", "aria-describedby": described,
                                            "aria-invalid": failed == nil ? "" : "true"])
                    }
                    form.element("button", ["type": "submit"], text: "Report a problem with \(system.name)")
                }
            }
        }
    }

    private static func entryForm(_ html: inout HTMLWriter, _ record: StaffRecord, csrf: String?, state: FormState?) {
        html.element("section", ["aria-labelledby": "entry-title"]) { html in
            html.element("h2", ["id": "entry-title"], text: "Log time lost or extra work")
            html.element("p", text: "Each entry goes into your own report and is linked to any incident that overlaps it "
                         + "in time and system. Fill in the kind, then only the details for that kind.")
            html.element("div", ["class": "warning"]) {
                $0.element("p") { paragraph in
                    paragraph.element("strong", text: "Never enter case details or names of defendants.")
                    paragraph.text(" " + CaseDataScreen.warning + " Text that looks like a case number, National "
                                   + "Insurance number, PNC ID or date of birth is refused.")
                }
            }
            html.element("form", ["method": "post", "action": entryPath]) { form in
                hidden(&form, csrf: csrf)
                let error = { (name: String) in state?.field == name ? state?.message : nil }
                field(&form, id: "entry-kind", label: "What happened", error: error("kind")) { form, described in
                    form.element("select", ["id": "entry-kind", "name": "kind", "required": "required",
                                            "aria-describedby": described,
                                            "aria-invalid": error("kind") == nil ? "" : "true"]) { select in
                        // A required select starts on an empty choice, so nothing is logged by default.
                        choice(&select, value: "", label: "Choose what happened", selected: nil)
                        for kind in StaffEntry.Kind.allCases {
                            choice(&select, value: kind.rawValue, label: words(kind), selected: state?.value("kind"))
                        }
                    }
                }
                textInput(&form, "at", label: "When it started", type: "datetime-local", state: state,
                          hint: "Leave empty for now (for time lost: that many minutes ago). Your time zone: \(record.timeZone).")
                for kind in StaffEntry.Kind.allCases {
                    let options = StaffEntryOptions.allowed[kind, default: []]
                    guard !options.isEmpty else { continue }
                    form.element("fieldset") { fieldset in
                        fieldset.element("legend", text: "Details for: \(words(kind))")
                        for option in detailOrder where options.contains(option) {
                            detail(&fieldset, option, required: StaffEntryOptions.required[kind, default: []]
                                .contains(option), state: state)
                        }
                    }
                }
                form.element("fieldset", ["id": "entry-systems", "aria-describedby": "entry-systems-hint"]) { fieldset in
                    fieldset.element("legend", text: "Systems it was about")
                    fieldset.element("p", ["id": "entry-systems-hint", "class": "hint"],
                                     text: "Tick none to mean all your systems ("
                                        + (record.systems.isEmpty ? "none listed" : record.systems.joined(separator: ", "))
                                        + ").")
                    if let message = error("systems") { errorText(&fieldset, id: "entry-systems-error", message) }
                    let ticked = Set(state?.values["systems"] ?? [])
                    for (index, system) in record.siteSystems.enumerated() {
                        fieldset.element("label", ["for": "entry-systems-\(index)"]) { label in
                            label.void("input", ["type": "checkbox", "id": "entry-systems-\(index)", "name": "systems",
                                                 "value": system.id, "checked": ticked.contains(system.id) ? "checked" : ""])
                            label.text(system.name)
                        }
                    }
                }
                textInput(&form, "reference", label: "Reference (optional)", state: state,
                          hint: "A helpdesk ticket number or similar; required for a helpdesk ticket.")
                textArea(&form, "note", label: "Note (optional)", state: state,
                         hint: "Describe the work, not the case; required for a health and safety concern.")
                form.element("button", ["type": "submit"], text: "Log this entry")
            }
        }
    }

    private static func recentEntries(_ html: inout HTMLWriter, _ record: StaffRecord, zone: TimeZone) {
        html.element("section", ["aria-labelledby": "recent-title"]) { html in
            html.element("h2", ["id": "recent-title"], text: "My recent entries")
            guard !record.recentEntries.isEmpty else {
                html.element("p", text: "You have not logged anything in the last year.")
                return
            }
            let formatter = StatusPage.formatter(zone)
            html.element("table") { table in
                table.element("caption", text: "Your \(record.recentEntries.count) most recent entries, newest first")
                table.element("thead") { head in
                    head.element("tr") { row in
                        for title in ["When", "What", "Details", "Systems", "Incidents"] {
                            row.element("th", ["scope": "col"], text: title)
                        }
                    }
                }
                table.element("tbody") { body in
                    for recent in record.recentEntries {
                        let entry = recent.entry
                        body.element("tr") { row in
                            let end = entry.end.map { " to " + StatusPage.format($0, formatter) } ?? ""
                            row.element("td", text: StatusPage.format(entry.at, formatter) + end)
                            row.element("td", text: words(entry.kind))
                            row.element("td", text: recent.summary)
                            row.element("td", text: entry.systems.joined(separator: ", "))
                            row.element("td") { cell in
                                if entry.incidentIDs.isEmpty { cell.text("none") }
                                for (index, incident) in entry.incidentIDs.enumerated() {
                                    if index > 0 { cell.text(", ") }
                                    cell.element("a", ["href": "/incidents/\(incident)"], text: "Incident \(incident)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func reportLinks(_ html: inout HTMLWriter, _ record: StaffRecord, today: CivilDate) {
        let path = "/reports/user/" + percentEncoded(record.id)
        let yearStart = CivilDate(year: today.year, month: 1, day: 1)
        html.element("section", ["aria-labelledby": "report-title"]) { html in
            html.element("h2", ["id": "report-title"], text: "My report")
            html.element("p", text: "Every outage of your systems in your working hours, your own entries, and the hours "
                         + "lost, signed so anyone can check it has not been changed. Only you can download it, unless "
                         + "you share it below; every download is recorded.")
            html.element("p", ["id": "report-year"], text: "This year so far (\(yearStart.iso8601) to \(today.iso8601)):")
            html.element("ul", ["aria-labelledby": "report-year"]) { list in
                for (format, label) in formats {
                    list.element("li") {
                        $0.element("a", ["href": "\(path)?from=\(yearStart.iso8601)&to=\(today.iso8601)&format=\(format)"],
                                   text: label)
                    }
                }
            }
            html.element("form", ["method": "get", "action": path]) { form in
                form.element("fieldset") { fieldset in
                    fieldset.element("legend", text: "Another period")
                    for (name, label, value) in [("from", "First day", yearStart), ("to", "Last day", today)] {
                        fieldset.element("div", ["class": "field"]) { field in
                            field.element("label", ["for": "report-\(name)"], text: label)
                            field.void("input", ["type": "date", "id": "report-\(name)", "name": name,
                                                 "value": value.iso8601, "required": "required"])
                        }
                    }
                    fieldset.element("div", ["class": "field"]) { field in
                        field.element("label", ["for": "report-format"], text: "Format")
                        field.element("select", ["id": "report-format", "name": "format"]) { select in
                            for (value, label) in formats {
                                choice(&select, value: value, label: label, selected: "pdf")
                            }
                        }
                    }
                }
                form.element("button", ["type": "submit"], text: "Download my report")
            }
        }
    }

    private static func sharing(_ html: inout HTMLWriter, _ record: StaffRecord, csrf: String?, state: FormState?,
                                zone: TimeZone) {
        let formatter = StatusPage.formatter(zone)
        html.element("section", ["aria-labelledby": "share-title"]) { html in
            html.element("h2", ["id": "share-title"], text: "Who can see my report")
            html.element("p", text: "Nobody else sees your report or your entries unless you share them here. A manager "
                         + "or union rep sees it only while the share lasts, and each time they open it is recorded.")
            if record.shares.isEmpty {
                html.element("p", text: "Your report is not shared with anyone.")
            } else {
                html.element("table") { table in
                    table.element("caption", text: "Your report is shared with")
                    table.element("thead") { head in
                        head.element("tr") { row in
                            for title in ["Who", "Since", "Until", "Stop sharing"] {
                                row.element("th", ["scope": "col"], text: title)
                            }
                        }
                    }
                    table.element("tbody") { body in
                        for share in record.shares {
                            body.element("tr") { row in
                                row.element("td", text: granteeWords(share.grantee))
                                row.element("td", text: StatusPage.format(share.grantedAt, formatter))
                                row.element("td", text: share.until.map { StatusPage.format($0, formatter) }
                                            ?? "until you revoke it")
                                row.element("td") { cell in
                                    cell.element("form", ["method": "post", "action": revokePath]) { form in
                                        hidden(&form, csrf: csrf)
                                        form.void("input", ["type": "hidden", "name": "with", "value": share.grantee])
                                        form.element("button", ["type": "submit"],
                                                     text: "Revoke: \(granteeWords(share.grantee))")
                                    }
                                }
                            }
                        }
                    }
                }
            }
            html.element("form", ["method": "post", "action": sharePath]) { form in
                hidden(&form, csrf: csrf)
                let sharing = state?.form == .share ? state : nil
                let error = { (name: String) in sharing?.field == name ? sharing?.message : nil }
                form.element("fieldset") { fieldset in
                    fieldset.element("legend", text: "Share my report")
                    field(&fieldset, id: "share-with", label: "With", error: error("with")) { field, described in
                        field.element("select", ["id": "share-with", "name": "with", "aria-describedby": described]) {
                            select in
                            for (value, label) in [("manager", "My line manager"), ("union-rep", "A union representative"),
                                                   ("person", "Someone else (type their name below)")] {
                                choice(&select, value: value, label: label, selected: sharing?.value("with"))
                            }
                        }
                    }
                    field(&fieldset, id: "share-person", label: "Their name (only for someone else)",
                          error: error("person")) { field, described in
                        field.void("input", ["type": "text", "id": "share-person", "name": "person", "maxlength": "100",
                                             "value": sharing?.value("person") ?? "", "aria-describedby": described,
                                             "aria-invalid": error("person") == nil ? "" : "true"])
                    }
                    field(&fieldset, id: "share-until", label: "Until the end of (optional)",
                          hint: "Leave empty to share until you revoke it.", error: error("until")) { field, described in
                        field.void("input", ["type": "date", "id": "share-until", "name": "until",
                                             "value": sharing?.value("until") ?? "", "aria-describedby": described,
                                             "aria-invalid": error("until") == nil ? "" : "true"])
                    }
                }
                form.element("button", ["type": "submit"], text: "Share my report")
            }
        }
    }

    /// Errors: a thick bar and the word "Error", never the colour alone.
    static let extraCSS = """

        main { max-width: 60em; }
        form.problem { border-left: 4px solid #505a5f; padding-left: 8pt; margin: 0 0 10pt; }
        button { font-weight: bold; border: 2px solid #0b0c0c; background: #f3f2f1; padding: 4pt 10pt; }
        select, textarea, input[type=date], input[type=datetime-local], input[type=number] {
          border: 2px solid #0b0c0c; padding: 4pt; max-width: 100%; box-sizing: border-box; }
        fieldset { min-width: 0; }
        main table { table-layout: fixed; }
        main td, main th { overflow-wrap: anywhere; }
        input[type=date]:focus-within, input[type=datetime-local]:focus-within {
          outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
        textarea { width: 100%; box-sizing: border-box; }
        .warning { border: 4px solid #0b0c0c; padding: 2pt 10pt; margin: 0 0 10pt; }
        .flash { border: 4px solid #00703c; padding: 2pt 10pt; margin: 8pt 0; }
        .error-summary { border: 5px solid #d4351c; padding: 2pt 10pt; margin: 8pt 0; }
        .field-error { border-left: 5px solid #d4351c; padding-left: 8pt; }
        .error-message { color: #d4351c; font-weight: bold; margin: 0 0 4pt; }
        """
}
