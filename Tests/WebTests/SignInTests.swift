import Foundation
import Testing
import TestSupport
@testable import Web

@Suite("Browser sign-in", .serialized)
struct SignInTests {
    @Test func theSignInPageIsAnAccessibleFormInTheShell() throws {
        let fixture = try WebFixture()
        let response = try fixture.request("GET", "/signin?next=/forms/")
        #expect(response.status == 200)
        let html = response.text
        #expect(html.contains(#"<label for="token">Access token</label>"#))
        #expect(html.contains(#"<input type="password" id="token" name="token""#))
        #expect(html.contains("<code>courtwatch token add</code>"))
        #expect(html.contains(#"<input type="hidden" name="next" value="/forms/">"#))
        #expect(html.contains(##"<a class="skip-link" href="#main">Skip to main content</a>"##))
        #expect(html.contains(#"<main id="main" tabindex="-1">"#))
        #expect(html.contains(#"<nav aria-label="Main">"#))
        #expect(html.contains("<p class=\"site-name\">Leicester \"Crown\" Court</p>"))
        #expect(html.contains("Not signed in."))
        #expect(html.contains("8 hours without using it"))
        #expect(!html.lowercased().contains("<script"))
        #expect(StatusAndIncidentAPITests.nestingProblems(html) == [])
        #expect(html.components(separatedBy: "<h1").count == 2)
        // A next that is not a local path is not carried.
        let evil = try fixture.request("GET", "/signin?next=//evil.example/")
        #expect(!evil.text.contains("evil.example"))
    }

    @Test func aValidTokenOpensASessionWithAStrictHttpOnlyCookieAndGoesToTheRolesHome() throws {
        let fixture = try WebFixture()
        let ops = try fixture.postSignIn(token: try #require(fixture.tokens[.ops]))
        #expect(ops.status == 303)
        #expect(ops.headers["location"] == "/")
        let cookie = try #require(ops.headers["set-cookie"])
        #expect(cookie.hasSuffix("; HttpOnly; SameSite=Strict; Path=/"))
        #expect(!cookie.contains("Secure"))
        let id = try #require(WebFixture.sessionCookie(ops))
        #expect(id.count == 43)  // 32 random bytes, base64url
        #expect(id != fixture.tokens[.ops])
        let staff = try fixture.postSignIn(token: try #require(fixture.tokens[.staff]))
        #expect(staff.headers["location"] == "/me")
        #expect(WebFixture.sessionCookie(staff) != id)
        let next = try fixture.postSignIn(token: try #require(fixture.tokens[.manager]), next: "/forms/?incident=4")
        #expect(next.headers["location"] == "/forms/?incident=4")

        // The board through the session: signed in, with the flash message exactly once.
        let first = try fixture.request("GET", "/", cookie: id)
        #expect(first.status == 200)
        #expect(first.text.contains("Signed in as <strong>ops-person</strong> (ops)"))
        #expect(first.text.contains(#"<div class="flash" role="status"><p>Signed in as ops-person (ops).</p></div>"#))
        #expect(first.text.contains(#"<form method="post" action="/signout">"#))
        #expect(first.text.contains(#"<meta http-equiv="refresh" content="45">"#))
        let second = try fixture.request("GET", "/", cookie: id)
        #expect(second.status == 200)
        #expect(!second.text.contains("role=\"status\""))
        #expect(second.text.contains("Signed in as <strong>ops-person</strong>"))
        // Only the hash of the ID is kept.
        #expect(fixture.application.sessions.session(id: id)?.key == SessionStore.key(id))
        #expect(SessionStore.key(id) != id)
    }

    @Test func secureCookiesAddsSecure() throws {
        let fixture = try WebFixture { $0.secureCookies = true }
        let response = try fixture.postSignIn(token: try #require(fixture.tokens[.ops]))
        #expect(response.headers["set-cookie"]?.hasSuffix("; HttpOnly; SameSite=Strict; Path=/; Secure") == true)
    }

    @Test func aWrongTokenIs401WithTheFormAndAnAlertAndRepeatedFailuresAreRateLimited() throws {
        let fixture = try WebFixture { $0.signInFailureBurst = 3 }
        for attempt in 1...3 {
            let response = try fixture.postSignIn(token: "wrong-\(attempt)", next: "/forms/")
            #expect(response.status == 401)
            #expect(response.headers["set-cookie"] == nil)
            #expect(response.text.contains(#"<div class="error-summary" role="alert" tabindex="-1">"#))
            #expect(response.text.contains("That access token is not valid."))
            #expect(response.text.contains(#"aria-invalid="true""#))
            #expect(response.text.contains(#"name="next" value="/forms/""#))
            #expect(!response.text.contains("wrong-\(attempt)"))
        }
        // The bucket is empty: even the right token waits.
        let limited = try fixture.postSignIn(token: try #require(fixture.tokens[.ops]))
        #expect(limited.status == 429)
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(limited.text.contains("Too many wrong access tokens were tried from your address"))
        #expect(limited.headers["set-cookie"] == nil)
        // Another address (X-Real-IP from loopback, as behind the proxy) is not affected.
        let other = try fixture.postSignIn(token: try #require(fixture.tokens[.ops]), headers: ["X-Real-IP: 10.1.2.3"])
        #expect(other.status == 303)
    }

    @Test func anEmptyTokenIs422NamingTheField() throws {
        let fixture = try WebFixture()
        let response = try fixture.postSignIn(token: "  ")
        #expect(response.status == 422)
        #expect(response.text.contains(##"<a href="#token">Enter your access token.</a>"##))
    }

    @Test(arguments: ["//evil.example/", "https://evil.example/", "/\\evil.example", "evil", "/signout", "/a b",
                      "/\u{0}x"])
    func nextMustBeALocalPath(next: String) throws {
        let fixture = try WebFixture()
        let response = try fixture.postSignIn(token: try #require(fixture.tokens[.siteLead]), next: next)
        #expect(response.status == 303)
        #expect(response.headers["location"] == "/")
    }

    @Test func sessionsExpireWhenIdleAndAfterTwelveHoursAtMost() throws {
        let clock = ManualClock()
        let fixture = try WebFixture(sessions: SessionStore(idleMinutes: 60, clock: clock.function))
        let session = try fixture.signIn(.manager)
        clock.advance(minutes: 59)
        #expect(try fixture.request("GET", "/forms/", cookie: session.cookie).status == 200)
        clock.advance(minutes: 59)  // the last request restarted the idle clock
        #expect(try fixture.request("GET", "/forms/", cookie: session.cookie).status == 200)
        clock.advance(minutes: 61)
        let idle = try fixture.request("GET", "/forms/", cookie: session.cookie)
        #expect(idle.status == 401)
        #expect(fixture.application.sessions.count == 0)

        let busy = try fixture.signIn(.manager)
        for _ in 0..<14 {
            clock.advance(minutes: 50)
            #expect(try fixture.request("GET", "/forms/", cookie: busy.cookie).status == 200)
        }
        clock.advance(minutes: 50)  // 750 minutes after sign-in
        #expect(try fixture.request("GET", "/forms/", cookie: busy.cookie).status == 401)
    }

    @Test func aBrowserWithoutASessionIsSentToSignInWithNext() throws {
        let fixture = try WebFixture()
        let page = try fixture.request("GET", "/forms/?incident=7", headers: ["Accept: text/html,*/*;q=0.8"])
        #expect(page.status == 303)
        #expect(page.headers["location"] == "/signin?next=/forms/%3Fincident%3D7")
        let forbidden = try fixture.request("GET", "/reports/site?from=2026-01-01&to=2026-01-02", role: .staff,
                                            headers: ["Accept: text/html"])
        #expect(forbidden.status == 403)
        #expect(forbidden.headers["content-type"] == "text/html; charset=utf-8")
        #expect(forbidden.text.contains("role staff may not use GET /reports/site"))
        // API routes keep JSON whatever the Accept header says.
        let api = try fixture.request("GET", "/api/v1/incidents", headers: ["Accept: text/html"])
        #expect(api.status == 401)
        #expect(api.text.contains(#""error":"token-required""#))
    }

    @Test func removingTheTokenFromTheTokensFileEndsItsSessions() throws {
        let fixture = try WebFixture()
        let ops = try fixture.signIn(.ops)
        let lead = try fixture.signIn(.siteLead)
        let text = try String(contentsOfFile: fixture.tokensPath, encoding: .utf8)
        let kept = text.split(separator: "\n").filter { !$0.hasSuffix(" ops ops-person") }.joined(separator: "\n") + "\n"
        #expect(kept.count < text.count)
        try kept.write(toFile: fixture.tokensPath, atomically: true, encoding: .utf8)
        #expect(try fixture.request("GET", "/forms/", cookie: ops.cookie).status == 401)
        #expect(try fixture.request("GET", "/forms/", cookie: lead.cookie).status == 200)
        #expect(fixture.application.sessions.count == 1)
    }

    @Test func signingOutEndsTheSessionAndClearsTheCookie() throws {
        let fixture = try WebFixture()
        let session = try fixture.signIn(.unionRep)
        let out = try fixture.postForm("/signout", session)
        #expect(out.status == 303)
        #expect(out.headers["location"] == "/signin")
        #expect(out.headers["set-cookie"] == "courtwatch_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
        #expect(try fixture.request("GET", "/forms/", cookie: session.cookie).status == 401)
    }

    @Test func formPostsWithoutTheRightCSRFTokenOrFromAnotherSiteAreRefused() throws {
        let fixture = try WebFixture()
        let session = try fixture.signIn(.ops)
        let missing = try fixture.request("POST", "/signout", body: "", contentType: WebFixture.formType,
                                          cookie: session.cookie)
        #expect(missing.status == 403)
        #expect(missing.headers["content-type"] == "text/html; charset=utf-8")
        #expect(missing.text.contains("<h1>Form expired</h1>"))
        #expect(missing.text.contains(#"<a href="/">Back to the page</a>"#))
        let wrong = try fixture.postForm("/signout", session, csrf: String(session.csrf.reversed()))
        #expect(wrong.status == 403)
        let crossOrigin = try fixture.postForm("/signout", session, headers: ["Origin: https://evil.example"])
        #expect(crossOrigin.status == 403)
        #expect(crossOrigin.text.contains("Origin: https://evil.example"))
        let crossSite = try fixture.postForm("/signout", session, headers: ["Sec-Fetch-Site: cross-site"])
        #expect(crossSite.status == 403)
        #expect(crossSite.text.contains("Sec-Fetch-Site: cross-site"))
        // An opaque origin passes only when the browser also says the post came from this site.
        let opaque = try fixture.postForm("/signout", session, headers: ["Origin: null"])
        #expect(opaque.status == 403)
        #expect(opaque.text.contains("Origin: null"))
        let opaqueCrossSite = try fixture.postForm("/signout", session, headers: ["Origin: null", "Sec-Fetch-Site: cross-site"])
        #expect(opaqueCrossSite.status == 403)
        let json = try fixture.request("POST", "/signout", body: #"{"csrf":"x"}"#, cookie: session.cookie)
        #expect(json.status == 415)
        let malformed = try fixture.postForm("/signout", session, fields: "x=%zz")
        #expect(malformed.status == 400)
        #expect(malformed.text.contains("field &#39;x&#39; has a malformed") || malformed.text.contains("field 'x' has a malformed"))
        // None of these ended the session; a same-origin post with the token does.
        #expect(try fixture.request("GET", "/forms/", cookie: session.cookie).status == 200)
        let sameOrigin = try fixture.postForm("/signout", session,
                                              headers: ["Origin: http://courtwatch.test", "Sec-Fetch-Site: same-origin"])
        #expect(sameOrigin.status == 303)
        #expect(try fixture.request("GET", "/forms/", cookie: session.cookie).status == 401)
        // Signing in from another site's page is refused too (login CSRF).
        let login = try fixture.postSignIn(token: try #require(fixture.tokens[.ops]),
                                           headers: ["Origin: https://evil.example"])
        #expect(login.status == 403)
        #expect(login.headers["set-cookie"] == nil)
        // A browser that sends an opaque origin but says the form is this site's own is let in.
        let opaqueLogin = try fixture.postSignIn(token: try #require(fixture.tokens[.ops]),
                                                 headers: ["Origin: null", "Sec-Fetch-Site: same-origin"])
        #expect(opaqueLogin.status == 303)
        #expect(opaqueLogin.headers["set-cookie"]?.hasPrefix("courtwatch_session=") == true)
    }

    @Test func theJSONAPIIgnoresSessionCookiesAndTheBearerTokenWins() throws {
        let fixture = try WebFixture()
        let ops = try fixture.signIn(.ops)
        let status = try fixture.request("GET", "/api/v1/incidents", cookie: ops.cookie)
        #expect(status.status == 401)
        #expect(status.text.contains("token-required"))
        let ack = try fixture.request("POST", "/api/v1/incidents/\(fixture.incidentID)/ack", body: "{}", cookie: ops.cookie,
                                      headers: ["X-CSRF-Token: \(ops.csrf)"])
        #expect(ack.status == 401)
        // A staff bearer token with an ops cookie is staff.
        let metrics = try fixture.request("GET", "/metrics", role: .staff, cookie: ops.cookie)
        #expect(metrics.status == 403)
        #expect(metrics.text.contains("role staff may not use GET /metrics"))
        // A cookie that is not a session is no credential at all.
        #expect(try fixture.request("GET", "/forms/", cookie: "forged").status == 401)
    }
}

@Suite("Session store")
struct SessionStoreTests {
    @Test func theOldestSessionIsDroppedAtTheCap() throws {
        let clock = ManualClock()
        let store = SessionStore(capacity: 3, clock: clock.function)
        var ids: [String] = []
        for index in 0..<4 {
            clock.advance(minutes: 1)
            ids.append(try store.create(for: Principal(role: .staff, subject: "s\(index)"), tokenHash: [1]).id)
        }
        #expect(store.count == 3)
        #expect(store.session(id: ids[0]) == nil)
        #expect(store.session(id: ids[3])?.principal.subject == "s3")
    }

    @Test func flashMessagesShowOnceAndIDsAndCSRFTokensAreRandom() throws {
        let store = SessionStore()
        let first = try store.create(for: Principal(role: .ops, subject: "a"), tokenHash: [1])
        let second = try store.create(for: Principal(role: .ops, subject: "a"), tokenHash: [1])
        #expect(first.id != second.id)
        #expect(first.session.csrf != second.session.csrf)
        #expect(first.session.csrf != first.id)
        store.setFlash("Saved.", key: first.session.key)
        #expect(store.takeFlash(key: second.session.key) == nil)
        #expect(store.takeFlash(key: first.session.key) == "Saved.")
        #expect(store.takeFlash(key: first.session.key) == nil)
    }
}
