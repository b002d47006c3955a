/// Writes RFC 4180 CSV: fields containing a comma, double quote, CR or LF are quoted with inner quotes
/// doubled, and records end in CRLF.
///
/// Formula-injection guard: a spreadsheet opening the file would run a cell that starts with `=`, `+`, `-`
/// or `@` (and, per OWASP, a tab or carriage return) as a formula, so such a cell is written with a
/// leading single quote (`'=SUM(A1)`), which spreadsheets show as text. Plain numbers such as `-12` or
/// `-0.5` are left alone: they cannot be formulas and reports need them numeric.
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init(header: [String]? = nil) {
        if let header { row(header) }
    }

    /// Appends one record.
    public mutating func row(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",") + "\r\n"
    }

    /// One field, guarded and quoted as needed.
    public static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(value) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// An optional sign, digits, and at most one decimal point with digits on both sides.
    private static func isPlainNumber(_ value: String) -> Bool {
        var body = Substring(value)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
