/// Every route the web surface serves, and in one table who may use it. Tests walk the whole table for
/// every role and for a request without a token.
public enum RouteID: String, Sendable, Hashable, CaseIterable {
    case statusBoard = "GET /"
    case health = "GET /healthz"
    case metrics = "GET /metrics"
    case openAPI = "GET /api/v1/openapi.json"
    case statusAPI = "GET /api/v1/status"
    case incidentList = "GET /api/v1/incidents"
    case incidentShow = "GET /api/v1/incidents/{id}"
    case incidentAcknowledge = "POST /api/v1/incidents/{id}/ack"
    case incidentNote = "POST /api/v1/incidents/{id}/note"
    case incidentResolve = "POST /api/v1/incidents/{id}/resolve"
    case heartbeat = "POST /api/v1/heartbeat/{probe}"
    case continuityStatus = "GET /api/v1/continuity"
    case continuityInvoke = "POST /api/v1/continuity/invoke"
    case continuityStandDown = "POST /api/v1/continuity/stand-down"
    case continuityCheck = "POST /api/v1/continuity/check"
    case formsIndex = "GET /forms/"
    case formFile = "GET /forms/{file}"
    case logExport = "GET /api/v1/log/export"
    case siteReport = "GET /reports/site"
    case userReport = "GET /reports/user/{id}"
    case reportProblem = "POST /api/v1/report-problem"
    case staffEntry = "POST /api/v1/staff/entries"
    case staffMe = "GET /api/v1/staff/me"
    case staffShare = "POST /api/v1/staff/shares"
    case staffRevoke = "POST /api/v1/staff/shares/revoke"
    case signInPage = "GET /signin"
    case signIn = "POST /signin"
    case signOut = "POST /signout"
    case incidentsPage = "GET /incidents"
    case incidentPage = "GET /incidents/{id}"
    case incidentAcknowledgeForm = "POST /incidents/{id}/ack"
    case incidentNoteForm = "POST /incidents/{id}/note"
    case incidentResolveForm = "POST /incidents/{id}/resolve"
    case reportsPage = "GET /reports/"
    case logExportDownload = "GET /reports/log"
    case personReport = "GET /reports/person"
    case staffPage = "GET /me"
    case staffProblemForm = "POST /me/report-problem"
    case staffEntryForm = "POST /me/entries"
    case staffShareForm = "POST /me/shares"
    case staffRevokeForm = "POST /me/shares/revoke"

    public var method: String { String(rawValue.prefix { $0 != " " }) }
    public var pattern: String { String(rawValue.drop { $0 != " " }.dropFirst()) }

    /// A route of the JSON API: bearer tokens only, never a session cookie.
    public var isAPI: Bool { pattern.hasPrefix("/api/") }

    /// An HTML form POST: an `application/x-www-form-urlencoded` body, checked for CSRF when sent with a session.
    public var isForm: Bool { method == "POST" && !isAPI }
}

/// Who may use a route.
public struct AccessRule: Sendable, Equatable {
    /// Roles whose tokens are accepted.
    public var roles: Set<Role>
    /// Open without a token: `.always` (health checks, the API description), `.whenPublicStatus`
    /// (read-only status pages, with `PublicStatus=yes`) or `.never`.
    public var anonymous: Anonymous

    public enum Anonymous: Sendable, Equatable { case always, whenPublicStatus, never }
}

public enum AccessPolicy {
    private static let everyone = Set(Role.allCases)
    private static let readers: Set<Role> = [.ops, .siteLead, .manager, .unionRep, .staff]
    private static let siteReaders: Set<Role> = [.ops, .siteLead, .manager, .unionRep]
    private static let responders: Set<Role> = [.ops, .siteLead]

    /// The table. Incident notes can name people, so incidents are never anonymous; status is.
    public static func rule(for route: RouteID) -> AccessRule {
        switch route {
        case .statusBoard, .statusAPI: AccessRule(roles: everyone, anonymous: .whenPublicStatus)
        case .health, .openAPI: AccessRule(roles: everyone, anonymous: .always)
        case .metrics: AccessRule(roles: [.ops, .siteLead, .manager], anonymous: .whenPublicStatus)
        case .incidentList, .incidentShow, .incidentsPage, .incidentPage: AccessRule(roles: readers, anonymous: .never)
        case .incidentAcknowledge, .incidentNote, .incidentResolve, .incidentAcknowledgeForm, .incidentNoteForm,
             .incidentResolveForm:
            AccessRule(roles: responders, anonymous: .never)
        case .heartbeat: AccessRule(roles: [.ops], anonymous: .never)
        // Who invoked paper mode and why is site business, not public status.
        case .continuityStatus: AccessRule(roles: everyone, anonymous: .never)
        case .continuityInvoke, .continuityStandDown, .continuityCheck: AccessRule(roles: responders, anonymous: .never)
        // Blank forms carry no personal data, but each download is recorded as issued, by someone.
        case .formsIndex, .formFile: AccessRule(roles: readers, anonymous: .never)
        // Site-level data: everyone but staff, whose own view is their own report.
        case .logExport, .siteReport, .logExportDownload: AccessRule(roles: siteReaders, anonymous: .never)
        // The list of report downloads: each reader sees the links their role may use.
        case .reportsPage: AccessRule(roles: readers, anonymous: .never)
        // Turns a typed staff ID into /reports/user/ID (whose own rules then apply).
        case .personReport: AccessRule(roles: [.staff, .manager, .unionRep], anonymous: .never)
        // A person's report: staff their own only; managers and union reps only while the person shares it
        // with them (checked per request by the daemon's reporter, as `courtwatch report user --as` does).
        case .userReport: AccessRule(roles: [.staff, .manager, .unionRep], anonymous: .never)
        // Recorded as (or about) the token's subject, who must be a member of staff; never anyone else's.
        case .reportProblem, .staffEntry, .staffMe, .staffShare, .staffRevoke, .staffPage, .staffProblemForm,
             .staffEntryForm, .staffShareForm, .staffRevokeForm:
            AccessRule(roles: [.staff], anonymous: .never)
        // Signing in needs no session; signing out without one only clears the cookie.
        case .signInPage, .signIn, .signOut: AccessRule(roles: everyone, anonymous: .always)
        }
    }

    /// The outcome of checking a request against the table.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// No token (or an unknown one) where one is needed: 401.
        case unauthenticated
        /// A valid token whose role may not use the route: 403.
        case forbidden
    }

    /// `principal` nil means no token was sent.
    public static func decide(_ route: RouteID, principal: Principal?, publicStatus: Bool) -> Decision {
        let rule = rule(for: route)
        guard let principal else {
            switch rule.anonymous {
            case .always: return .allowed
            case .whenPublicStatus: return publicStatus ? .allowed : .unauthenticated
            case .never: return .unauthenticated
            }
        }
        return rule.roles.contains(principal.role) ? .allowed : .forbidden
    }
}
