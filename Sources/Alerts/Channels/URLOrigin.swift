/// What of a URL may go into the failure log: scheme, host and port. Webhook paths often hold a secret
/// token (chat services put it there) and URLs can carry `user:password@`; neither belongs in an export.
public enum URLOrigin {
    /// `https://hooks.example:8443/…` for `https://user:pw@hooks.example:8443/services/T0/B0/secret`.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "(URL)" }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let path = rest.dropFirst(authority.count)
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let shownPath = path.isEmpty || path == "/" ? String(path) : "/…"
        return String(url[..<schemeEnd.upperBound]) + authority + shownPath
    }
}
