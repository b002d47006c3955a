/// One parsed HTTP/1.x request. Plain data: the parser makes it, handlers read it.
public struct HTTPRequest: Sendable, Equatable {
    public enum Version: String, Sendable, Equatable {
        case http10 = "HTTP/1.0"
        case http11 = "HTTP/1.1"
    }

    public var method: String
    /// The request target exactly as sent (origin-form: path and optional query).
    public var target: String
    /// The path, percent-decoded.
    public var path: String
    /// Query parameters, percent-decoded (`+` is a space); the first value of a repeated name wins.
    public var query: [String: String]
    public var version: Version
    /// Header fields in order, names lower-cased, values with surrounding whitespace removed.
    public var headers: [HeaderField]
    public var body: [UInt8]

    public struct HeaderField: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, target: String, path: String, query: [String: String] = [:],
                version: Version = .http11, headers: [HeaderField] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// Whether the connection stays open after this request: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    public var keepsAlive: Bool {
        let tokens = headers.filter { $0.name == "connection" }
            .flatMap { $0.value.lowercased().split(separator: ",").map { $0.trimmingASCIISpaces() } }
        switch version {
        case .http11: return !tokens.contains("close")
        case .http10: return tokens.contains("keep-alive")
        }
    }
}

extension Substring {
    func trimmingASCIISpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
