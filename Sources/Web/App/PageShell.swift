import Foundation
import Documents

/// Who is looking at a page, and what the shell around it shows: the site's name, the navigation the
/// viewer's role may use, who is signed in with a sign-out button, and a one-time flash message.
struct PageContext: Sendable {
    var siteName: String
    var principal: Principal?
    /// The session's CSRF token, for every form on the page; nil without a session (bearer or anonymous),
    /// where forms need none (a bearer request cannot be forged by another site).
    var csrf: String?
    /// Shown once, with role="status", above the page's content (Post/Redirect/Get).
    var flash: String?
    /// Whether the viewer came in with a browser session (the sign-out button is shown only then).
    var hasSession: Bool
    var publicStatus: Bool
}

/// The frame of every HTML page: skip link, header with the site name and navigation, "Signed in as",
/// the main landmark (with the flash message) and a footer. The page supplies its own `<h1>` and content.
enum PageShell {
    /// The navigation: label, path, and the route whose access rule decides whether the viewer sees it.
    private static let navigation: [(label: String, path: String, route: RouteID?)] = [
        ("Status", "/", .statusBoard),
        ("Incidents", "/incidents", .incidentsPage),
        ("My page", "/me", nil),
        ("Forms", "/forms/", .formsIndex),
        ("Reports", "/reports/", .reportsPage),
    ]

    /// A whole page. `current` is the navigation path of this page (marked `aria-current`); `refreshSeconds`
    /// reloads the page (the status board only: never on a page with forms, which would lose typing).
    static func render(title: String, content: String, context: PageContext, current: String? = nil,
                       refreshSeconds: Int? = nil, extraCSS: String = "") -> String {
        var body = "<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n"
        body += "<header class=\"site-header\">\n<p class=\"site-name\">\(escape(context.siteName))</p>\n"
        body += navigationHTML(context, current: current)
        body += signedIn(context)
        body += "</header>\n<main id=\"main\" tabindex=\"-1\">\n"
        if let flash = context.flash {
            body += "<div class=\"flash\" role=\"status\"><p>\(escape(flash))</p></div>\n"
        }
        body += content
        body += "</main>\n<footer class=\"site-footer\">\n<p>courtwatch: IT systems status for "
            + "\(escape(context.siteName)). <a href=\"/api/v1/openapi.json\">JSON API description</a>.</p>\n</footer>\n"
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">\n" } ?? ""
        return HTML.document(title: title, body: body, extraCSS: css + extraCSS, head: refresh)
    }

    /// The hidden field every form posted in a session carries; empty without a session.
    static func csrfField(_ context: PageContext) -> String {
        guard let csrf = context.csrf else { return "" }
        return "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escapeAttribute(csrf))\">\n"
    }

    /// A form's error summary (role="alert"), linking to the field at fault by its id.
    static func errorSummary(_ message: String, field: String?) -> String {
        let text = field.map { "<a href=\"#\(HTML.escapeAttribute($0))\">\(escape(message))</a>" } ?? escape(message)
        return "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n<h2>There is a problem</h2>\n"
            + "<p>\(text)</p>\n</div>\n"
    }

    /// A plain error page for browsers: what went wrong, and a link back.
    static func errorPage(status: Int, heading: String, detail: String, back: String, backLabel: String,
                          context: PageContext) -> String {
        render(title: "\(heading) — \(context.siteName)", content: """
            <h1>\(escape(heading))</h1>
            <p>\(escape(detail))</p>
            <p><a href="\(HTML.escapeAttribute(back))">\(escape(backLabel))</a></p>

            """, context: context)
    }

    private static func navigationHTML(_ context: PageContext, current: String?) -> String {
        let visible = navigation.filter { item in
            guard let route = item.route else { return context.principal?.role == .staff }
            return AccessPolicy.decide(route, principal: context.principal, publicStatus: context.publicStatus) == .allowed
        }
        var out = "<nav aria-label=\"Main\">\n<ul class=\"nav\">\n"
        for item in visible {
            let mark = item.path == current ? " aria-current=\"page\"" : ""
            out += "<li><a href=\"\(item.path)\"\(mark)>\(item.label)</a></li>\n"
        }
        return out + "</ul>\n</nav>\n"
    }

    private static func signedIn(_ context: PageContext) -> String {
        guard let principal = context.principal else {
            return "<p class=\"signed-in\">Not signed in. <a href=\"/signin\">Sign in</a></p>\n"
        }
        var out = "<div class=\"signed-in\">\n<p>Signed in as <strong>\(escape(principal.subject))</strong> "
            + "(\(escape(principal.role.rawValue)))</p>\n"
        if context.hasSession {
            out += "<form method=\"post\" action=\"/signout\">\n" + csrfField(context)
                + "<button type=\"submit\">Sign out</button>\n</form>\n"
        }
        return out + "</div>\n"
    }

    static func escape(_ text: String) -> String { HTML.escape(text) }

    /// Additions to the shared stylesheet for the web pages. Every colour pair is at least 4.5:1; the focus
    /// outline is the stylesheet's yellow-and-black; state is always in words, never colour alone.
    static let css = """

        main, .site-header, .site-footer { max-width: 60em; }
        .skip-link { position: absolute; left: -9999px; top: 0; }
        .skip-link:focus { position: static; display: inline-block; padding: 4pt; background: #ffdd00;
          color: #0b0c0c; outline: 3px solid #0b0c0c; }
        .site-header { border-bottom: 4px solid #0b0c0c; margin: 0 0 12pt; padding: 0 0 6pt; }
        .site-name { font-weight: bold; font-size: 14pt; margin: 0 0 4pt; }
        .nav { list-style: none; margin: 0 0 4pt; padding: 0; }
        .nav li { display: inline-block; margin: 0 12pt 4pt 0; }
        .nav a[aria-current=page] { font-weight: bold; border-bottom: 3px solid #0b0c0c; }
        .signed-in { margin: 4pt 0 0; }
        .signed-in p, .signed-in form { display: inline; margin: 0 8pt 0 0; }
        .site-footer { border-top: 1px solid #0b0c0c; margin-top: 24pt; padding-top: 4pt; }
        .flash { border: 4px solid #00703c; background: #e3f2e1; padding: 4pt 10pt; margin: 8pt 0; }
        .error-summary { border: 4px solid #d4351c; padding: 4pt 10pt; margin: 8pt 0; }
        .error-summary h2 { margin-top: 4pt; }
        .error-message { color: #d4351c; font-weight: bold; }
        button { font-size: 12pt; min-height: 24pt; min-width: 24pt; padding: 2pt 10pt; border: 2px solid #0b0c0c;
          background: #f3f2f1; color: #0b0c0c; cursor: pointer; }
        input[type=password], input[type=number], textarea { border: 2px solid #0b0c0c; padding: 4pt;
          box-sizing: border-box; min-height: 22pt; }
        input[type=password], textarea { width: 100%; }
        input[type=number] { width: 8em; }
        input[type=date] { border: 2px solid #0b0c0c; padding: 4pt; }
        select { border: 2px solid #0b0c0c; padding: 4pt; min-height: 24pt; }
        input[type=date]:focus-within { outline: 3px solid #ffdd00; outline-offset: 0;
          box-shadow: 0 0 0 6px #0b0c0c; }

        """
}
