/// Durations as written in configuration: `500ms`, `30s`, `5m`, `1h`, `1d`, or combined (`1m30s`).
/// A bare number means seconds, as in systemd.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmed.lowercased()
        guard !text.isEmpty else { return nil }
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        var total: Int64 = 0
        var index = text.startIndex
        while index < text.endIndex {
            let numberStart = index
            while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index) }
            guard let number = Int64(text[numberStart..<index]), number < 1_000_000_000 else { return nil }
            let unitStart = index
            while index < text.endIndex, text[index].isLetter { index = text.index(after: index) }
            let milliseconds: Int64
            switch text[unitStart..<index] {
            case "ms": milliseconds = 1
            case "s", "sec": milliseconds = 1000
            case "m", "min": milliseconds = 60_000
            case "h": milliseconds = 3_600_000
            case "d": milliseconds = 86_400_000
            default: return nil
            }
            total += number * milliseconds
            while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
        }
        return .milliseconds(total)
    }
}

/// `yes/no`, `true/false`, `on/off`, `1/0`, as systemd reads booleans.
public enum BooleanText {
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "on", "1": true
        case "no", "false", "off", "0": false
        default: nil
        }
    }
}

/// Identifiers for sites, probes and systems: lowercase letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit, at most 64 characters. They appear in URLs, file names and log lines.
public enum Identifier {
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.first, text.count <= 64, first.isASCII, first.isLetter || first.isNumber else {
            return false
        }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-_.".contains($0)) }
    }

    public static let rule = "use lowercase letters, digits, '-', '_' and '.', at most 64 characters"
}

/// IPv4 dotted quads and IPv6 text, checked by shape (the kernel parses them again when used).
public enum IPAddressText {
    public static func isValid(_ text: String) -> Bool {
        if text.contains(":") {
            let allowed = text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            return allowed && text.count >= 2 && text.count <= 45 && text.components(separatedBy: "::").count <= 2
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && Int(part).map { $0 <= 255 } == true
        }
    }
}

/// Host names as DNS carries them: labels of 1-63 letters, digits, '-' or '_', at most 253 characters.
public enum DNSName {
    public static func isValid(_ text: String) -> Bool {
        let name = text.hasSuffix(".") ? String(text.dropLast()) : text
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}
