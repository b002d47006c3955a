/// Reads one section's keys with types, collecting an error (with file:line) for every bad or unknown key.
struct SectionReader {
    let file: String
    let section: KeyFile.Section
    private var values: [String: KeyFile.Entry] = [:]
    private var repeated: [String: [KeyFile.Entry]] = [:]
    var errors: [ConfigurationError] = []

    /// `repeatable` keys may appear more than once (their values are collected in order).
    init(file: String, section: KeyFile.Section, knownKeys: Set<String>, repeatable: Set<String> = []) {
        self.file = file
        self.section = section
        for entry in section.entries {
            guard knownKeys.contains(entry.key) else {
                let suggestion = knownKeys.first { $0.lowercased() == entry.key.lowercased() }
                let hint = suggestion.map { " (did you mean \($0)=?)" } ?? ""
                let known = knownKeys.sorted().joined(separator: ", ")
                errors.append(ConfigurationError(
                    file: file, line: entry.line,
                    message: "unknown key \(entry.key)= in [\(section.name)]\(hint); known keys: \(known)"))
                continue
            }
            if repeatable.contains(entry.key) {
                repeated[entry.key, default: []].append(entry)
            } else if let earlier = values[entry.key] {
                errors.append(ConfigurationError(
                    file: file, line: entry.line,
                    message: "\(entry.key)= is set twice in [\(section.name)] (first at line \(earlier.line))"))
            } else {
                values[entry.key] = entry
            }
        }
    }

    func line(of key: String) -> Int { values[key]?.line ?? section.line }

    mutating func fail(_ key: String, _ message: String) {
        errors.append(ConfigurationError(file: file, line: line(of: key), message: message))
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let entry = values[key] else {
            if required { fail(key, "[\(section.name)] needs \(key)=") }
            return nil
        }
        if entry.value.isEmpty {
            fail(key, "\(key)= is empty")
            return nil
        }
        return entry.value
    }

    mutating func all(_ key: String) -> [KeyFile.Entry] { repeated[key] ?? [] }

    mutating func identifier(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard Identifier.isValid(text) else {
            fail(key, "\(key)=\(text) is not a valid identifier: \(Identifier.rule)")
            return nil
        }
        return text
    }

    mutating func duration(_ key: String, minimum: Duration = .milliseconds(1),
                           maximum: Duration = .seconds(86_400)) -> Duration? {
        guard let text = string(key) else { return nil }
        guard let value = DurationText.parse(text) else {
            fail(key, "\(key)=\(text) is not a duration (examples: 500ms, 30s, 5m, 1h)")
            return nil
        }
        guard value >= minimum, value <= maximum else {
            fail(key, "\(key)=\(text) is out of range (\(minimum.configText) to \(maximum.configText))")
            return nil
        }
        return value
    }

    mutating func boolean(_ key: String) -> Bool? {
        guard let text = string(key) else { return nil }
        guard let value = BooleanText.parse(text) else {
            fail(key, "\(key)=\(text) is not yes or no")
            return nil
        }
        return value
    }

    mutating func integer(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            fail(key, "\(key)=\(text) is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func list(_ key: String) -> [String] {
        guard let text = string(key) else { return [] }
        return text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }
}
