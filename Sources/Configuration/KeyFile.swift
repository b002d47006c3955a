import Monitoring

/// One problem in a configuration file, with where it is.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 0 when the problem is with the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Every problem found while loading, in file order.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigurationError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A systemd-style key file: `[Section]` headers, `Key=Value` lines, `#` and `;` comments.
public struct KeyFile: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public struct Section: Sendable {
        public var name: String
        public var line: Int
        public var entries: [Entry]
    }

    public var path: String
    public var sections: [Section]

    /// Parses `text`; syntax problems are appended to `errors` and the offending lines skipped.
    public init(path: String, text: String, errors: inout [ConfigurationError]) {
        self.path = path
        sections = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmed
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    errors.append(ConfigurationError(file: path, line: lineNumber,
                                                     message: "'\(trimmed)' is not a section header like [Probe]"))
                    continue
                }
                let name = String(trimmed.dropFirst().dropLast())
                sections.append(Section(name: name, line: lineNumber, entries: []))
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                errors.append(ConfigurationError(file: path, line: lineNumber,
                                                 message: "expected Key=Value, found '\(trimmed)'"))
                continue
            }
            let key = trimmed[..<equals].trimmed
            let value = trimmed[trimmed.index(after: equals)...].trimmed
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                errors.append(ConfigurationError(file: path, line: lineNumber, message: "'\(key)' is not a valid key name"))
                continue
            }
            guard !sections.isEmpty else {
                errors.append(ConfigurationError(file: path, line: lineNumber,
                                                 message: "\(key)= comes before any [Section] header"))
                continue
            }
            sections[sections.count - 1].entries.append(Entry(key: key, value: value, line: lineNumber))
        }
    }
}
