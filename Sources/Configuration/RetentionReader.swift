public import Monitoring

/// Reads `[Retention]` in courtwatch.conf:
/// ```
/// [Retention]
/// RawSamples=90d       # failed samples with their evidence, notification attempts
/// MinuteRollups=1d     # then folded into hours
/// HourRollups=90d      # then folded into days
/// DayRollups=1095d
/// IncidentLog=1095d    # resolved incidents and their timelines, transitions, staff reports, daemon/prober marks
/// StaffEntries=1095d   # a person's own entries, counted from their newest entry
/// ```
enum RetentionReader {
    static let keys = ["RawSamples", "MinuteRollups", "HourRollups", "DayRollups", "IncidentLog", "StaffEntries"]

    static func read(_ keyFile: KeyFile, errors: inout [ConfigurationError]) -> RetentionPolicy {
        var policy = RetentionPolicy()
        for section in keyFile.sections where section.name == "Retention" {
            var reader = SectionReader(file: keyFile.path, section: section, knownKeys: Set(keys))
            func days(_ key: String, minimum: Int64) -> Duration? {
                guard let duration = reader.duration(key, maximum: .seconds(100 * 365 * 86_400)) else { return nil }
                guard duration >= .seconds(minimum * 86_400) else {
                    reader.fail(key, "\(key)= must be at least \(minimum) day\(minimum == 1 ? "" : "s")")
                    return nil
                }
                return duration
            }
            policy.rawSamples = days("RawSamples", minimum: 1) ?? policy.rawSamples
            policy.minuteRollups = days("MinuteRollups", minimum: 1) ?? policy.minuteRollups
            policy.hourRollups = days("HourRollups", minimum: 1) ?? policy.hourRollups
            policy.dayRollups = days("DayRollups", minimum: 1) ?? policy.dayRollups
            // Working-time records must be kept two years (WTR reg 9); incidents back them.
            policy.incidentLog = days("IncidentLog", minimum: 730) ?? policy.incidentLog
            policy.staffEntries = days("StaffEntries", minimum: 730) ?? policy.staffEntries
            if policy.hourRollups < policy.minuteRollups {
                reader.fail("HourRollups", "HourRollups= is shorter than MinuteRollups=; rollups would vanish early")
            }
            errors += reader.errors
        }
        return policy
    }
}
