import Foundation
import Crypto

/// HTML pages and form POSTs: the page shell with the viewer's context, Post/Redirect/Get with one-time
/// flash messages, error pages for browsers, and signing in and out.
extension WebApplication {
    // MARK: pages

    /// The shell's view of `visit`: site name, viewer, CSRF token, and the session's flash message (taken,
    /// so it shows once).
    func pageContext(_ visit: Visit) -> PageContext {
        PageContext(siteName: siteName(), principal: visit.principal, csrf: visit.session?.csrf,
                    flash: visit.session.flatMap { sessions.takeFlash(key: $0.key) }, hasSession: visit.session != nil,
                    publicStatus: environment.publicStatus)
    }

    /// A whole HTML page in the shell. `current`: the navigation entry to mark; `refreshSeconds` only for
    /// pages without forms.
    func page(_ visit: Visit, title: String, content: String, status: Int = 200, current: String? = nil,
              refreshSeconds: Int? = nil, extraCSS: String = "") -> HTTPResponse {
        .html(PageShell.render(title: title, content: content, context: pageContext(visit), current: current,
                               refreshSeconds: refreshSeconds, extraCSS: extraCSS), status: status)
    }

    /// A plain error page with a link back.
    func errorPage(_ visit: Visit, status: Int, heading: String, detail: String, back: String,
                   backLabel: String) -> HTTPResponse {
        .html(PageShell.errorPage(status: status, heading: heading, detail: detail, back: back, backLabel: backLabel,
                                  context: pageContext(visit)), status: status)
    }

    /// The answer to a successful form POST: 303 to `location`, with `flash` shown once on the next page of
    /// the session (nothing is kept for a bearer request, which has no session).
    func redirect(_ visit: Visit, to location: String, flash: String?) -> HTTPResponse {
        if let flash, let session = visit.session { sessions.setFlash(flash, key: session.key) }
        return Self.seeOther(location)
    }

    static func seeOther(_ location: String) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [("Location", location), ("Content-Type", "text/plain; charset=utf-8")],
                     body: Array("See \(location)\n".utf8))
    }

    // MARK: form POSTs

    /// An HTML form POST's body, after the browser checks: not cross-site, urlencoded, well formed, and with
    /// a session the session's CSRF token in `csrf` (signing in has no session to protect yet). Refusals
    /// are plain HTML pages.
    func checkedForm(_ visit: Visit) -> Result<FormBody, HTTPResponse> {
        let request = visit.request
        let back = BrowserGuard.pageOf(formPath: request.path)
        if let reason = BrowserGuard.crossSiteReason(request) {
            return .failure(errorPage(visit, status: 403, heading: "Form refused",
                                      detail: "This form was refused: \(reason). Open the page on this site and "
                                          + "send it from there.", back: back, backLabel: "Back to the page"))
        }
        if let type = request.header("content-type"),
           !type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            return .failure(errorPage(visit, status: 415, heading: "Form refused",
                                      detail: "Send this form as application/x-www-form-urlencoded, not "
                                          + "\(type.prefix(60)).", back: back, backLabel: "Back to the page"))
        }
        let form: FormBody
        do {
            form = try FormBody.parse(request.body)
        } catch {
            return .failure(errorPage(visit, status: 400, heading: "Form not understood",
                                      detail: "The form could not be read: \(error.detail).", back: back,
                                      backLabel: "Back to the page"))
        }
        if let session = visit.session, visit.match.route != .signIn, !BrowserGuard.csrfMatches(form, session) {
            return .failure(errorPage(visit, status: 403, heading: "Form expired",
                                      detail: "This form was refused because it did not carry this session's "
                                          + "security code (it may be from an old page, another tab before you "
                                          + "signed in again, or another site). Open the page again and resend it.",
                                      back: back, backLabel: "Back to the page"))
        }
        return .success(form)
    }

    // MARK: signing in and out

    func signInForm(_ visit: Visit, next: String?, error: String?, status: Int) -> HTTPResponse {
        .html(SignInPage.render(context: pageContext(visit), next: next, error: error,
                                idleMinutes: environment.sessionIdleMinutes), status: status)
    }

    /// POST /signin: a valid token opens a session (cookie) and goes to `next` or the role's home; a wrong
    /// one is 401 with the form and counts against the client's address, which is refused (429) for a
    /// while after `signInFailureBurst` failures.
    func signIn(_ visit: Visit) -> HTTPResponse {
        let next = BrowserGuard.localPath(visit.form.value("next"))
        let address = visit.client.address
        let now = visit.client.receivedAt
        if let wait = lock.withLock({ signInFailures.wait(address, now: now) }) {
            return signInForm(visit, next: next, error: "Too many wrong access tokens were tried from your address. "
                                  + "Wait \(wait) seconds, then try again.", status: 429)
                .adding("Retry-After", String(wait))
        }
        let token = (visit.form.value("token") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            return signInForm(visit, next: next, error: "Enter your access token.", status: 422)
        }
        guard let principal = tokens.authenticate(token) else {
            _ = lock.withLock { signInFailures.admit(address, now: now) }
            return challenge(signInForm(visit, next: next, error: "That access token is not valid. Check it and try "
                                            + "again, or ask IT operations for a new one.", status: 401))
        }
        let created: (id: String, session: SessionStore.Session)
        do {
            created = try sessions.create(for: principal, tokenHash: SHA256.hash(token).bytes)
        } catch {
            return errorPage(visit, status: 503, heading: "Cannot sign in now",
                             detail: "The server could not start a session: \(error.description).", back: "/signin",
                             backLabel: "Back to sign in")
        }
        if let old = visit.session { sessions.remove(key: old.key) }
        sessions.setFlash("Signed in as \(principal.subject) (\(principal.role.rawValue)).", key: created.session.key)
        return Self.seeOther(next ?? BrowserGuard.home(principal))
            .adding("Set-Cookie", BrowserGuard.cookie(created.id, secure: environment.secureCookies))
    }

    /// POST /signout: ends the session (CSRF-checked like every form), clears the cookie, back to /signin.
    func signOut(_ visit: Visit) -> HTTPResponse {
        if let session = visit.session { sessions.remove(key: session.key) }
        return Self.seeOther("/signin")
            .adding("Set-Cookie", BrowserGuard.clearingCookie(secure: environment.secureCookies))
    }
}
