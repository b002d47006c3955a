/// Size limits the parser enforces before anything else looks at a request.
public struct ParserLimits: Sendable, Equatable {
    /// Request line plus header fields plus the blank line; more is answered 431.
    public var maximumHeaderBytes: Int
    /// Body bytes (Content-Length); more is answered 413.
    public var maximumBodyBytes: Int
    /// Header fields; more is answered 431.
    public var maximumHeaderFields: Int

    public init(maximumHeaderBytes: Int = 16 * 1024, maximumBodyBytes: Int = 1024 * 1024,
                maximumHeaderFields: Int = 100) {
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumHeaderFields = maximumHeaderFields
    }
}

/// What the parser made of the bytes received so far.
public enum ParseOutcome: Sendable, Equatable {
    /// Not a whole request yet; read more.
    case incomplete
    /// A request, and how many bytes of the input it used (the rest belongs to the next request).
    case request(HTTPRequest, consumed: Int)
    case failure(RequestError)
}

/// A pure HTTP/1.1 request parser (RFC 9112), strict where leniency invites request smuggling: CRLF line
/// ends only, no obsolete line folding, no whitespace before a field's colon, exactly one Host, at most one
/// distinct Content-Length, and no Transfer-Encoding at all (bodies are Content-Length only). It is a value
/// with no I/O so the fuzzer and tests drive it directly; the server calls it again with the whole buffer
/// each time bytes arrive, which costs little at these sizes.
public struct RequestParser: Sendable {
    public var limits: ParserLimits

    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    public func parse(_ input: [UInt8]) -> ParseOutcome {
        input.withUnsafeBufferPointer { parse($0) }
    }

    private static let cr: UInt8 = 13
    private static let lf: UInt8 = 10

    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ParseOutcome {
        // A client may send stray CRLFs between requests (after a POST body); RFC 9112 §2.2 lets us skip them.
        var start = 0
        while start + 1 < bytes.count, bytes[start] == Self.cr, bytes[start + 1] == Self.lf, start < 8 { start += 2 }
        guard let headEnd = Self.findBlankLine(bytes, from: start, limit: start + limits.maximumHeaderBytes) else {
            if bytes.count - start > limits.maximumHeaderBytes {
                return .failure(RequestError(status: 431, code: "header-too-large",
                                             detail: "the request line and headers exceed \(limits.maximumHeaderBytes) bytes"))
            }
            // Fail early on a broken request line rather than waiting for a blank line that may never come.
            if let early = earlyRequestLineFailure(bytes, from: start) { return .failure(early) }
            return .incomplete
        }
        var lines: [Range<Int>] = []
        var lineStart = start
        var index = start
        // Up to and including the CRLF that ends the last header line.
        while index < headEnd + 2 {
            let byte = bytes[index]
            if byte == Self.cr {
                guard index + 1 < bytes.count, bytes[index + 1] == Self.lf else {
                    return .failure(.init(status: 400, code: "bad-line-ending", detail: "a bare CR in the request head"))
                }
                lines.append(lineStart..<index)
                index += 2
                lineStart = index
                continue
            }
            if byte == Self.lf {
                return .failure(.init(status: 400, code: "bad-line-ending", detail: "a bare LF in the request head; lines end with CRLF"))
            }
            index += 1
        }
        guard let requestLine = lines.first else {
            return .failure(.init(status: 400, code: "bad-request-line", detail: "the request line is empty"))
        }
        let first: (method: String, target: String, version: HTTPRequest.Version)
        switch parseRequestLine(bytes, requestLine) {
        case .success(let value): first = value
        case .failure(let error): return .failure(error)
        }
        var fields: [HTTPRequest.HeaderField] = []
        for line in lines.dropFirst() {
            guard fields.count < limits.maximumHeaderFields else {
                return .failure(.init(status: 431, code: "too-many-headers",
                                      detail: "more than \(limits.maximumHeaderFields) header fields"))
            }
            switch parseField(bytes, line) {
            case .success(let field): fields.append(field)
            case .failure(let error): return .failure(error)
            }
        }
        let hosts = fields.filter { $0.name == "host" }
        if first.version == .http11 && hosts.isEmpty {
            return .failure(.init(status: 400, code: "missing-host", detail: "HTTP/1.1 requests need a Host header"))
        }
        if hosts.count > 1 {
            return .failure(.init(status: 400, code: "duplicate-host", detail: "more than one Host header"))
        }
        if fields.contains(where: { $0.name == "transfer-encoding" }) {
            return .failure(.init(status: 411, code: "transfer-encoding-unsupported",
                                  detail: "Transfer-Encoding (chunked bodies) is not supported; send Content-Length"))
        }
        var bodyLength = 0
        let lengths = Set(fields.filter { $0.name == "content-length" }.map(\.value))
        if lengths.count > 1 {
            return .failure(.init(status: 400, code: "bad-content-length", detail: "conflicting Content-Length headers"))
        }
        if let text = lengths.first {
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text)
            else {
                return .failure(.init(status: 400, code: "bad-content-length",
                                      detail: "Content-Length '\(text.prefix(40))' is not a decimal number"))
            }
            bodyLength = value
        }
        if bodyLength > limits.maximumBodyBytes {
            return .failure(.init(status: 413, code: "body-too-large",
                                  detail: "the body of \(bodyLength) bytes exceeds the limit of \(limits.maximumBodyBytes)"))
        }
        let bodyStart = headEnd + 4
        guard bytes.count - bodyStart >= bodyLength else { return .incomplete }
        let path: String
        let query: [String: String]
        switch Self.splitTarget(first.target) {
        case .success(let value): (path, query) = value
        case .failure(let error): return .failure(error)
        }
        let request = HTTPRequest(method: first.method, target: first.target, path: path, query: query,
                                  version: first.version, headers: fields,
                                  body: Array(bytes[bodyStart..<(bodyStart + bodyLength)]))
        return .request(request, consumed: bodyStart + bodyLength)
    }

    /// The index of the CR of the first CRLFCRLF at or after `from`, looking no further than `limit`.
    private static func findBlankLine(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Int? {
        var index = from
        let end = min(bytes.count, limit + 4) - 3
        while index < end {
            if bytes[index] == cr, bytes[index + 1] == lf, bytes[index + 2] == cr, bytes[index + 3] == lf { return index }
            index += 1
        }
        return nil
    }

    private func earlyRequestLineFailure(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> RequestError? {
        var index = start
        while index < bytes.count, bytes[index] != Self.cr, bytes[index] != Self.lf { index += 1 }
        guard index < bytes.count else {
            // No line end yet: only the method can be judged.
            for position in start..<index {
                let byte = bytes[position]
                if byte == 32 { return nil }
                if !Self.isTokenByte(byte) {
                    return RequestError(status: 400, code: "bad-method", detail: "the method contains byte \(byte)")
                }
            }
            return nil
        }
        if bytes[index] == Self.lf {
            return RequestError(status: 400, code: "bad-line-ending", detail: "a bare LF in the request head; lines end with CRLF")
        }
        if case .failure(let error) = parseRequestLine(bytes, start..<index) { return error }
        return nil
    }

    private func parseRequestLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>)
        -> Result<(method: String, target: String, version: HTTPRequest.Version), RequestError> {
        let parts = bytes[line].split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(.init(status: 400, code: "bad-request-line",
                                  detail: "the request line is not 'METHOD target HTTP/1.1' with single spaces"))
        }
        guard parts[0].allSatisfy(Self.isTokenByte) else {
            return .failure(.init(status: 400, code: "bad-method", detail: "the method is not an HTTP token"))
        }
        guard parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else {
            return .failure(.init(status: 400, code: "bad-target", detail: "the request target has spaces, controls or non-ASCII bytes"))
        }
        guard parts[1].first == UInt8(ascii: "/") else {
            return .failure(.init(status: 400, code: "bad-target",
                                  detail: "only origin-form targets (starting with '/') are accepted"))
        }
        let versionText = String(decoding: parts[2], as: UTF8.self)
        let version: HTTPRequest.Version
        switch versionText {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        default:
            let shape = versionText.utf8.count == 8 && versionText.hasPrefix("HTTP/")
                && versionText.utf8.enumerated().allSatisfy { offset, byte in
                    offset < 5 || (offset == 6 ? byte == UInt8(ascii: ".") : (byte >= 48 && byte <= 57))
                }
            if shape {
                return .failure(.init(status: 505, code: "version-not-supported",
                                      detail: "\(versionText) is not supported; use HTTP/1.1"))
            }
            return .failure(.init(status: 400, code: "bad-version", detail: "the protocol version is not HTTP/1.x"))
        }
        return .success((String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), version))
    }

    private func parseField(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Result<HTTPRequest.HeaderField, RequestError> {
        let field = bytes[line]
        if let first = field.first, first == 32 || first == 9 {
            return .failure(.init(status: 400, code: "obsolete-line-folding", detail: "a header line starts with whitespace"))
        }
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(.init(status: 400, code: "bad-header", detail: "a header line has no colon"))
        }
        let name = field[field.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else {
            return .failure(.init(status: 400, code: "bad-header-name",
                                  detail: "header name '\(String(decoding: name.prefix(40), as: UTF8.self))' is not a token"))
        }
        var value = field[(colon + 1)...]
        while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
        while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
        // Field values: visible ASCII, space, tab and obs-text; any other control byte is refused.
        guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
            return .failure(.init(status: 400, code: "bad-header-value",
                                  detail: "header '\(String(decoding: name, as: UTF8.self).lowercased())' has a control byte"))
        }
        return .success(.init(name: String(decoding: name, as: UTF8.self).lowercased(),
                              value: String(decoding: value, as: UTF8.self)))
    }

    /// tchar from RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func splitTarget(_ target: String) -> Result<(String, [String: String]), RequestError> {
        let bytes = Array(target.utf8)
        let questionMark = bytes.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = bytes[..<(questionMark ?? bytes.count)]
        guard let path = percentDecode(rawPath, plusIsSpace: false), !path.contains("\0") else {
            return .failure(.init(status: 400, code: "bad-target", detail: "the path has invalid percent-encoding"))
        }
        var query: [String: String] = [:]
        if let questionMark {
            for pair in bytes[(questionMark + 1)...].split(separator: UInt8(ascii: "&")) {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                let rawName = pair[pair.startIndex..<(equals ?? pair.endIndex)]
                let rawValue = equals.map { pair[($0 + 1)...] } ?? []
                guard let name = percentDecode(rawName, plusIsSpace: true),
                      let value = percentDecode(rawValue, plusIsSpace: true)
                else { return .failure(.init(status: 400, code: "bad-query", detail: "the query has invalid percent-encoding")) }
                if query[name] == nil { query[name] = value }
            }
        }
        return .success((path, query))
    }

    /// Decodes %XX escapes; nil when an escape is malformed or the result is not UTF-8.
    static func percentDecode(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String? {
        percentDecodedBytes(bytes, plusIsSpace: plusIsSpace).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The bytes %XX escapes stand for (and `+` as space when asked); nil when an escape is malformed.
    /// Shared with the form body parser, which words its own errors.
    static func percentDecodedBytes(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? 32 : byte)
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
