public import Monitoring

/// Everything a per-person outage report shows, computed from values only (no I/O): the renderers turn it
/// into HTML, CSV, JSON or PDF and the command signs the bytes.
public struct UserReport: Sendable {
    /// One incident that met the person's working time.
    public struct IncidentRow: Sendable, Equatable {
        public var incident: AccountableIncident
        /// The incident's systems that the person uses.
        public var systems: [String]
        public var category: AccountingRules.Category
        /// Working minutes inside the incident (and the period), UNKNOWN gaps removed.
        public var workingMinutes: Int64
        /// Working minutes inside the incident when courtwatch could not see.
        public var unknownMinutes: Int64
        /// Minutes of the incident inside the period, working time or not.
        public var durationMinutes: Int64
        /// What the person logged as lost against this incident, if anything.
        public var selfLoggedMinutes: Int?
    }

    public struct SystemTotal: Sendable, Equatable {
        public var system: String
        public var lostMinutes: Int64
        public var degradedMinutes: Int64
    }

    public struct Totals: Sendable, Equatable {
        public var incidents = 0
        /// Incidents counted as lost time (the rest were degraded service or planned maintenance).
        public var outages = 0
        public var lostMinutes: Int64 = 0
        public var degradedMinutes: Int64 = 0
        public var plannedMinutes: Int64 = 0
        public var unknownMinutes: Int64 = 0
        /// Time-lost entries that match no incident, in minutes (included in `hoursLostMinutes`).
        public var unmatchedSelfLoggedMinutes: Int64 = 0
        public var contractedMinutes: Int64 = 0
        public var extraMinutes: Int64 = 0
        public var costPence = 0
        public var deadlinesAtRisk = 0
        public var deadlinesMissed = 0
        public var healthAndSafetyFlags = 0

        /// Hours lost as the report states them: outage working time plus unmatched self-logged time.
        public var hoursLostMinutes: Int64 { lostMinutes + unmatchedSelfLoggedMinutes }

        /// Hours lost as a percentage of contracted hours, one decimal place ("3.9").
        public var percentOfContracted: String {
            guard contractedMinutes > 0 else { return "0.0" }
            let tenths = (hoursLostMinutes * 1000 + contractedMinutes / 2) / contractedMinutes
            return "\(tenths / 10).\(tenths % 10)"
        }
    }

    public var member: StaffMember
    /// First and last day, in the person's time zone, and the instants they span.
    public var firstDay: CivilDate
    public var lastDay: CivilDate
    public var period: TimeSpan
    public var rows: [IncidentRow]
    public var entries: [StaffEntry]
    public var totals: Totals
    public var bySystem: [SystemTotal]
    public var rules: AccountingRules
    public var generatedAt: Timestamp
    /// The person's zone: every time on the report is printed in it.
    public var zone: any ZoneOffsets

    /// `Mon 30 Mar 2026 09:15` in the person's zone.
    public func localText(_ instant: Timestamp) -> String {
        let local = instant.millisecondsSinceEpoch + zone.offsetMilliseconds(at: instant)
        let day = CivilDate(daysSinceEpoch: local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000)
        let minute = Int((local - day.daysSinceEpoch * 86_400_000) / 60_000)
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(names[day.weekday - 1]) \(day.day) \(months[day.month - 1]) \(day.year) "
            + "\(two(minute / 60)):\(two(minute % 60))"
    }

    /// Hours to enter as a workload (WMT-style) reduction: hours lost, one decimal place.
    public var workloadReductionHours: String { Hours.text(totals.hoursLostMinutes) }
}

/// Minutes shown as hours with one decimal place, rounded half up, without floating point.
public enum Hours {
    public static func text(_ minutes: Int64) -> String {
        let tenths = (minutes * 10 + 30) / 60
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `2 h 05 min`, `45 min`.
    public static func clock(_ minutes: Int64) -> String {
        guard minutes >= 60 else { return "\(minutes) min" }
        let rest = minutes % 60
        return "\(minutes / 60) h " + (rest < 10 ? "0" : "") + "\(rest) min"
    }
}
