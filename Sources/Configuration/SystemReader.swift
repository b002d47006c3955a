public import Monitoring

/// `[System]` sections of site.conf: each system's business-continuity rules (issue #5).
///
/// ```
/// [System]
/// ID=common-platform                 # as in the probes' System=
/// Name=Common Platform
/// Criticality=critical               # critical, high, medium or low
/// RTO=30m                            # minutes down, in the hours that matter, before paper mode
/// MTPD=4h                            # past this the outage is MAJOR; must not be shorter than RTO
/// Hours=Mon-Fri 09:30-16:30          # business (the site's BusinessHours=), always, or a schedule
/// CriticalMoments=Mon-Fri 15:30 custody handover cut-off    # repeatable
/// AutoInvoke=no                      # yes: courtwatch invokes contingency itself
/// GreenFor=15m                       # probes green this long before stand-down counts them
/// ```
/// A system that has probes but no section gets `SystemContinuityRule.defaultRule`.
enum SystemReader {
    static let knownKeys: Set<String> = ["ID", "Name", "Criticality", "RTO", "MTPD", "Hours", "CriticalMoments",
                                         "AutoInvoke", "GreenFor"]

    static func read(_ section: KeyFile.Section, file: String, errors: inout [ConfigurationError])
        -> SystemContinuityRule?
    {
        var reader = SectionReader(file: file, section: section, knownKeys: knownKeys,
                                   repeatable: ["CriticalMoments"])
        let id = reader.identifier("ID", required: true)
        let name = reader.string("Name")
        var criticality = SystemCriticality.medium
        if let text = reader.string("Criticality") {
            if let value = SystemCriticality(rawValue: text.lowercased()) {
                criticality = value
            } else {
                reader.fail("Criticality", "Criticality=\(text) is not one of critical, high, medium, low")
            }
        }
        let week: Duration = .seconds(7 * 86_400)
        let rto = reader.duration("RTO", minimum: .seconds(60), maximum: week)
            ?? SystemContinuityRule.defaultRecoveryTimeObjective
        let mtpd = reader.duration("MTPD", minimum: .seconds(60), maximum: week)
            ?? SystemContinuityRule.defaultMaximumTolerableDisruption
        if rto > mtpd {
            reader.fail("RTO", "RTO=\(rto.configText) is longer than MTPD=\(mtpd.configText); the recovery time "
                        + "objective must sit inside the maximum tolerable period of disruption")
        }
        var hours = SystemHours.business
        if let text = reader.string("Hours") {
            switch text.lowercased() {
            case "business": hours = .business
            case "always": hours = .always
            default:
                do {
                    hours = .schedule(try WeeklySchedule(parsing: text))
                } catch {
                    reader.fail("Hours", "Hours=\(text): \(error.message) (or use business or always)")
                }
            }
        }
        var moments: [CriticalMoment] = []
        for entry in reader.all("CriticalMoments") {
            do {
                moments.append(try CriticalMoment(parsing: entry.value))
            } catch {
                reader.errors.append(ConfigurationError(file: file, line: entry.line,
                                                        message: "CriticalMoments=\(entry.value): \(error.message)"))
            }
        }
        let autoInvoke = reader.boolean("AutoInvoke") ?? false
        let greenFor = reader.duration("GreenFor", minimum: .seconds(0), maximum: .seconds(86_400))
            ?? SystemContinuityRule.defaultGreenFor
        errors += reader.errors
        guard let id, reader.errors.isEmpty else { return nil }
        return SystemContinuityRule(id: id, name: name, criticality: criticality, recoveryTimeObjective: rto,
                                    maximumTolerableDisruption: mtpd, hours: hours, criticalMoments: moments,
                                    autoInvoke: autoInvoke, greenFor: greenFor,
                                    source: SourceLocation(file: file, line: section.line))
    }

    /// Every `[System]` ID must be a system some probe names in `System=`, and appear once.
    static func checkReferences(_ rules: [SystemContinuityRule], probes: [ProbeDefinition],
                                errors: inout [ConfigurationError]) {
        let probed = Set(probes.compactMap(\.system))
        var seen: [String: SourceLocation] = [:]
        for rule in rules {
            let here = rule.source ?? SourceLocation(file: "site.conf", line: 0)
            if let first = seen[rule.id] {
                errors.append(ConfigurationError(
                    file: here.file, line: here.line,
                    message: "[System] ID=\(rule.id) is defined twice (first at line \(first.line))"))
                continue
            }
            seen[rule.id] = here
            if !probed.contains(rule.id) {
                let known = probed.isEmpty ? "none" : probed.sorted().joined(separator: ", ")
                errors.append(ConfigurationError(
                    file: here.file, line: here.line,
                    message: "[System] ID=\(rule.id) is not the System= of any probe (known: \(known))"))
            }
        }
    }
}

extension SiteConfiguration {
    /// The continuity rule of every system: its `[System]` section, or the default for systems that have
    /// probes but no section. Ordered by system ID.
    public var continuityRules: [SystemContinuityRule] {
        var rules = Dictionary(systems.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for probe in probes {
            guard let system = probe.system, rules[system] == nil || rules[system]?.source == nil else { continue }
            let critical = probe.critical || rules[system]?.criticality == .high
            rules[system] = SystemContinuityRule.defaultRule(for: system, hasCriticalProbe: critical)
        }
        return rules.values.sorted { $0.id < $1.id }
    }
}
