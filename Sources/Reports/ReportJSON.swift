/// A small JSON writer for report exports: objects keep their key order, so the file reads top-down.
public indirect enum ReportJSON: Sendable {
    case string(String)
    case number(Int64)
    case decimal(String)
    case bool(Bool)
    case null
    case array([ReportJSON])
    case object([(String, ReportJSON)])

    public static func optional(_ text: String?) -> ReportJSON { text.map { .string($0) } ?? .null }
    public static func optional(_ number: Int64?) -> ReportJSON { number.map { .number($0) } ?? .null }

    /// Indented text, two spaces a level.
    public func text(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case let .string(value): return Self.quote(value)
        case let .number(value): return String(value)
        case let .decimal(value): return value
        case let .bool(value): return value ? "true" : "false"
        case .null: return "null"
        case let .array(items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case let .object(pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { inner + Self.quote($0.0) + ": " + $0.1.text(indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
