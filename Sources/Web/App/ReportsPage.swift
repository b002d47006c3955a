import Documents

/// `/reports/`: where each role gets its reports. Site readers: the site report (`/reports/site`) and the
/// signed log export (`/reports/log`, the API's export for the browser session); staff: their own report;
/// managers and union reps: a person's report by staff ID (`/reports/person`, which sends them on to
/// `/reports/user/ID`, served only while that person shares it with them). Plain GET forms: no CSRF needed,
/// nothing is changed by asking.
enum ReportsPage {
    /// `from`/`to`: the default period (this month so far) as YYYY-MM-DD; `error`: a refused person lookup.
    /// `logTo`: the log export's default end, tomorrow, since its `to` is the start of a day, not included.
    static func render(_ principal: Principal, from: String, to: String, logTo: String,
                       error: (message: String, typed: String)?) -> String {
        var out = "<h1>Reports</h1>\n"
        if let error { out += PageShell.errorSummary(error.message, field: "person-id") }
        out += "<p>Reports are signed by this server: the Ed25519 signature of each download comes in its "
            + "<code>X-Courtwatch-Signature</code> header (base64), and anyone can check it with OpenSSL and the "
            + "server's public key, <code>signing-key.pub.pem</code> (see the README).</p>\n"
        switch principal.role {
        case .ops, .siteLead, .manager, .unionRep:
            out += siteReport(from: from, to: to) + logExport(from: from, to: logTo)
        case .staff:
            break
        }
        switch principal.role {
        case .staff:
            out += "<section aria-labelledby=\"mine\">\n<h2 id=\"mine\">My report</h2>\n"
                + "<p>Your own record of time lost and extra work, as your manager or union representative sees it "
                + "if you share it with them (sharing is on <a href=\"/me\">My page</a>).</p>\n"
                + "<form method=\"get\" action=\"/reports/user/\(HTML.escapeAttribute(principal.subject))\">\n"
                + period("mine", from: from, to: to) + formatChoice("mine", ["pdf", "html", "csv", "json"])
                + "<button type=\"submit\">Get my report</button>\n</form>\n</section>\n"
        case .manager, .unionRep:
            let typed = error?.typed ?? ""
            let invalid = error == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"person-id-error\""
            out += "<section aria-labelledby=\"person\">\n<h2 id=\"person\">A person's report</h2>\n"
                + "<p>You can see a member of staff's report only while they share it with you (with your role, or with "
                + "you by name). Each time you open it, it is recorded in their access log.</p>\n"
                + "<form method=\"get\" action=\"/reports/person\">\n<div class=\"field\">\n"
                + "<label for=\"person-id\">Staff ID</label>\n"
                + (error.map { "<p id=\"person-id-error\" class=\"error-message\">\(HTML.escape($0.message))</p>\n" } ?? "")
                + "<input type=\"text\" id=\"person-id\" name=\"id\" required maxlength=\"64\" autocomplete=\"off\" "
                + "value=\"\(HTML.escapeAttribute(typed))\"\(invalid)>\n</div>\n"
                + period("person", from: from, to: to) + formatChoice("person", ["pdf", "html", "csv", "json"])
                + "<button type=\"submit\">Get their report</button>\n</form>\n</section>\n"
        case .ops, .siteLead:
            break
        }
        return out
    }

    private static func siteReport(from: String, to: String) -> String {
        "<section aria-labelledby=\"site\">\n<h2 id=\"site\">Site report</h2>\n"
            + "<p>Outages, time lost and continuity for the whole site over a period.</p>\n"
            + "<form method=\"get\" action=\"/reports/site\">\n" + period("site", from: from, to: to)
            + formatChoice("site", ["pdf", "html", "csv", "json"])
            + "<fieldset>\n<legend>Count as time lost</legend>\n"
            + "<label><input type=\"checkbox\" name=\"count_planned\" value=\"yes\"> Planned maintenance</label>\n"
            + "<label><input type=\"checkbox\" name=\"count_degraded\" value=\"yes\"> Slow (degraded) systems</label>\n"
            + "</fieldset>\n<button type=\"submit\">Get the site report</button>\n</form>\n</section>\n"
    }

    private static func logExport(from: String, to: String) -> String {
        "<section aria-labelledby=\"log\">\n<h2 id=\"log\">Failure log export</h2>\n"
            + "<p>Every incident in the period with its timeline, as <code>courtwatch log export</code> writes it.</p>\n"
            + "<form method=\"get\" action=\"/reports/log\">\n"
            + period("log", from: from, to: to, toLabel: "Up to (the start of this day, not included)")
            + formatChoice("log", ["csv", "json"])
            + "<div class=\"field\">\n<label for=\"log-planned\">Planned or unplanned</label>\n"
            + "<select id=\"log-planned\" name=\"planned\">\n<option value=\"\">Both</option>\n"
            + "<option value=\"yes\">Planned only</option>\n<option value=\"no\">Unplanned only</option>\n</select>\n</div>\n"
            + "<div class=\"field\">\n<label for=\"log-system\">Only this system (ID, optional)</label>\n"
            + "<input type=\"text\" id=\"log-system\" name=\"system\" maxlength=\"64\">\n</div>\n"
            + "<button type=\"submit\">Export the log</button>\n</form>\n</section>\n"
    }

    private static func period(_ prefix: String, from: String, to: String, toLabel: String = "To (included)") -> String {
        "<fieldset>\n<legend>Period</legend>\n"
            + "<label for=\"\(prefix)-from\">From</label>\n"
            + "<input type=\"date\" id=\"\(prefix)-from\" name=\"from\" required value=\"\(HTML.escapeAttribute(from))\">\n"
            + "<label for=\"\(prefix)-to\">\(toLabel)</label>\n"
            + "<input type=\"date\" id=\"\(prefix)-to\" name=\"to\" required value=\"\(HTML.escapeAttribute(to))\">\n"
            + "</fieldset>\n"
    }

    private static func formatChoice(_ prefix: String, _ formats: [String]) -> String {
        var out = "<div class=\"field\">\n<label for=\"\(prefix)-format\">Format</label>\n"
            + "<select id=\"\(prefix)-format\" name=\"format\">\n"
        for format in formats {
            let label = switch format {
            case "pdf": "PDF (to print or file)"
            case "html": "Web page"
            case "csv": "CSV (spreadsheet)"
            default: "JSON (for programs)"
            }
            out += "<option value=\"\(format)\">\(label)</option>\n"
        }
        return out + "</select>\n</div>\n"
    }
}
