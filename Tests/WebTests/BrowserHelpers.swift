import Foundation
import Testing
@testable import Web

/// A browser signed in through `POST /signin`: the session cookie's value and the CSRF token read from a page.
struct SignedIn {
    var cookie: String
    var csrf: String
}

/// A clock tests move by hand (milliseconds since the epoch).
final class ManualClock: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var milliseconds: Int64

    init(_ start: Int64 = 1_800_000_000_000) { milliseconds = start }

    var now: Int64 { lock.withLock { milliseconds } }

    func advance(minutes: Int64) { lock.withLock { milliseconds += minutes * 60_000 } }

    var function: @Sendable () -> Int64 { { [self] in now } }
}

extension WebFixture {
    static let formType = "application/x-www-form-urlencoded"

    /// POST /signin with `token` (and `next`), as a browser form would.
    func postSignIn(token: String, next: String? = nil, headers: [String] = []) throws -> HTTPTestClient.Response {
        var body = "token=" + Self.formEncode(token)
        if let next { body += "&next=" + Self.formEncode(next) }
        return try request("POST", "/signin", body: body, contentType: Self.formType, headers: headers)
    }

    /// Signs `role` in and reads the CSRF token from the sign-in page's sign-out form (which also takes the
    /// "Signed in as" flash message).
    func signIn(_ role: Role) throws -> SignedIn {
        let response = try postSignIn(token: try #require(tokens[role]))
        #expect(response.status == 303, "sign-in as \(role): \(response.status) \(response.text)")
        let cookie = try #require(Self.sessionCookie(response))
        let page = try request("GET", "/signin", cookie: cookie)
        return SignedIn(cookie: cookie, csrf: try #require(Self.csrfToken(page.text)))
    }

    /// A form POST in a session: the CSRF token first, then `fields` (already encoded).
    func postForm(_ path: String, _ session: SignedIn, fields: String = "", csrf: String? = nil,
                  headers: [String] = []) throws -> HTTPTestClient.Response {
        let token = csrf ?? session.csrf
        let body = "csrf=" + Self.formEncode(token) + (fields.isEmpty ? "" : "&" + fields)
        return try request("POST", path, body: body, contentType: Self.formType, cookie: session.cookie, headers: headers)
    }

    static func sessionCookie(_ response: HTTPTestClient.Response) -> String? {
        guard let header = response.headers["set-cookie"], header.hasPrefix(SessionStore.cookieName + "=") else { return nil }
        let value = header.dropFirst(SessionStore.cookieName.count + 1).prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }

    static func csrfToken(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
