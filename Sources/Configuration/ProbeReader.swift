import Monitoring

/// Turns `[Probe]` sections into probe definitions.
enum ProbeReader {
    static let commonKeys: Set<String> = [
        "ID", "Name", "Kind", "System", "Critical", "Interval", "Timeout", "RetryInterval", "FailuresToDown",
        "SuccessesToUp", "DependsOn", "MaxLatency", "Reference", "FlapDetection", "FlapWindow",
        "FlapThresholdHigh", "FlapThresholdLow",
    ]
    static let keysByKind: [String: Set<String>] = [
        "http": ["URL", "Method", "ExpectStatus", "ExpectBody", "RejectBody", "ExpectBodyRegex", "RejectBodyRegex",
                 "Header", "CredentialsFile", "FollowRedirects", "CertExpiryWarn", "VerifyTLS", "CAFile"],
        "tcp": ["URL", "ExpectBanner"],
        "smtp": ["URL", "RequireTLS", "VerifyTLS", "CAFile", "CertExpiryWarn"],
        "imap": ["URL", "RequireTLS", "VerifyTLS", "CAFile", "CredentialsFile", "CertExpiryWarn"],
        "email-roundtrip": ["SubmitURL", "ReadURL", "CredentialsFile", "From", "To", "Deadline", "RequireTLS",
                            "VerifyTLS", "CAFile"],
        "dns": ["Server", "Query", "Type", "Expect", "ExpectRcode", "Compare"],
        "icmp": ["Host", "Count", "Spacing", "MaxLoss"],
        "heartbeat": ["Period", "Grace"],
        "user-reports": ["ReportsToOpen", "ReportWindow"],
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
        var reader = SectionReader(file: file, section: section, knownKeys: commonKeys.union(kindKeys),
                                   repeatable: ["Header"])
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
        let caFile = reader.string("CAFile")
        var expiryWarning: Duration? = .seconds(14 * 86_400)
        if let text = reader.string("CertExpiryWarn") {
            expiryWarning = BooleanText.parse(text) == false
                ? nil : reader.duration("CertExpiryWarn", minimum: .seconds(60), maximum: .seconds(365 * 86_400))
        }
        let maxLatency = reader.duration("MaxLatency", minimum: .milliseconds(1), maximum: .seconds(300))
        // An email round trip is judged against its Deadline= instead (checked with the kind's keys).
        if let maxLatency, maxLatency >= timeout, kind != "email-roundtrip" {
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
            check = readHTTP(&reader, probeFile: file)
        case "tcp":
            check = readTCP(&reader)
        case "smtp":
            check = readSMTP(&reader)
        case "imap":
            check = readIMAP(&reader, probeFile: file)
        case "email-roundtrip":
            check = readEmailRoundtrip(&reader, probeFile: file, maxLatency: maxLatency)
        case "dns":
            check = readDNS(&reader)
        case "icmp":
            check = readICMP(&reader)
        case "heartbeat":
            check = readHeartbeat(&reader)
        case "user-reports":
            check = readUserReports(&reader)
            if system == nil { reader.fail("Kind", "Kind=user-reports needs System= (the system staff report about)") }
        case let other?:
            reader.fail("Kind", "Kind=\(other) is not a probe kind (one of: \(keysByKind.keys.sorted().joined(separator: ", ")))")
        }
        errors += reader.errors
        guard let id, let name, let check, reader.errors.isEmpty else { return nil }
        var effectiveInterval = interval
        var policy = DetectionPolicy(failuresToDown: failures, successesToUp: successes)
        switch check {
        case .heartbeat(let heartbeat):
            // Checked once a period unless Interval= says otherwise; one silence is an outage.
            if !section.entries.contains(where: { $0.key == "Interval" }) { effectiveInterval = min(heartbeat.period, .seconds(60)) }
            policy = DetectionPolicy(failuresToDown: 1, successesToUp: 1)
        case .userReports:
            if !section.entries.contains(where: { $0.key == "Interval" }) { effectiveInterval = .seconds(60) }
            policy = DetectionPolicy(failuresToDown: 1, successesToUp: 1)
        case .emailRoundtrip:
            // Every run sends a real message; a 30 s default would fill the relay's logs.
            if !section.entries.contains(where: { $0.key == "Interval" }) { effectiveInterval = .seconds(300) }
            policy = DetectionPolicy(failuresToDown: 1, successesToUp: 1)
        default: break
        }
        var definition = ProbeDefinition(
            id: id, name: name, check: check, system: system, critical: critical, interval: effectiveInterval,
            timeout: timeout, retryInterval: retry, policy: policy, dependsOn: dependsOn,
            verifyTLS: verifyTLS, maxLatency: maxLatency, isReference: isReference,
            flapPolicy: flapDetection
                ? FlapDetector.Policy(window: flapWindow, high: Double(flapHigh), low: Double(min(flapLow, flapHigh - 1)))
                : nil,
            source: SourceLocation(file: file, line: section.line))
        definition.caFile = caFile
        definition.expectBanner = reader.string("ExpectBanner")
        if definition.expectBanner != nil, case .tcp(let endpoint) = check, !IPAddressText.isValid(endpoint.host) {
            errors.append(ConfigurationError(
                file: file, line: reader.line(of: "ExpectBanner"),
                message: "ExpectBanner= needs an IP address in URL= (courtwatch reads the banner itself and does not look names up on its loop)"))
            return nil
        }
        definition.certificateExpiryWarning = expiryWarning
        return definition
    }

    private static func readHTTP(_ reader: inout SectionReader, probeFile: String) -> ProbeCheck? {
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
        var statuses: StatusCodes = [200]
        if let text = reader.string("ExpectStatus") {
            statuses = StatusCodes([])
            for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
                let bounds = item.split(separator: "-").map { Int($0) }
                if bounds.count == 1, let code = bounds[0], (100...599).contains(code) {
                    statuses.insert(code...code)
                } else if bounds.count == 2, let low = bounds[0], let high = bounds[1], 100 <= low, low <= high,
                          high <= 599 {
                    statuses.insert(low...high)
                } else {
                    reader.fail("ExpectStatus", "ExpectStatus=\(text): '\(item)' is not a status code or range (e.g. 200 or 200-299)")
                }
            }
        }
        let body = reader.string("ExpectBody")
        let reject = reader.string("RejectBody")
        let expectPattern = reader.string("ExpectBodyRegex")
        let rejectPattern = reader.string("RejectBodyRegex")
        for (key, pattern) in [("ExpectBodyRegex", expectPattern), ("RejectBodyRegex", rejectPattern)] {
            guard let pattern else { continue }
            do {
                _ = try Regex(pattern)
            } catch {
                reader.fail(key, "\(key)=\(pattern) is not a valid regular expression: \(error)")
            }
        }
        if method == "HEAD" && (body != nil || reject != nil || expectPattern != nil || rejectPattern != nil) {
            reader.fail("Method", "the body cannot be checked with Method=HEAD (no body is fetched)")
        }
        var headers: [String] = []
        for entry in reader.all("Header") {
            let parts = entry.value.split(separator: ":", maxSplits: 1)
            let name = parts.first.map { $0.trimmed } ?? ""
            let isToken = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }
            if parts.count != 2 || !isToken {
                reader.errors.append(ConfigurationError(file: reader.file, line: entry.line,
                                                        message: "Header=\(entry.value) is not 'Name: value'"))
            } else if ["authorization", "cookie", "proxy-authorization"].contains(name.lowercased()) {
                reader.errors.append(ConfigurationError(
                    file: reader.file, line: entry.line,
                    message: "Header=\(name): secrets never go in a .probe file; use CredentialsFile="))
            } else {
                headers.append("\(name): \(parts[1].trimmed)")
            }
        }
        let credentials = readCredentials(&reader, probeFile: probeFile)
        let followRedirects = reader.boolean("FollowRedirects") ?? false
        return .http(HTTPCheck(url: url, method: method, expectStatus: statuses, expectBody: body, rejectBody: reject,
                               expectBodyPattern: expectPattern, rejectBodyPattern: rejectPattern, headers: headers,
                               credentials: credentials, followRedirects: followRedirects))
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

    /// `CredentialsFile=`, read and checked now so a bad file is a configuration error, not a failed probe.
    private static func readCredentials(_ reader: inout SectionReader, probeFile: String) -> Credentials? {
        guard let path = reader.string("CredentialsFile") else { return nil }
        do {
            return try CredentialsFile.read(path, relativeTo: probeFile)
        } catch {
            reader.fail("CredentialsFile", "CredentialsFile=\(path): \(error.message)")
            return nil
        }
    }

    private static func readIMAP(_ reader: inout SectionReader, probeFile: String) -> ProbeCheck? {
        guard let urlText = reader.string("URL", required: true) else { return nil }
        let url: Endpoint
        do {
            url = try Endpoint(parsing: urlText, allowedSchemes: ["imap", "imaps"])
        } catch {
            reader.fail("URL", "URL=\(urlText): \(error.message)")
            return nil
        }
        let credentials = readCredentials(&reader, probeFile: probeFile)
        let requireTLS = reader.boolean("RequireTLS") ?? true
        if credentials != nil && !requireTLS && url.scheme == "imap" {
            reader.fail("RequireTLS", "RequireTLS=no with CredentialsFile= would send the password in clear text")
        }
        return .imap(IMAPCheck(url: url, requireTLS: requireTLS, credentials: credentials))
    }

    private static func readEmailRoundtrip(_ reader: inout SectionReader, probeFile: String,
                                           maxLatency: Duration?) -> ProbeCheck? {
        func url(_ key: String, schemes: [String]) -> Endpoint? {
            guard let text = reader.string(key, required: true) else { return nil }
            do {
                return try Endpoint(parsing: text, allowedSchemes: schemes)
            } catch {
                reader.fail(key, "\(key)=\(text): \(error.message)")
                return nil
            }
        }
        let submitURL = url("SubmitURL", schemes: ["smtp", "smtps"])
        let readURL = url("ReadURL", schemes: ["imap", "imaps"])
        let credentials = readCredentials(&reader, probeFile: probeFile)
        if credentials == nil && reader.string("CredentialsFile") == nil {
            reader.fail("CredentialsFile", "Kind=email-roundtrip needs CredentialsFile= (the account that sends and reads the canary)")
        }
        var addresses: [String] = []
        for key in ["From", "To"] {
            guard let text = reader.string(key, required: true) else { continue }
            if MailAddress.isValid(text) {
                addresses.append(text)
            } else {
                reader.fail(key, "\(key)=\(text) is not a mail address (local@domain, no spaces or brackets)")
            }
        }
        let deadline = reader.duration("Deadline", minimum: .seconds(1), maximum: .seconds(86_400)) ?? .seconds(300)
        if let maxLatency, maxLatency >= deadline {
            reader.fail("MaxLatency", "MaxLatency=\(maxLatency.configText) must be less than Deadline=\(deadline.configText)")
        }
        let requireTLS = reader.boolean("RequireTLS") ?? true
        if !requireTLS {
            for case let url? in [submitURL, readURL] where url.scheme == "smtp" || url.scheme == "imap" {
                reader.fail("RequireTLS", "RequireTLS=no with \(url.scheme):// would send the password in clear text")
            }
        }
        guard let submitURL, let readURL, let credentials, addresses.count == 2 else { return nil }
        return .emailRoundtrip(EmailRoundtripCheck(submitURL: submitURL, readURL: readURL, credentials: credentials,
                                                   from: addresses[0], to: addresses[1], deadline: deadline,
                                                   requireTLS: requireTLS))
    }

    /// `host`, `host:port` or `[v6]:port`, where host is an IP address (courtwatch sends DNS itself).
    private static func resolver(_ text: String, key: String, _ reader: inout SectionReader) -> ResolverAddress? {
        var host = text
        var port = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                reader.fail(key, "\(key)=\(text) has an unterminated IPv6 address")
                return nil
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()), (1...65535).contains(value) else {
                    reader.fail(key, "\(key)=\(text): the port after ] is not 1-65535")
                    return nil
                }
                port = value
            }
        } else if text.filter({ $0 == ":" }).count == 1 {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let value = Int(parts[1]), (1...65535).contains(value) else {
                reader.fail(key, "\(key)=\(text): the port is not 1-65535")
                return nil
            }
            host = String(parts[0])
            port = value
        }
        guard IPAddressText.isValid(host) else {
            reader.fail(key, "\(key)=\(text): '\(host)' is not an IP address (the resolver must be given by address)")
            return nil
        }
        return ResolverAddress(host: host, port: port)
    }

    private static func readDNS(_ reader: inout SectionReader) -> ProbeCheck? {
        let serverText = reader.string("Server", required: true)
        let query = reader.string("Query", required: true)
        let typeText = (reader.string("Type") ?? "A").uppercased()
        let type = DNSCheck.RecordType(rawValue: typeText)
        if type == nil {
            reader.fail("Type", "Type=\(typeText) is not one of \(DNSCheck.RecordType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let query, !DNSName.isValid(query) {
            reader.fail("Query", "Query=\(query) is not a valid DNS name")
        }
        let rcode = (reader.string("ExpectRcode") ?? "NOERROR").uppercased()
        if !["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED"].contains(rcode) {
            reader.fail("ExpectRcode", "ExpectRcode=\(rcode) is not NOERROR, NXDOMAIN, SERVFAIL or REFUSED")
        }
        let server = serverText.flatMap { resolver($0, key: "Server", &reader) }
        let compare = reader.string("Compare").flatMap { resolver($0, key: "Compare", &reader) }
        guard let server, let query, let type else { return nil }
        return .dns(DNSCheck(server: server, query: query, type: type, expect: reader.string("Expect"),
                             expectRcode: rcode, compare: compare))
    }

    private static func readICMP(_ reader: inout SectionReader) -> ProbeCheck? {
        guard let host = reader.string("Host", required: true) else { return nil }
        guard IPAddressText.isValid(host) else {
            reader.fail("Host", "Host=\(host) is not an IP address (ICMP probes take an address, not a name)")
            return nil
        }
        let count = reader.integer("Count", range: 1...100) ?? 5
        let spacing = reader.duration("Spacing", minimum: .milliseconds(10), maximum: .seconds(10)) ?? .milliseconds(200)
        var maxLoss = 20
        if let text = reader.string("MaxLoss") {
            let digits = text.hasSuffix("%") ? String(text.dropLast()) : text
            if let value = Int(digits), (0...100).contains(value) {
                maxLoss = value
            } else {
                reader.fail("MaxLoss", "MaxLoss=\(text) is not a percentage from 0 to 100")
            }
        }
        return .icmp(ICMPCheck(host: host, count: count, spacing: spacing, maxLossPercent: maxLoss))
    }

    private static func readHeartbeat(_ reader: inout SectionReader) -> ProbeCheck? {
        guard let period = reader.duration("Period", minimum: .seconds(1), maximum: .seconds(31 * 86_400)) else {
            if reader.string("Period") == nil { reader.fail("Period", "[Probe] Kind=heartbeat needs Period=") }
            return nil
        }
        let grace = reader.duration("Grace", minimum: .zero, maximum: .seconds(31 * 86_400)) ?? .seconds(60)
        return .heartbeat(HeartbeatCheck(period: period, grace: grace))
    }

    private static func readUserReports(_ reader: inout SectionReader) -> ProbeCheck? {
        let count = reader.integer("ReportsToOpen", range: 1...1000) ?? 3
        let window = reader.duration("ReportWindow", minimum: .seconds(10), maximum: .seconds(86_400)) ?? .seconds(900)
        return .userReports(UserReportsCheck(reportsToOpen: count, window: window))
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
        var byID: [String: Int] = [:]
        for (index, probe) in probes.enumerated() where byID[probe.id] == nil { byID[probe.id] = index }
        for index in byID.values.sorted(by: { probes[$0].id < probes[$1].id }) {
            let probe = probes[index]
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
                if seen.insert(next).inserted { frontier += byID[next].map { probes[$0].dependsOn } ?? [] }
            }
        }
    }
}

/// A bare mail address as courtwatch accepts it in From= and To=: deliberately plain, since it goes into
/// SMTP commands and headers verbatim.
enum MailAddress {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, text.count <= 254 else { return false }
        let localAllowed = parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-/=?^_`{|}~.".contains($0)) }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        let domainAllowed = labels.count >= 1 && labels.allSatisfy { label in
            !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        return localAllowed && domainAllowed && !parts[0].hasPrefix(".") && !parts[0].hasSuffix(".")
    }
}
