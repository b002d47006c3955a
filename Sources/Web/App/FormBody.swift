import Foundation

/// An `application/x-www-form-urlencoded` body, what an HTML form posts: `name=value` pairs joined by `&`,
/// `+` for a space, `%HH` for any byte. Names may repeat (checkboxes); order is kept. Textarea line ends
/// (CRLF in the wire format) come back as `\n`.
public struct FormBody: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// Why a body was refused; `detail` is a sentence for a 400 page.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }

    public var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// The first value of `name`, or nil.
    public func value(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    public var names: Set<String> { Set(fields.map(\.name)) }

    /// Parses a body. Refuses a malformed `%` escape, bytes that do not decode to UTF-8, more than
    /// `maximumFields` pairs and names longer than `maximumNameBytes`; the body's total size is already
    /// bounded by the server's body limit.
    public static func parse(_ body: [UInt8], maximumFields: Int = 200,
                             maximumNameBytes: Int = 100) throws(Failure) -> FormBody {
        var fields: [Field] = []
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard fields.count < maximumFields else {
                throw Failure(detail: "the form has more than \(maximumFields) fields")
            }
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = pair[..<(equals ?? pair.endIndex)]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? []
            let name = try decode(rawName, what: "a field name")
            guard !name.isEmpty else { throw Failure(detail: "the form has a field with no name") }
            guard name.utf8.count <= maximumNameBytes else {
                throw Failure(detail: "the form has a field name longer than \(maximumNameBytes) bytes")
            }
            let value = try decode(rawValue, what: "field '\(name)'")
            fields.append(Field(name: name, value: value))
        }
        return FormBody(fields)
    }

    /// `+` to space, `%HH` to the byte, then UTF-8; CRLF and lone CR become LF.
    static func decode(_ raw: ArraySlice<UInt8>, what: String) throws(Failure) -> String {
        guard let bytes = RequestParser.percentDecodedBytes(raw, plusIsSpace: true) else {
            throw Failure(detail: "\(what) has a malformed %-escape (expected % and two hex digits)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure(detail: "\(what) is not valid UTF-8")
        }
        guard text.utf8.contains(13) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
