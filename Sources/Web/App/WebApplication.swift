import Foundation
import Crypto
import FailureLog
import Monitoring
import Sockets

/// The routes: looks up the route, finds who is asking (a bearer token, or on HTML routes a browser
/// session), checks the access table and, for HTML form POSTs, the CSRF rules (`BrowserGuard`), then answers.
/// Runs on the server's event-loop thread (one request at a time), which is what makes the cached
/// reader safe; the lock only guards against a second server sharing the application.
public final class WebApplication: @unchecked Sendable {
    // @unchecked: `reader`, `statusCache`, `siteCache` and `signInFailures` are guarded by `lock`; the
    // session store locks itself; everything else is immutable.
    public let environment: WebEnvironment
    public let tokens: TokenStore
    public let sessions: SessionStore
    let lock = NSLock()
    private var reader: LogReader?
    /// Recent renderings of the shared status routes: monotonic ms of rendering, and the response.
    private var statusCache: [String: (at: Int64, response: HTTPResponse)] = [:]
    /// The site's name for page headers, and when (monotonic ms) it was read from the log.
    private var siteCache: (at: Int64, name: String)?
    /// Failed sign-ins per client address.
    var signInFailures: RateLimiter

    /// `sessions`: tests pass a store with a manual clock; by default one with `SessionIdleMinutes=`.
    public init(environment: WebEnvironment, tokens: TokenStore, sessions: SessionStore? = nil) {
        self.environment = environment
        self.tokens = tokens
        self.sessions = sessions ?? SessionStore(idleMinutes: environment.sessionIdleMinutes)
        signInFailures = RateLimiter(rate: 1 / Double(max(1, environment.signInFailureRefillSeconds)),
                                     burst: Double(environment.signInFailureBurst))
    }

    /// The server's handler.
    public func handle(_ request: HTTPRequest, _ client: ClientContext) -> HTTPResponse {
        secured(answer(request, client))
    }

    private func answer(_ request: HTTPRequest, _ client: ClientContext) -> HTTPResponse {
        let match: RouteMatch
        switch Router.match(method: request.method, path: request.path) {
        case .success(let found): match = found
        case .failure(let response): return response
        }
        var principal: Principal?
        var session: SessionStore.Session?
        if let authorization = request.header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                return challenge(.error(401, "bad-authorization", "the Authorization header is not 'Bearer TOKEN'"))
            }
            guard let found = tokens.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
                return challenge(.error(401, "unknown-token", "the bearer token is not in the tokens file"))
            }
            principal = found
        } else if !match.route.isAPI, let id = BrowserGuard.sessionID(request) {
            session = liveSession(id)
            principal = session?.principal
        }
        let browser = !match.route.isAPI && BrowserGuard.wantsHTML(request)
        switch AccessPolicy.decide(match.route, principal: principal, publicStatus: environment.publicStatus) {
        case .allowed: break
        case .unauthenticated:
            if browser {
                let back = match.route.method == "GET" ? request.target : BrowserGuard.pageOf(formPath: request.path)
                return Self.seeOther(BrowserGuard.signInLocation(next: back))
            }
            return challenge(.error(401, "token-required", "\(match.route.rawValue) needs a bearer token"))
        case .forbidden:
            let allowed = AccessPolicy.rule(for: match.route).roles.map(\.rawValue).sorted().joined(separator: ", ")
            let detail = "role \(principal!.role.rawValue) may not use \(match.route.rawValue) (allowed: \(allowed))"
            if browser {
                let visit = Visit(request: request, match: match, principal: principal, session: session,
                                  form: FormBody(), client: client)
                return errorPage(visit, status: 403, heading: "Not allowed", detail: detail, back: "/",
                                 backLabel: "Go to the status board")
            }
            return .error(403, "forbidden", detail)
        }
        var visit = Visit(request: request, match: match, principal: principal, session: session, form: FormBody(),
                          client: client)
        if match.route.isForm {
            switch checkedForm(visit) {
            case .success(let form): visit.form = form
            case .failure(let response): return response
            }
        }
        let response = dispatch(visit)
        return browser ? asPage(response, visit) : response
    }

    /// The session for a cookie's ID, if it is live and its token is still in the tokens file with the same
    /// role and subject; a session whose token has gone is ended here.
    private func liveSession(_ id: String) -> SessionStore.Session? {
        guard let session = sessions.session(id: id) else { return nil }
        guard tokens.principal(forHash: session.tokenHash) == session.principal else {
            sessions.remove(key: session.key)
            return nil
        }
        return session
    }

    private func dispatch(_ visit: Visit) -> HTTPResponse {
        let now = Timestamp.now
        let match = visit.match
        let request = visit.request
        let principal = visit.principal
        switch match.route {
        case .health:
            let health = HealthReport.current(environment)
            return health.isHealthy ? .text("ok\n") : .text(health.reasons.joined(separator: "\n") + "\n", status: 503)
        case .openAPI:
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")],
                                body: Array(OpenAPIDocument.text.utf8))
        case .statusBoard:
            // The board's content is the same for every reader and cached; the shell around it is per viewer.
            let board = cached(.statusBoard) {
                withStatus { .html(StatusPage.content($0, now: now, refreshSeconds: environment.refreshSeconds)) }
            }
            guard board.status == 200 else { return board }
            let render = {
                self.page(visit, title: "\(self.siteName()) — IT status",
                          content: String(decoding: board.body, as: UTF8.self), current: "/",
                          refreshSeconds: self.environment.refreshSeconds, extraCSS: StatusPage.extraCSS)
            }
            // With PublicStatus=yes a room of wall screens opens it without signing in: one page for them all.
            guard visit.principal == nil, visit.session == nil else { return render() }
            return cached(.statusBoard, variant: " anonymous page", render)
        case .statusAPI:
            return cached(.statusAPI) { withStatus { .json(APIJSON.status($0)) } }
        case .metrics:
            return cached(.metrics) { withStatus {
                HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                             body: Array(MetricsText.render($0).utf8))
            } }
        case .incidentList:
            let open: Bool
            switch request.query["open"] {
            case nil, "no"?, "false"?: open = false
            case "yes"?, "true"?: open = true
            case let other?: return .error(400, "bad-query", "open=\(other) is not yes or no")
            }
            return withReader { reader in
                let incidents = try reader.incidents(IncidentFilter(openOnly: open))
                return .json(JSONValue.object(["incidents": .array(incidents.map(APIJSON.incident))]))
            }
        case .incidentShow:
            guard let id = Self.incidentID(match) else { return Self.badIncidentID(match) }
            return withReader { reader in
                guard let detail = try reader.incident(id) else {
                    return .error(404, "no-such-incident", "there is no incident \(id)")
                }
                return .json(APIJSON.detail(detail))
            }
        case .incidentAcknowledge, .incidentNote, .incidentResolve:
            guard let id = Self.incidentID(match) else { return Self.badIncidentID(match) }
            let body: [String: JSONValue]
            switch Self.jsonObject(request) {
            case .success(let object): body = object
            case .failure(let response): return response
            }
            let action: IncidentActions.Action = match.route == .incidentAcknowledge ? .acknowledge
                : match.route == .incidentNote ? .note : .resolve
            return IncidentActions.perform(action, incident: id, body: body, by: principal?.subject ?? "web",
                                           stateDirectory: environment.stateDirectory, now: now)
        case .continuityStatus:
            return ContinuityActions.status(environment.continuity, now: now)
        case .continuityInvoke, .continuityStandDown, .continuityCheck:
            let body: [String: JSONValue]
            switch Self.jsonObject(request) {
            case .success(let object): body = object
            case .failure(let response): return response
            }
            let action: ContinuityActions.Action = match.route == .continuityInvoke ? .invoke
                : match.route == .continuityStandDown ? .standDown : .check
            return ContinuityActions.perform(action, service: environment.continuity, body: body,
                                             by: principal?.subject ?? "web", now: now)
        case .formsIndex:
            return FormsPages.index(request, forms: environment.forms, now: now) { title, content in
                page(visit, title: title, content: content, current: "/forms/")
            }
        case .formFile:
            return FormsPages.file(match.parameters["file"] ?? "", request, forms: environment.forms,
                                   by: principal?.subject ?? "web", stateDirectory: environment.stateDirectory, now: now)
        case .logExport:
            return LogExportAPI.export(request, exporter: environment.logExport, stateDirectory: environment.stateDirectory)
        case .siteReport:
            return ReportsAPI.serve(request, subject: nil, viewer: principal, reporter: environment.reports)
        case .userReport:
            let id = match.parameters["id"] ?? ""
            if let principal, principal.role == .staff, principal.subject != id {
                return .error(403, "not-yours", "a staff token gets only its own report (this token is \(principal.subject)'s)")
            }
            return ReportsAPI.serve(request, subject: id, viewer: principal, reporter: environment.reports)
        case .reportProblem, .staffEntry:
            let body: [String: JSONValue]
            switch Self.jsonObject(request) {
            case .success(let object): body = object
            case .failure(let response): return response
            }
            let subject = principal?.subject ?? ""
            return match.route == .reportProblem
                ? StaffActions.reportProblem(body, service: environment.staff, by: subject, now: now)
                : StaffActions.logEntry(body, service: environment.staff, staffID: subject)
        case .staffMe:
            return StaffActions.me(service: environment.staff, staffID: principal?.subject ?? "", now: now)
        case .staffShare, .staffRevoke:
            let body: [String: JSONValue]
            switch Self.jsonObject(request) {
            case .success(let object): body = object
            case .failure(let response): return response
            }
            return StaffActions.changeSharing(match.route == .staffShare ? .share : .revoke, body,
                                              service: environment.staff, staffID: principal?.subject ?? "", now: now)
        case .staffPage:
            return staffPage(visit)
        case .staffProblemForm:
            return staffForm(visit, .problem)
        case .staffEntryForm:
            return staffForm(visit, .entry)
        case .staffShareForm:
            return staffForm(visit, .share)
        case .staffRevokeForm:
            return staffForm(visit, .revoke)
        case .signInPage:
            return signInForm(visit, next: BrowserGuard.localPath(request.query["next"]), error: nil, status: 200)
        case .signIn:
            return signIn(visit)
        case .signOut:
            return signOut(visit)
        case .incidentsPage:
            return incidentsPage(visit, now: now)
        case .incidentPage:
            guard let id = Self.incidentID(match) else { return Self.badIncidentID(match) }
            return incidentPage(visit, id: id, now: now)
        case .incidentAcknowledgeForm, .incidentNoteForm, .incidentResolveForm:
            guard let id = Self.incidentID(match) else { return Self.badIncidentID(match) }
            let action: IncidentActions.Action = match.route == .incidentAcknowledgeForm ? .acknowledge
                : match.route == .incidentNoteForm ? .note : .resolve
            return incidentForm(visit, action, id: id, now: now)
        case .reportsPage:
            return reportsPage(visit, now: now, error: nil)
        case .logExportDownload:
            return logExportDownload(visit)
        case .personReport:
            return personReport(visit, now: now)
        case .heartbeat:
            let probe = match.parameters["probe"] ?? ""
            switch environment.heartbeat(probe) {
            case .recorded(let message):
                return .json(JSONValue.object(["ok": true, "message": .string(message)]))
            case .unknownProbe(let message): return .error(404, "no-such-probe", message)
            case .notHeartbeatProbe(let message): return .error(409, "not-a-heartbeat-probe", message)
            case .unavailable(let message): return .error(503, "prober-unavailable", message)
            }
        }
    }

    /// A 200 rendering of `route` younger than `statusCacheMilliseconds`, or a fresh one (kept if it is a 200).
    /// `variant` tells apart renderings of one route that differ (the whole anonymous board page).
    private func cached(_ route: RouteID, variant: String = "", _ render: () -> HTTPResponse) -> HTTPResponse {
        let key = route.rawValue + variant
        let limit = environment.statusCacheMilliseconds
        guard limit > 0 else { return render() }
        let now = SystemClock.monotonicNanoseconds() / 1_000_000
        if let hit = lock.withLock({ statusCache[key] }), now - hit.at < limit { return hit.response }
        let response = render()
        if response.status == 200 { lock.withLock { statusCache[key] = (now, response) } }
        return response
    }

    /// The site's name from the failure log (re-read every 10 s), or "courtwatch" before there is one.
    func siteName() -> String {
        let now = SystemClock.monotonicNanoseconds() / 1_000_000
        if let cached = lock.withLock({ siteCache }), now - cached.at < 10_000 { return cached.name }
        var name = "courtwatch"
        _ = withReader { reader in
            if let site = try reader.site() { name = site.name }
            return .text("")
        }
        lock.withLock { siteCache = (now, name) }
        return name
    }

    private func withStatus(_ body: (StatusData) -> HTTPResponse) -> HTTPResponse {
        let health = HealthReport.current(environment)
        return withReader { reader in
            var data = try StatusData.read(reader, health: health, now: .now)
            data.certificateExpiries = environment.certificateExpiries()
            data.logWrites = environment.logWrites()
            return body(data)
        }
    }

    /// Runs `body` with the cached read-only connection, opening it on first use and again after an error.
    func withReader(_ body: (LogReader) throws -> HTTPResponse) -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        do {
            if reader == nil { reader = try LogReader(store: FailureLogStore(stateDirectory: environment.stateDirectory)) }
            return try body(reader!)
        } catch {
            reader = nil
            return .error(503, "log-unavailable", "the failure log cannot be read: \(error)")
        }
    }

    func challenge(_ response: HTTPResponse) -> HTTPResponse {
        response.adding("WWW-Authenticate", "Bearer realm=\"courtwatch\"")
    }

    private func secured(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.headers += [
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            // Same-origin: nothing leaves for other sites, and the browser sends a real Origin on form posts.
            ("Referrer-Policy", "same-origin"),
            // No scripts, no external anything; the one inline stylesheet is allowed.
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
        ]
        return response
    }

    private static func incidentID(_ match: RouteMatch) -> Int64? {
        guard let text = match.parameters["id"], let id = Int64(text), id > 0 else { return nil }
        return id
    }

    private static func badIncidentID(_ match: RouteMatch) -> HTTPResponse {
        let text = match.parameters["id"] ?? ""
        // A whole number too large to be a row ID is still a number: there is just no such incident.
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), text.contains(where: { $0 != "0" }) {
            return .error(404, "no-such-incident", "there is no incident \(text.prefix(40))")
        }
        return .error(400, "bad-incident-id", "'\(text)' is not an incident number")
    }

    private static func jsonObject(_ request: HTTPRequest) -> Result<[String: JSONValue], HTTPResponse> {
        if let type = request.header("content-type"), !type.lowercased().hasPrefix("application/json") {
            return .failure(.error(415, "unsupported-media-type", "send the body as application/json, not \(type)"))
        }
        if request.body.isEmpty { return .success([:]) }
        guard let text = String(validating: request.body, as: UTF8.self), let value = JSONValue(parsing: text) else {
            return .failure(.error(400, "bad-json", "the body is not JSON (numbers must be whole: 60 or 60.0, not 60.5)"))
        }
        guard case .object(let object) = value else {
            return .failure(.error(400, "bad-json", "the body must be a JSON object"))
        }
        return .success(object)
    }
}
