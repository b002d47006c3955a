import Monitoring

/// `[Alert]` sections of `courtwatch.conf`, one per alert; see README "Alerts".
///
/// ```
/// [Alert]
/// ID=ops-webhook
/// Channel=webhook                  # webhook | email | exec
/// URL=https://hooks.example/courtwatch
/// Sites=leicester-crown            # empty: every site
/// Systems=common-platform,cjsm     # empty: every system
/// MinimumImpact=major              # none | minor | major | critical
/// Events=incident.opened incident.resolved
/// RenotifyEvery=30m                # remind while open and unacknowledged
/// Timeout=10s
/// Planned=no                       # send planned incidents too?
/// RetryDelays=30s 2m 10m           # waits before each retry; after the last, the notification has failed
/// ```
/// Email takes `SMTP=smtp://host:587` (STARTTLS required) or `smtps://`, `From=`, `To=` (comma-separated),
/// optional `CredentialsFile=` and `CAFile=`; exec takes `Command=/path/to/program arg ...` (no shell).
enum AlertReader {
    static let sharedKeys: Set<String> = ["ID", "Channel", "Sites", "Systems", "MinimumImpact", "Events",
                                          "RenotifyEvery", "Timeout", "Planned", "RetryDelays"]
    static let channelKeys: [String: Set<String>] = [
        "webhook": ["URL"],
        "email": ["SMTP", "From", "To", "CredentialsFile", "CAFile"],
        "exec": ["Command"],
    ]

    /// Every `[Alert]` section in `keyFile`, checked; problems go to `errors` with file:line.
    static func read(_ keyFile: KeyFile, errors: inout [ConfigurationError]) -> [AlertDefinition] {
        var alerts: [AlertDefinition] = []
        var seen: [String: Int] = [:]
        for section in keyFile.sections where section.name == "Alert" {
            guard let alert = read(section, file: keyFile.path, errors: &errors) else { continue }
            if let first = seen[alert.id] {
                errors.append(ConfigurationError(
                    file: keyFile.path, line: section.line,
                    message: "a second [Alert] with ID=\(alert.id) (first at line \(first))"))
                continue
            }
            seen[alert.id] = section.line
            alerts.append(alert)
        }
        return alerts
    }

    static func read(_ section: KeyFile.Section, file: String, errors: inout [ConfigurationError]) -> AlertDefinition? {
        let allKeys = channelKeys.values.reduce(sharedKeys) { $0.union($1) }
        var reader = SectionReader(file: file, section: section, knownKeys: allKeys)
        let id = reader.identifier("ID", required: true)
        let channelName = reader.string("Channel", required: true)
        var channel: AlertDefinition.Channel?
        if let channelName {
            if let keys = channelKeys[channelName] {
                // A key for another channel is a mistake worth naming, not something to ignore.
                for entry in section.entries where !sharedKeys.contains(entry.key) && !keys.contains(entry.key)
                    && allKeys.contains(entry.key) {
                    reader.fail(entry.key, "\(entry.key)= is not used by Channel=\(channelName) (it takes "
                                + keys.sorted().map { "\($0)=" }.joined(separator: ", ") + ")")
                }
                channel = readChannel(channelName, &reader, file: file)
            } else {
                reader.fail("Channel", "Channel=\(channelName) is not webhook, email or exec")
            }
        }
        let sites = Set(readIdentifiers("Sites", &reader))
        let systems = Set(readIdentifiers("Systems", &reader))
        var minimumImpact = AlertDefinition.Impact.none
        if let text = reader.string("MinimumImpact") {
            if let impact = AlertDefinition.Impact(rawValue: text) {
                minimumImpact = impact
            } else {
                reader.fail("MinimumImpact", "MinimumImpact=\(text) is not none, minor, major or critical")
            }
        }
        var events = Set(AlertDefinition.routableEvents)
        let eventNames = reader.list("Events")
        if !eventNames.isEmpty {
            let unknown = eventNames.filter { !AlertDefinition.routableEvents.contains($0) }
            if unknown.isEmpty {
                events = Set(eventNames)
            } else {
                reader.fail("Events", "Events=\(unknown.joined(separator: ",")) is not an event alerts can follow; "
                            + "use " + AlertDefinition.routableEvents.joined(separator: ", "))
            }
        }
        let renotify = reader.duration("RenotifyEvery", minimum: .seconds(60), maximum: .seconds(7 * 86_400))
        let timeout = reader.duration("Timeout", minimum: .seconds(1), maximum: .seconds(300)) ?? .seconds(10)
        let planned = reader.boolean("Planned") ?? false
        var retryDelays = AlertDefinition.standardRetryDelays
        if let text = reader.string("RetryDelays") {
            let delays = text.split(whereSeparator: { $0 == " " || $0 == "," }).map { DurationText.parse(String($0)) }
            let usable = delays.compactMap { $0 }.filter { $0 >= .milliseconds(100) && $0 <= .seconds(86_400) }
            if delays.isEmpty || delays.count > 10 || usable.count != delays.count {
                reader.fail("RetryDelays",
                            "RetryDelays=\(text) is not 1 to 10 durations from 100ms to 1d, e.g. 30s 2m 10m")
            } else {
                retryDelays = delays.compactMap { $0 }
            }
        }
        errors += reader.errors
        guard let id, let channel, reader.errors.isEmpty else { return nil }
        return AlertDefinition(id: id, channel: channel, sites: sites, systems: systems, minimumImpact: minimumImpact,
                               events: events, renotifyEvery: renotify, timeout: timeout, includesPlanned: planned,
                               retryDelays: retryDelays, source: SourceLocation(file: file, line: section.line))
    }

    private static func readChannel(_ name: String, _ reader: inout SectionReader,
                                    file: String) -> AlertDefinition.Channel? {
        switch name {
        case "webhook":
            guard let url = reader.string("URL", required: true) else { return nil }
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count > "https://".count else {
                reader.fail("URL", "URL=\(url) is not an http:// or https:// URL")
                return nil
            }
            return .webhook(url: url)
        case "email":
            let smtp = reader.string("SMTP", required: true)
            let from = reader.string("From", required: true)
            let to = reader.list("To")
            if to.isEmpty { reader.fail("To", "[Alert] with Channel=email needs To= (comma-separated addresses)") }
            for address in [from].compactMap({ $0 }) + to where !isMailAddress(address) {
                reader.fail(address == from ? "From" : "To",
                            "\(address) is not an email address like ops@court.example")
            }
            if let smtp, !(smtp.hasPrefix("smtp://") || smtp.hasPrefix("smtps://")) {
                reader.fail("SMTP", "SMTP=\(smtp) is not an smtp:// (STARTTLS, required) or smtps:// URL")
            }
            var credentials: Credentials?
            if let path = reader.string("CredentialsFile") {
                do {
                    credentials = try CredentialsFile.read(path, relativeTo: file)
                } catch {
                    reader.fail("CredentialsFile", "CredentialsFile=\(path): \(error.message)")
                }
            }
            let caFile = reader.string("CAFile").map { path in
                path.hasPrefix("/") ? path : folder(of: file) + path
            }
            guard let smtp, let from, !to.isEmpty else { return nil }
            return .email(smtpURL: smtp, from: from, to: to, credentials: credentials, caFile: caFile)
        default:
            guard let text = reader.string("Command", required: true) else { return nil }
            guard let words = CommandWords.split(text), let program = words.first else {
                reader.fail("Command", "Command=\(text) has an unclosed quote")
                return nil
            }
            guard program.hasPrefix("/") else {
                reader.fail("Command", "Command=\(text): give the program's absolute path (no shell runs it)")
                return nil
            }
            return .exec(command: words)
        }
    }

    private static func readIdentifiers(_ key: String, _ reader: inout SectionReader) -> [String] {
        let values = reader.list(key)
        for value in values where !Identifier.isValid(value) {
            reader.fail(key, "\(key)=\(value) is not a valid identifier: \(Identifier.rule)")
        }
        return values
    }

    private static func isMailAddress(_ text: String) -> Bool {
        let address = text.split(separator: "<").last.map { $0.filter { $0 != ">" } } ?? text
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !address.contains(" ")
    }

    private static func folder(of file: String) -> String {
        let parts = file.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
    }

    /// Systems= must name a system some probe belongs to: a typo would otherwise silence the alert.
    static func checkReferences(_ alerts: [AlertDefinition], probes: [ProbeDefinition],
                                errors: inout [ConfigurationError]) {
        let known = Set(probes.compactMap(\.system))
        for alert in alerts {
            for system in alert.systems.sorted() where !known.contains(system) {
                let here = alert.source ?? SourceLocation(file: "courtwatch.conf", line: 0)
                errors.append(ConfigurationError(
                    file: here.file, line: here.line,
                    message: "[Alert] \(alert.id): Systems=\(system) is not the System= of any probe (known: "
                        + (known.isEmpty ? "none" : known.sorted().joined(separator: ", ")) + ")"))
            }
        }
    }
}

/// Splits `Command=` into words: spaces separate, double or single quotes keep spaces. Nil on an open quote.
enum CommandWords {
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { return nil }
        if inWord { words.append(current) }
        return words
    }
}
