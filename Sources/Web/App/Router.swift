/// A route found for a request, with the path's `{name}` segments.
public struct RouteMatch: Sendable, Equatable {
    public var route: RouteID
    public var parameters: [String: String]
}

/// Matches a method and path against `RouteID`'s patterns: 404 when no pattern matches the path, 405 with
/// `Allow` when one does but not for this method. HEAD is served wherever GET is.
public enum Router {
    public static func match(method: String, path: String) -> Result<RouteMatch, HTTPResponse> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var allowed: [String] = []
        for route in RouteID.allCases {
            guard let parameters = bind(route.pattern, segments) else { continue }
            if route.method == method || (route.method == "GET" && method == "HEAD") {
                return .success(RouteMatch(route: route, parameters: parameters))
            }
            allowed.append(route.method)
            if route.method == "GET" { allowed.append("HEAD") }
        }
        if allowed.isEmpty {
            return .failure(.error(404, "not-found", "there is no page or API route at \(path)"))
        }
        let allow = Array(Set(allowed)).sorted().joined(separator: ", ")
        return .failure(HTTPResponse.error(405, "method-not-allowed", "\(path) accepts \(allow), not \(method)")
            .adding("Allow", allow))
    }

    private static func bind(_ pattern: String, _ segments: [String]) -> [String: String]? {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, segment) in zip(parts, segments) {
            if part.hasPrefix("{") && part.hasSuffix("}") {
                parameters[String(part.dropFirst().dropLast())] = segment
            } else if part != segment {
                return nil
            }
        }
        return parameters
    }
}

/// A finished error response travels as the failure of a `Result` while a request is being checked.
extension HTTPResponse: Error {}
