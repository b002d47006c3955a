import Testing
import TestSupport
@testable import Web

/// Every route, for every role and for no token, with PublicStatus on and off, over real HTTP: who may
/// and who may not. The expected table is written out here, independently of `AccessPolicy`.
@Suite("Access table", .serialized)
struct AccessTableTests {
    /// Route → roles allowed, and whether it opens without a token (always / only with PublicStatus=yes).
    static let expected: [RouteID: (roles: Set<Role>, anonymous: String)] = [
        .statusBoard: ([.ops, .siteLead, .manager, .unionRep, .staff], "public-status"),
        .statusAPI: ([.ops, .siteLead, .manager, .unionRep, .staff], "public-status"),
        .metrics: ([.ops, .siteLead, .manager], "public-status"),
        .health: ([.ops, .siteLead, .manager, .unionRep, .staff], "always"),
        .openAPI: ([.ops, .siteLead, .manager, .unionRep, .staff], "always"),
        .incidentList: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .incidentShow: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .incidentAcknowledge: ([.ops, .siteLead], "never"),
        .incidentNote: ([.ops, .siteLead], "never"),
        .incidentResolve: ([.ops, .siteLead], "never"),
        .heartbeat: ([.ops], "never"),
        .continuityStatus: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .continuityInvoke: ([.ops, .siteLead], "never"),
        .continuityStandDown: ([.ops, .siteLead], "never"),
        .continuityCheck: ([.ops, .siteLead], "never"),
        .formsIndex: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .formFile: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .logExport: ([.ops, .siteLead, .manager, .unionRep], "never"),
        .siteReport: ([.ops, .siteLead, .manager, .unionRep], "never"),
        .userReport: ([.staff, .manager, .unionRep], "never"),
        .reportProblem: ([.staff], "never"),
        .staffEntry: ([.staff], "never"),
        .staffMe: ([.staff], "never"),
        .staffShare: ([.staff], "never"),
        .staffRevoke: ([.staff], "never"),
        .signInPage: ([.ops, .siteLead, .manager, .unionRep, .staff], "always"),
        .signIn: ([.ops, .siteLead, .manager, .unionRep, .staff], "always"),
        .signOut: ([.ops, .siteLead, .manager, .unionRep, .staff], "always"),
        .incidentsPage: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .incidentPage: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .incidentAcknowledgeForm: ([.ops, .siteLead], "never"),
        .incidentNoteForm: ([.ops, .siteLead], "never"),
        .incidentResolveForm: ([.ops, .siteLead], "never"),
        .reportsPage: ([.ops, .siteLead, .manager, .unionRep, .staff], "never"),
        .logExportDownload: ([.ops, .siteLead, .manager, .unionRep], "never"),
        .personReport: ([.staff, .manager, .unionRep], "never"),
        .staffPage: ([.staff], "never"),
        .staffProblemForm: ([.staff], "never"),
        .staffEntryForm: ([.staff], "never"),
        .staffShareForm: ([.staff], "never"),
        .staffRevokeForm: ([.staff], "never"),
    ]

    /// A concrete path for a route. POSTs go to an incident that does not exist (or a probe that does not),
    /// so allowed calls answer 404 and change nothing, while refusals answer 401/403 before any lookup.
    static func path(_ route: RouteID) -> String {
        // A user report for the staff token's own subject, so its one allowed staff call is not refused.
        if route == .userReport { return "/reports/user/staff-person?from=2026-04-01&to=2026-04-30" }
        return route.pattern.replacingOccurrences(of: "{id}", with: "999").replacingOccurrences(of: "{probe}", with: "no-such-probe")
            .replacingOccurrences(of: "{file}", with: "no-such-form.pdf")
    }

    @Test func theTableCoversEveryRoute() {
        #expect(Set(Self.expected.keys) == Set(RouteID.allCases))
    }

    @Test(arguments: [false, true])
    func everyRouteForEveryRoleAndForNoToken(publicStatus: Bool) throws {
        let fixture = try WebFixture(publicStatus: publicStatus)
        for route in RouteID.allCases {
            let (roles, anonymous) = try #require(Self.expected[route])
            let body: String? = route.method == "POST" ? #"{"text":"checked"}"# : nil
            for role in Role.allCases {
                let response = try fixture.request(route.method, Self.path(route), role: role, body: body)
                if roles.contains(role) {
                    #expect(response.status != 401 && response.status != 403,
                            "\(role) should be allowed \(route.rawValue): \(response.status) \(response.text)")
                } else {
                    #expect(response.status == 403, "\(role) must be refused \(route.rawValue): \(response.status)")
                    #expect(response.text.contains("role \(role.rawValue) may not use \(route.rawValue)"))
                }
            }
            let response = try fixture.request(route.method, Self.path(route), body: body)
            let open = anonymous == "always" || (anonymous == "public-status" && publicStatus)
            if open {
                #expect(response.status != 401 && response.status != 403,
                        "no token should be allowed \(route.rawValue) (PublicStatus=\(publicStatus)): \(response.status)")
            } else {
                #expect(response.status == 401, "no token must be refused \(route.rawValue) (PublicStatus=\(publicStatus))")
                #expect(response.headers["www-authenticate"] == "Bearer realm=\"courtwatch\"")
                #expect(response.text.contains(#""error":"token-required""#))
            }
        }
    }

    /// The same table through browser sessions: HTML routes take the session like a bearer token (form POSTs
    /// with the CSRF token), API routes ignore the cookie and answer as they do to no token at all.
    @Test(arguments: [false, true])
    func everyRouteForEveryRoleSignedInWithACookie(publicStatus: Bool) throws {
        let fixture = try WebFixture(publicStatus: publicStatus)
        var sessions: [Role: SignedIn] = [:]
        for role in Role.allCases { sessions[role] = try fixture.signIn(role) }
        // Signing out is tested on its own; here it would end the session the other rows use.
        for route in RouteID.allCases where route != .signOut {
            let (roles, anonymous) = try #require(Self.expected[route])
            for role in Role.allCases {
                let session = try #require(sessions[role])
                let response = route.isForm
                    ? try fixture.postForm(Self.path(route), session, fields: "text=checked")
                    : try fixture.request(route.method, Self.path(route), body: route.method == "POST" ? "{}" : nil,
                                          cookie: session.cookie)
                let allowed = route.isAPI
                    ? anonymous == "always" || (anonymous == "public-status" && publicStatus)
                    : roles.contains(role)
                if allowed {
                    #expect(response.status != 401 && response.status != 403,
                            "\(role) with a cookie should be allowed \(route.rawValue): \(response.status) \(response.text)")
                } else if route.isAPI {
                    #expect(response.status == 401, "a cookie must not open \(route.rawValue): \(response.status)")
                } else {
                    #expect(response.status == 403, "\(role) with a cookie must be refused \(route.rawValue): \(response.status)")
                    #expect(response.text.contains("role \(role.rawValue) may not use \(route.rawValue)"))
                }
            }
        }
    }

    @Test func anUnknownOrMalformedTokenIs401EvenOnPublicRoutes() throws {
        let fixture = try WebFixture(publicStatus: true)
        let unknown = try fixture.request("GET", "/healthz", token: "not-a-token")
        #expect(unknown.status == 401)
        #expect(unknown.text.contains("unknown-token"))
        let client = try HTTPTestClient(port: fixture.server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\r\n")
        let basic = try client.readResponse()
        #expect(basic.status == 401)
        #expect(basic.text.contains("not 'Bearer TOKEN'"))
    }

    @Test func unknownPathsAre404AndWrongMethods405WithAllow() throws {
        let fixture = try WebFixture()
        let missing = try fixture.request("GET", "/nope", role: .ops)
        #expect(missing.status == 404)
        #expect(missing.text.contains("there is no page or API route at /nope"))
        let wrong = try fixture.request("DELETE", "/api/v1/incidents/1", role: .ops)
        #expect(wrong.status == 405)
        #expect(wrong.headers["allow"] == "GET, HEAD")
        let post = try fixture.request("GET", "/api/v1/incidents/1/ack", role: .ops)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "POST")
    }
}
