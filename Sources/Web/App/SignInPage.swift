import Documents

/// The sign-in page at `/signin`: one password field for an access token, and where tokens come from.
enum SignInPage {
    /// `next`: a local path (already checked) to carry through the form; `error`: why the last try failed.
    static func render(context: PageContext, next: String?, error: String?, idleMinutes: Int) -> String {
        var content = "<h1>Sign in</h1>\n"
        if let error { content += PageShell.errorSummary(error, field: "token") }
        if let principal = context.principal {
            content += "<p>You are signed in as <strong>\(HTML.escape(principal.subject))</strong> "
                + "(\(HTML.escape(principal.role.rawValue))). Signing in again replaces that.</p>\n"
        }
        content += """
            <p>Sign in with the access token IT operations gave you. Each token belongs to one person and one
            role (ops, site-lead, manager, union-rep or staff); IT operations makes them on the server with
            <code>courtwatch token add</code>, which prints the token once. Ask them if you do not have one.</p>
            <form method="post" action="/signin">

            """
        if let next { content += "<input type=\"hidden\" name=\"next\" value=\"\(HTML.escapeAttribute(next))\">\n" }
        let invalid = error == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"token-error\""
        content += "<div class=\"field\">\n<label for=\"token\">Access token</label>\n"
        if let error { content += "<p id=\"token-error\" class=\"error-message\">\(HTML.escape(error))</p>\n" }
        content += "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" "
            + "spellcheck=\"false\" required\(invalid)>\n</div>\n"
            + "<button type=\"submit\">Sign in</button>\n</form>\n"
            + "<p class=\"hint\">You stay signed in on this browser until you sign out, after "
            + "\(duration(idleMinutes)) without using it, or after 12 hours at most.</p>\n"
        return PageShell.render(title: "Sign in — \(context.siteName)", content: content, context: context)
    }

    static func duration(_ minutes: Int) -> String {
        if minutes % 60 == 0 { return minutes == 60 ? "1 hour" : "\(minutes / 60) hours" }
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}
