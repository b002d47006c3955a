import Monitoring

/// `[Maintenance]` sections: planned work during which failures are logged as planned.
///
/// ```
/// [Maintenance]
/// Name=Common Platform release
/// Start=2026-11-28T07:00:00Z       # one-off: Start= and End=, ISO 8601 with a zone
/// End=2026-11-28T09:00:00Z
/// Weekly=Sun 02:00-05:00           # or recurring, in the site's TimeZone
/// Systems=common-platform          # in site.conf: which systems or Probes=; neither means the whole site
/// ```
enum MaintenanceReader {
    static func read(_ section: KeyFile.Section, file: String, scoped: Bool,
                     errors: inout [ConfigurationError]) -> MaintenanceWindow? {
        var known: Set<String> = ["Name", "Start", "End", "Weekly"]
        if !scoped { known.formUnion(["Systems", "Probes"]) }
        var reader = SectionReader(file: file, section: section, knownKeys: known)
        let name = reader.string("Name") ?? "planned maintenance"
        let start = reader.string("Start")
        let end = reader.string("End")
        let weekly = reader.string("Weekly")
        var timing: MaintenanceWindow.Timing?
        switch (start, end, weekly) {
        case (nil, nil, let text?):
            do {
                timing = .weekly(try WeeklySchedule(parsing: text))
            } catch {
                reader.fail("Weekly", "Weekly=\(text): \(error.message)")
            }
        case (let startText?, let endText?, nil):
            let startTime = Timestamp(iso8601: startText)
            let endTime = Timestamp(iso8601: endText)
            if startTime == nil {
                reader.fail("Start", "Start=\(startText) is not an ISO 8601 time with a zone, e.g. 2026-11-28T07:00:00Z")
            }
            if endTime == nil {
                reader.fail("End", "End=\(endText) is not an ISO 8601 time with a zone, e.g. 2026-11-28T09:00:00+00:00")
            }
            if let startTime, let endTime {
                if endTime <= startTime {
                    reader.fail("End", "End=\(endText) is not after Start=\(startText)")
                } else {
                    timing = .once(start: startTime, end: endTime)
                }
            }
        default:
            reader.fail("Start", "[Maintenance] needs either Start= and End=, or Weekly=")
        }
        let systems = Set(reader.list("Systems"))
        let probes = Set(reader.list("Probes"))
        errors += reader.errors
        guard let timing, reader.errors.isEmpty else { return nil }
        return MaintenanceWindow(name: name, timing: timing, probeIDs: probes, systems: systems,
                                 source: SourceLocation(file: file, line: section.line))
    }

    /// Probes= must name probes.
    static func checkReferences(_ windows: [MaintenanceWindow], probes: [ProbeDefinition],
                                declared: [(id: String, source: SourceLocation)], errors: inout [ConfigurationError]) {
        let ids = Set(declared.map(\.id))
        for window in windows {
            for id in window.probeIDs.sorted() where !ids.contains(id) {
                let here = window.source ?? SourceLocation(file: "?", line: 0)
                errors.append(ConfigurationError(file: here.file, line: here.line,
                                                 message: "[Maintenance] Probes=\(id) is not a probe ID"))
            }
        }
    }
}
