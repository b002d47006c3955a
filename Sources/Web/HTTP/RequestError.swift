/// Why a request could not be parsed: the status to answer with, a short machine-readable code and a
/// sentence naming what was wrong. After any of these the connection is closed, since the framing of
/// whatever follows cannot be trusted.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    /// A stable code such as `header-too-large`, for the JSON `error` field.
    public var code: String
    public var detail: String

    public init(status: Int, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(status) \(code): \(detail)" }
}
