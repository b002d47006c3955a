import Foundation
import Documents
import FailureLog
import Monitoring

/// `/incidents` and `/incidents/{id}`: the incident list and one incident's page, server-rendered. Status is
/// always in words; times in the site's zone with the ISO 8601 instant beside them. Responders (ops,
/// site-lead) get the Acknowledge, Add note and Resolve forms, which post to `/incidents/{id}/ack|note|resolve`
/// and are handled by `IncidentActions`, the JSON API's own rules and write.
enum IncidentPages {
    /// A failed form, re-rendered: which form, what was typed, and why it was refused.
    struct FormError {
        var action: IncidentActions.Action
        var input: [String: String]
        var refusal: IncidentActions.Refusal
    }

    // MARK: the list

    /// Open incidents first (oldest first), then resolved ones, newest first: `resolvedLimit` of them, or all.
    static func list(open: [IncidentSummary], resolved: [IncidentSummary], resolvedTotal: Int, showingAll: Bool,
                     now: Timestamp, zone: DateFormatter) -> String {
        var out = "<h1>Incidents</h1>\n"
        out += "<section aria-labelledby=\"open-incidents\">\n<h2 id=\"open-incidents\">Open incidents</h2>\n"
        out += open.isEmpty ? "<p>No open incidents.</p>\n" : table(open, caption: "Open incidents, oldest first",
                                                                    now: now, zone: zone)
        out += "</section>\n<section aria-labelledby=\"resolved-incidents\">\n"
            + "<h2 id=\"resolved-incidents\">Resolved incidents</h2>\n"
        if resolved.isEmpty {
            out += "<p>No resolved incidents.</p>\n"
        } else {
            let caption = showingAll ? "All \(resolvedTotal) resolved incidents, newest first"
                : "The \(resolved.count) most recently started of \(resolvedTotal) resolved incidents, newest first"
            out += table(resolved, caption: caption, now: now, zone: zone)
        }
        if !showingAll && resolvedTotal > resolved.count {
            out += "<p><a href=\"/incidents?all=yes\">Show all \(resolvedTotal) resolved incidents</a></p>\n"
        }
        return out + "</section>\n"
    }

    private static func table(_ incidents: [IncidentSummary], caption: String, now: Timestamp,
                              zone: DateFormatter) -> String {
        var out = "<thead><tr><th scope=\"col\">Incident</th>"
            + "<th scope=\"col\">Systems</th><th scope=\"col\">Status</th><th scope=\"col\">Impact</th>"
            + "<th scope=\"col\">Started</th><th scope=\"col\">Resolved</th></tr></thead>\n<tbody>\n"
        for incident in incidents {
            out += "<tr><td><a href=\"/incidents/\(incident.id)\">Incident \(incident.id): "
                + "\(HTML.escape(incident.title))</a></td>"
                + "<td>\(HTML.escape(incident.systems.joined(separator: ", ")))</td>"
                + "<td><span class=\"status\">\(HTML.escape(statusWords(incident, now: now)))</span></td>"
                + "<td>\(HTML.escape(impactWords(incident.impact)))</td>"
                + "<td>\(time(incident.startedAt, zone, iso: false))</td>"
                + "<td>\(incident.resolvedAt.map { time($0, zone, iso: false) } ?? "Still open")</td></tr>\n"
        }
        var html = HTMLWriter()
        html.scrollingTable(label: caption) { $0.raw(out + "</tbody>\n") }
        return html.html + "\n"
    }

    // MARK: one incident

    /// The page's content. `responder`: show the forms; `csrfField`: the session's hidden field for them.
    static func detail(_ detail: IncidentDetail, now: Timestamp, zone: DateFormatter, responder: Bool,
                       csrfField: String, error: FormError?) -> String {
        let incident = detail.summary
        var out = "<h1>Incident \(incident.id): \(HTML.escape(incident.title))</h1>\n"
        if let error { out += PageShell.errorSummary(error.refusal.detail, field: fieldID(error.action, error.refusal.field)) }
        out += "<p><a href=\"/incidents\">All incidents</a></p>\n"
        out += "<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>\n<dl class=\"facts\">\n"
        var facts: [(String, String)] = [
            ("Status", "<span class=\"status\">\(HTML.escape(statusWords(incident, now: now)))</span>"),
            ("Systems", HTML.escape(incident.systems.isEmpty ? "—" : incident.systems.joined(separator: ", "))),
            ("Site", HTML.escape(incident.site)),
            ("Impact", HTML.escape(impactWords(incident.impact) + (incident.planned ? " (planned work)" : ""))),
            ("Started", time(incident.startedAt, zone)),
            ("Resolved", incident.resolvedAt.map { time($0, zone) + (incident.resolvedBy.map { " by " + HTML.escape($0) } ?? "") }
                ?? "Still open"),
            ("Recorded", HTML.escape(originWords(incident))),
            ("Acknowledgement", acknowledgement(incident, now: now, zone: zone)),
            ("Tickets", HTML.escape(detail.tickets.isEmpty ? "None" : detail.tickets.joined(separator: ", "))),
        ]
        if !incident.cause.isEmpty { facts.insert(("Cause", HTML.escape(incident.cause)), at: 2) }
        for (term, value) in facts { out += "<dt>\(term)</dt><dd>\(value)</dd>\n" }
        out += "</dl>\n</section>\n"
        out += timeline(detail.timeline, zone: zone)
        out += evidence(detail)
        out += notes(detail.timeline, zone: zone)
        if responder { out += forms(incident, csrfField: csrfField, error: error) }
        return out
    }

    private static func timeline(_ updates: [IncidentUpdate], zone: DateFormatter) -> String {
        var out = "<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">Timeline</h2>\n"
        guard !updates.isEmpty else { return out + "<p>Nothing recorded yet.</p>\n</section>\n" }
        out += "<ol class=\"timeline\">\n"
        for update in updates {
            out += "<li>\(time(update.at, zone)): <strong>\(HTML.escape(updateWords(update.kind)))</strong>"
                + " by \(HTML.escape(update.by))"
            if let status = update.status { out += " (status: \(HTML.escape(status.rawValue)))" }
            if let text = update.text, !text.isEmpty { out += "<br>\(multiline(text))" }
            out += "</li>\n"
        }
        return out + "</ol>\n</section>\n"
    }

    /// Linked evidence as counts only: which staff reported is personal data the JSON API does not show either.
    private static func evidence(_ detail: IncidentDetail) -> String {
        var out = "<section aria-labelledby=\"evidence\">\n<h2 id=\"evidence\">Evidence</h2>\n"
        let staffReports = detail.evidence.filter { $0.role == "staff-report" }.count
        let other = detail.evidence.count - staffReports
        out += "<ul>\n<li>Staff problem reports linked: \(staffReports)</li>\n"
            + "<li>Probe results and other events linked: \(other)</li>\n"
        if !detail.children.isEmpty {
            out += "<li>Checks unreachable behind this failure: \(HTML.escape(detail.children.joined(separator: ", ")))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    private static func notes(_ updates: [IncidentUpdate], zone: DateFormatter) -> String {
        let notes = updates.filter { $0.kind == "note" }
        var out = "<section aria-labelledby=\"notes\">\n<h2 id=\"notes\">Notes</h2>\n"
        guard !notes.isEmpty else { return out + "<p>No notes yet.</p>\n</section>\n" }
        out += "<ul>\n"
        for note in notes {
            out += "<li>\(time(note.at, zone)), \(HTML.escape(note.by)):<br>\(multiline(note.text ?? ""))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    // MARK: forms

    private static func forms(_ incident: IncidentSummary, csrfField: String, error: FormError?) -> String {
        let action = "/incidents/\(incident.id)"
        func typed(_ form: IncidentActions.Action, _ name: String) -> String {
            guard let error, error.action == form else { return "" }
            return error.input[name] ?? ""
        }
        var out = "<section aria-labelledby=\"act\">\n<h2 id=\"act\">Act on this incident</h2>\n"
        // Read before typing, not after: notes stay in the failure log for years.
        out += "<p class=\"hint\">Never write case details or the names of defendants, witnesses or other parties "
            + "here: notes are kept in the failure log for years.</p>\n"
        if incident.resolvedAt == nil {
            out += "<form method=\"post\" action=\"\(action)/ack\">\n" + csrfField
                + "<fieldset>\n<legend>Acknowledge: say you are dealing with it</legend>\n"
                + field(label: "Stop showing it as acknowledged after this many minutes (optional, 1 to 10080)",
                        id: "ack-expires", control: "<input type=\"number\" id=\"ack-expires\" name=\"expires_in_minutes\" "
                            + "min=\"1\" max=\"10080\" step=\"1\" value=\"\(HTML.escapeAttribute(typed(.acknowledge, "expires_in_minutes")))\"",
                        error: error, action: .acknowledge, name: "expires_in_minutes")
                + field(label: "Note (optional)", id: "ack-text",
                        control: "<textarea id=\"ack-text\" name=\"text\" rows=\"3\" maxlength=\"4000\"",
                        content: typed(.acknowledge, "text"), error: error, action: .acknowledge, name: "text")
                + "<button type=\"submit\">Acknowledge</button>\n</fieldset>\n</form>\n"
        }
        out += "<form method=\"post\" action=\"\(action)/note\">\n" + csrfField
            + "<fieldset>\n<legend>Add a note to the timeline</legend>\n"
            + field(label: "Note", id: "note-text", control: "<textarea id=\"note-text\" name=\"text\" rows=\"4\" "
                        + "maxlength=\"4000\" required", content: typed(.note, "text"), error: error, action: .note,
                    name: "text")
            + "<button type=\"submit\">Add note</button>\n</fieldset>\n</form>\n"
        if incident.resolvedAt == nil {
            out += "<form method=\"post\" action=\"\(action)/resolve\">\n" + csrfField
                + "<fieldset>\n<legend>Resolve by hand</legend>\n"
                + field(label: "What was done, or why it is resolved (required)", id: "resolve-text",
                        control: "<textarea id=\"resolve-text\" name=\"text\" rows=\"3\" maxlength=\"4000\" required",
                        content: typed(.resolve, "text"), error: error, action: .resolve, name: "text")
                + "<button type=\"submit\">Resolve incident</button>\n</fieldset>\n</form>\n"
        }
        return out + "</section>\n"
    }

    /// A labelled control; `control` is the opening tag without its `>`; `content` makes it a textarea's text.
    private static func field(label: String, id: String, control: String, content: String? = nil, error: FormError?,
                              action: IncidentActions.Action, name: String) -> String {
        let failed = error.map { $0.action == action && $0.refusal.field == name } ?? false
        var out = "<div class=\"field\">\n<label for=\"\(id)\">\(HTML.escape(label))</label>\n"
        var tag = control
        if failed {
            out += "<p id=\"\(id)-error\" class=\"error-message\">\(HTML.escape(error?.refusal.detail ?? ""))</p>\n"
            tag += " aria-invalid=\"true\" aria-describedby=\"\(id)-error\""
        }
        out += content.map { "\(tag)>\(HTML.escape($0))</textarea>\n" } ?? "\(tag)>\n"
        return out + "</div>\n"
    }

    /// The id of the form field a refusal is about, for the error summary's link.
    static func fieldID(_ action: IncidentActions.Action, _ field: String?) -> String? {
        switch (action, field) {
        case (.acknowledge, "expires_in_minutes"?): "ack-expires"
        case (.acknowledge, "text"?): "ack-text"
        case (.note, "text"?): "note-text"
        case (.resolve, "text"?): "resolve-text"
        default: nil
        }
    }

    // MARK: words

    static func statusWords(_ incident: IncidentSummary, now: Timestamp) -> String {
        let status = incident.status.rawValue.prefix(1).uppercased() + incident.status.rawValue.dropFirst()
        guard incident.resolvedAt == nil else { return "Resolved" }
        return status + (incident.isAcknowledged(at: now) ? ", acknowledged" : ", not acknowledged")
    }

    static func impactWords(_ impact: IncidentImpact) -> String {
        switch impact {
        case .none: "No impact"
        case .minor: "Minor impact"
        case .major: "Major impact"
        case .critical: "Critical impact"
        }
    }

    private static func originWords(_ incident: IncidentSummary) -> String {
        let by = incident.recordedBy.map { " by \($0)" } ?? ""
        switch incident.origin {
        case .probe: return "Detected by courtwatch"
        case .manual: return "Recorded by hand as it happened\(by)"
        case .backRecorded:
            return "Back-recorded: entered afterwards\(by)" + (incident.source.map { " from \($0)" } ?? "")
        }
    }

    private static func acknowledgement(_ incident: IncidentSummary, now: Timestamp, zone: DateFormatter) -> String {
        guard let by = incident.acknowledgedBy else { return "Not acknowledged" }
        var out = "By \(HTML.escape(by))" + (incident.acknowledgedAt.map { " at " + time($0, zone) } ?? "")
        if let expires = incident.acknowledgementExpires {
            out += (expires > now ? ", until " : ", lapsed at ") + time(expires, zone)
        }
        return out
    }

    private static func updateWords(_ kind: String) -> String {
        switch kind {
        case "note": "Note"
        case "link": "Evidence linked"
        default: kind.prefix(1).uppercased() + kind.dropFirst().replacingOccurrences(of: "-", with: " ")
        }
    }

    /// A time in the site's zone, with the exact instant in ISO 8601 beside it.
    static func time(_ time: Timestamp, _ zone: DateFormatter, iso: Bool = true) -> String {
        "<time datetime=\"\(time.iso8601)\">\(HTML.escape(StatusPage.format(time, zone)))</time>"
            + (iso ? " <span class=\"hint\">(\(time.iso8601))</span>" : "")
    }

    private static func multiline(_ text: String) -> String {
        HTML.escape(text).replacingOccurrences(of: "\n", with: "<br>")
    }

    static let extraCSS = """

        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4pt 12pt; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; }
        ol.timeline li { margin: 0 0 6pt; }

        """
}
