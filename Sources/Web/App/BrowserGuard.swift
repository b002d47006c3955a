import Foundation

/// The browser side of authentication: the session cookie, where a session may be used, cross-site form
/// posts and the CSRF token.
///
/// The decision (README, "Browser sign-in"): a session cookie is accepted only on the HTML routes (every
/// path outside `/api/`); the JSON API takes bearer tokens only and ignores cookies, so no page on another
/// site can make a signed-in browser call the API. HTML form POSTs (every POST outside `/api/`) made with
/// a session must carry the session's CSRF token in the `csrf` field and must not come from another site
/// (`Origin` / `Sec-Fetch-Site`); the cookie is also `SameSite=Strict`. A form POST with a bearer token
/// needs no CSRF token (no browser attaches one on its own), but the cross-site check still applies.
enum BrowserGuard {
    /// The session ID from the request's `Cookie` headers, if there is one.
    static func sessionID(_ request: HTTPRequest) -> String? {
        for field in request.headers where field.name == "cookie" {
            for pair in field.value.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingASCIISpaces() == SessionStore.cookieName else { continue }
                let value = parts[1].trimmingASCIISpaces()
                if !value.isEmpty { return value }
            }
        }
        return nil
    }

    /// The `Set-Cookie` value that hands a browser its session.
    static func cookie(_ id: String, secure: Bool) -> String {
        "\(SessionStore.cookieName)=\(id); HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that makes a browser forget its session.
    static func clearingCookie(secure: Bool) -> String {
        "\(SessionStore.cookieName)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" + (secure ? "; Secure" : "")
    }

    /// Why a form POST looks cross-site, or nil when it does not. `Sec-Fetch-Site` must be `same-origin` (or
    /// `none`, typed by the user); `Origin`, when sent, must name this host (the `Host` header, which a
    /// reverse proxy passes on). Neither header sent (old browsers, curl): nil, the CSRF token decides.
    /// Pages are served with `Referrer-Policy: same-origin`, under which browsers send the real `Origin` on
    /// this site's own form posts (with `no-referrer` they send `Origin: null`).
    static func crossSiteReason(_ request: HTTPRequest) -> String? {
        if let site = request.header("sec-fetch-site")?.lowercased(), site != "same-origin", site != "none" {
            return "the browser says the form was sent from another site (Sec-Fetch-Site: \(site.prefix(20)))"
        }
        guard let origin = request.header("origin") else { return nil }
        // `Origin: null` (a sandboxed page, a redirect across sites, a strict referrer policy) names no site:
        // accepted only when the browser also says the form came from this site.
        if origin == "null" {
            return request.header("sec-fetch-site")?.lowercased() == "same-origin" ? nil
                : "the form was sent from an opaque origin (Origin: null) and the browser did not say it was this site"
        }
        guard let host = request.header("host")?.lowercased(), let separator = origin.range(of: "://"),
              origin[separator.upperBound...].lowercased() == host
        else { return "the form was sent from another site (Origin: \(origin.prefix(80)))" }
        return nil
    }

    /// Whether `form` carries `session`'s CSRF token (compared in constant time).
    static func csrfMatches(_ form: FormBody, _ session: SessionStore.Session) -> Bool {
        guard let sent = form.value("csrf") else { return false }
        return TokenStore.constantTimeEqual(Array(sent.utf8), Array(session.csrf.utf8))
    }

    /// A `next` target after sign-in: a local path only (one leading `/`, no `//` or `\`, printable ASCII),
    /// never the sign-in or sign-out routes themselves; nil otherwise.
    static func localPath(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.utf8.count <= 1000,
              next.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") })
        else { return nil }
        let path = next.prefix { $0 != "?" && $0 != "#" }
        if path == "/signin" || path == "/signout" { return nil }
        return next
    }

    /// Where a signed-in principal lands without a `next`: staff on their own page, everyone else the board.
    static func home(_ principal: Principal) -> String {
        principal.role == .staff ? "/me" : "/"
    }

    /// The page a form at `path` lives on, for "go back" links: `/incidents/7/ack` → `/incidents/7`,
    /// `/me/shares` → `/me`, `/signout` → `/`.
    static func pageOf(formPath path: String) -> String {
        let segments = path.split(separator: "/")
        guard let first = segments.first, first != "signin", first != "signout" else { return "/" }
        if first == "incidents", segments.count >= 2 { return "/incidents/\(segments[1])" }
        return "/\(first)"
    }

    /// Whether the client asked for HTML (a browser): errors are then pages, and a missing sign-in is a
    /// redirect to the sign-in page rather than a 401 JSON body.
    static func wantsHTML(_ request: HTTPRequest) -> Bool {
        request.header("accept")?.lowercased().contains("text/html") ?? false
    }

    /// `/signin?next=PATH`, percent-encoded.
    static func signInLocation(next: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "/-._~")
        let encoded = next.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
        return "/signin?next=" + encoded
    }
}
