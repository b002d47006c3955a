/// How long each category of the failure log is kept (`[Retention]` in courtwatch.conf). Defaults follow
/// the research notes (§5.3): raw probe data short, then aggregated; the site incident log three years.
public struct RetentionPolicy: Sendable, Hashable {
    /// Failed samples (`probe.failed` events with their evidence), UP↔SUSPECT transitions (a failed check the
    /// next one cleared) and notification attempts. Samples linked to an incident as evidence stay with it.
    public var rawSamples: Duration
    /// Per-minute rollups, then folded into hourly rollups.
    public var minuteRollups: Duration
    /// Hourly rollups, then folded into daily rollups.
    public var hourRollups: Duration
    /// Daily rollups.
    public var dayRollups: Duration
    /// The site incident log: incidents (resolved before the cutoff) with their timelines, transitions, staff
    /// reports, and the daemon's start/stop and prober offline/online marks (reports need them for UNKNOWN time).
    public var incidentLog: Duration
    /// A person's own entries: their personal details are erased (as `staff erase` does) once their newest
    /// entry is this old. The default follows the notes: at least three years after the last entry.
    public var staffEntries: Duration

    public static let day = Duration.seconds(86_400)

    public init(rawSamples: Duration = day * 90, minuteRollups: Duration = day, hourRollups: Duration = day * 90,
                dayRollups: Duration = day * 365 * 3, incidentLog: Duration = day * 365 * 3,
                staffEntries: Duration = day * 365 * 3) {
        self.rawSamples = rawSamples
        self.minuteRollups = minuteRollups
        self.hourRollups = hourRollups
        self.dayRollups = dayRollups
        self.incidentLog = incidentLog
        self.staffEntries = staffEntries
    }
}
