import Monitoring

/// Turns `[Probe]` sections into probe definitions.
enum ProbeReader {
    static let commonKeys: Set<String> = [
        "ID", "Name", "Kind", "System", "Critical", "Interval", "Timeout", "RetryInterval", "FailuresToDown",
        "SuccessesToUp", "DependsOn", "MaxLatency", "Reference", "FlapDetection", "FlapWindow",
        "FlapThresholdHigh", "FlapThresholdLow",
    ]
    static let keysByKind: [String: Set<String>] = [
        "http": ["URL", "Method", "ExpectStatus", "ExpectBody", "VerifyTLS"],
        "tcp": ["URL"],
        "smtp": ["URL", "RequireTLS", "VerifyTLS"],
    ]

    /// Reads every [Probe] section. `declared` collects each section's ID and place, valid or not, so
    /// duplicates are found even when the first definition has other errors.
    static func read(_ keyFile: KeyFile, errors: inout [ConfigurationError],
                     declared: inout [(id: String, source: SourceLocation)],
                     maintenance: inout [MaintenanceWindow]) -> [ProbeDefinition] {
        var probes: [ProbeDefinition] = []
        var windows: [MaintenanceWindow] = []
        if keyFile.sections.isEmpty {
            errors.append(ConfigurationError(file: keyFile.path, line: 0, message: "has no [Probe] section"))
        }
        for section in keyFile.sections {
            if section.name == "Maintenance" {
                if let window = MaintenanceReader.read(section, file: keyFile.path, scoped: true, errors: &errors) {
                    windows.append(window)
                }
                continue
            }
            guard section.name == "Probe" else {
                errors.append(ConfigurationError(file: keyFile.path, line: section.line,
                                                 message: "unknown section [\(section.name)]; .probe files have [Probe] and [Maintenance]"))
                continue
            }
            if let id = section.entries.first(where: { $0.key == "ID" })?.value, Identifier.isValid(id) {
                declared.append((id, SourceLocation(file: keyFile.path, line: section.line)))
            }
            if let probe = read(section, file: keyFile.path, errors: &errors) { probes.append(probe) }
        }
        // A [Maintenance] section in a .probe file covers the probes of that file.
        let ids = Set(probes.map(\.id))
        maintenance += windows.map { window in
            var window = window
            window.probeIDs = ids
            return window
        }
        return probes
    }

    private static func read(_ section: KeyFile.Section, file: String,
                             errors: inout [ConfigurationError]) -> ProbeDefinition? {
        let kindEntry = section.entries.first { $0.key == "Kind" }
        let kind = kindEntry?.value.lowercased()
        let kindKeys = kind.flatMap { keysByKind[$0] } ?? keysByKind.values.reduce(into: Set()) { $0.formUnion($1) }
        var reader = SectionReader(file: file, section: section, knownKeys: commonKeys.union(kindKeys))
        let id = reader.identifier("ID", required: true)
        let name = reader.string("Name") ?? id
        let system = reader.identifier("System")
        let critical = reader.boolean("Critical") ?? false
        let interval = reader.duration("Interval", minimum: .milliseconds(100)) ?? .seconds(30)
        let timeout = reader.duration("Timeout", minimum: .milliseconds(10), maximum: .seconds(300)) ?? .seconds(5)
        let retry = reader.duration("RetryInterval", minimum: .milliseconds(100))
        let failures = reader.integer("FailuresToDown", range: 1...100) ?? 3
        let successes = reader.integer("SuccessesToUp", range: 1...100) ?? 2
        let dependsOn = reader.list("DependsOn")
        let verifyTLS = reader.boolean("VerifyTLS") ?? true
        let maxLatency = reader.duration("MaxLatency", minimum: .milliseconds(1), maximum: .seconds(300))
        if let maxLatency, maxLatency >= timeout {
            reader.fail("MaxLatency", "MaxLatency=\(maxLatency.configText) must be less than Timeout=\(timeout.configText)")
        }
        let isReference = reader.boolean("Reference") ?? false
        if isReference && !dependsOn.isEmpty {
            reader.fail("Reference", "a Reference=yes probe checks courtwatch's own uplink and cannot have DependsOn=")
        }
        let flapWindow = reader.integer("FlapWindow", range: 3...100) ?? 21
        let flapDetection = reader.boolean("FlapDetection") ?? true
        let flapHigh = reader.integer("FlapThresholdHigh", range: 1...100) ?? 30
        let flapLow = reader.integer("FlapThresholdLow", range: 0...99) ?? 25
        if flapLow >= flapHigh {
            reader.fail("FlapThresholdLow", "FlapThresholdLow=\(flapLow) must be below FlapThresholdHigh=\(flapHigh)")
        }
        for parent in dependsOn where !Identifier.isValid(parent) {
            reader.fail("DependsOn", "DependsOn=\(parent) is not a valid probe ID: \(Identifier.rule)")
        }
        var check: ProbeCheck?
        switch kind {
        case nil:
            reader.fail("Kind", "[Probe] needs Kind= (one of: \(keysByKind.keys.sorted().joined(separator: ", ")))")
        case "http":
            check = readHTTP(&reader)
        case "tcp":
            check = readTCP(&reader)
        case "smtp":
            check = readSMTP(&reader)
        case let other?:
            reader.fail("Kind", "Kind=\(other) is not a probe kind (one of: \(keysByKind.keys.sorted().joined(separator: ", ")))")
        }
        errors += reader.errors
        guard let id, let name, let check, reader.errors.isEmpty else { return nil }
        return ProbeDefinition(
            id: id, name: name, check: check, system: system, critical: critical, interval: interval,
            timeout: timeout, retryInterval: retry,
            policy: DetectionPolicy(failuresToDown: failures, successesToUp: successes), dependsOn: dependsOn,
            verifyTLS: verifyTLS, maxLatency: maxLatency, isReference: isReference,
            flapPolicy: flapDetection
                ? FlapDetector.Policy(window: flapWindow, high: Double(flapHigh), low: Double(min(flapLow, flapHigh - 1)))
                : nil,
            source: SourceLocation(file: file, line: section.line))
    }

    private static func readHTTP(_ reader: inout SectionReader) -> ProbeCheck? {
        guard let urlText = reader.string("URL", required: true) else { return nil }
        let url: Endpoint
        do {
            url = try Endpoint(parsing: urlText, allowedSchemes: ["http", "https"])
        } catch {
            reader.fail("URL", "URL=\(urlText): \(error.message)")
            return nil
        }
        let method = (reader.string("Method") ?? "GET").uppercased()
        if !["GET", "HEAD"].contains(method) {
            reader.fail("Method", "Method=\(method) is not GET or HEAD (probes never change anything)")
        }
        var statuses: Set<Int> = [200]
        if let text = reader.string("ExpectStatus") {
            statuses = []
            for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
                let bounds = item.split(separator: "-").map { Int($0) }
                if bounds.count == 1, let code = bounds[0], (100...599).contains(code) {
                    statuses.insert(code)
                } else if bounds.count == 2, let low = bounds[0], let high = bounds[1], 100 <= low, low <= high,
                          high <= 599 {
                    statuses.formUnion(low...high)
                } else {
                    reader.fail("ExpectStatus", "ExpectStatus=\(text): '\(item)' is not a status code or range (e.g. 200 or 200-299)")
                }
            }
        }
        let body = reader.string("ExpectBody")
        if method == "HEAD" && body != nil {
            reader.fail("ExpectBody", "ExpectBody= cannot be checked with Method=HEAD (no body is fetched)")
        }
        return .http(HTTPCheck(url: url, method: method, expectStatus: statuses, expectBody: body))
    }

    private static func readTCP(_ reader: inout SectionReader) -> ProbeCheck? {
        guard let urlText = reader.string("URL", required: true) else { return nil }
        do {
            return .tcp(try Endpoint(parsing: urlText, allowedSchemes: ["tcp"]))
        } catch {
            reader.fail("URL", "URL=\(urlText): \(error.message)")
            return nil
        }
    }

    private static func readSMTP(_ reader: inout SectionReader) -> ProbeCheck? {
        guard let urlText = reader.string("URL", required: true) else { return nil }
        let url: Endpoint
        do {
            url = try Endpoint(parsing: urlText, allowedSchemes: ["smtp", "smtps"])
        } catch {
            reader.fail("URL", "URL=\(urlText): \(error.message)")
            return nil
        }
        return .smtp(SMTPCheck(url: url, requireTLS: reader.boolean("RequireTLS") ?? true))
    }

    /// Duplicate IDs, unknown or circular DependsOn=.
    static func checkReferences(_ probes: [ProbeDefinition], declared: [(id: String, source: SourceLocation)],
                                errors: inout [ConfigurationError]) {
        var firstPlace: [String: SourceLocation] = [:]
        for (id, source) in declared {
            if let first = firstPlace[id] {
                errors.append(ConfigurationError(file: source.file, line: source.line,
                                                 message: "duplicate probe ID '\(id)' (first defined at \(first))"))
            } else {
                firstPlace[id] = source
            }
        }
        var byID: [String: ProbeDefinition] = [:]
        for probe in probes where byID[probe.id] == nil { byID[probe.id] = probe }
        for probe in byID.values.sorted(by: { $0.id < $1.id }) {
            let here = probe.source ?? SourceLocation(file: "?", line: 0)
            for parent in probe.dependsOn where firstPlace[parent] == nil {
                errors.append(ConfigurationError(file: here.file, line: here.line,
                                                 message: "probe '\(probe.id)' DependsOn=\(parent), which is not a probe ID"))
            }
            // Walk up the parents; coming back to this probe is a cycle.
            var seen: Set<String> = []
            var frontier = probe.dependsOn
            while let next = frontier.popLast() {
                if next == probe.id {
                    errors.append(ConfigurationError(file: here.file, line: here.line,
                                                     message: "probe '\(probe.id)' depends on itself through DependsOn="))
                    break
                }
                if seen.insert(next).inserted { frontier += byID[next]?.dependsOn ?? [] }
            }
        }
    }
}
