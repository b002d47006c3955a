/// One request as a route handler sees it: the route, who sent it (by bearer token or browser session),
/// the fields of an HTML form POST (already CSRF-checked) and the client's address.
struct Visit {
    var request: HTTPRequest
    var match: RouteMatch
    /// nil: no credentials (the route is open to anyone, or PublicStatus=yes).
    var principal: Principal?
    /// The browser session the request came with; nil with a bearer token or no credentials.
    var session: SessionStore.Session?
    /// The fields of an HTML form POST; empty for every other route.
    var form: FormBody
    var client: ClientContext
}
