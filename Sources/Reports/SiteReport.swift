public import Monitoring

/// One incident as the site failure-log report lists it.
public struct SiteReportIncident: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var systems: [String]
    public var kind: String
    public var impact: String
    public var planned: Bool
    /// probe, manual or back-recorded.
    public var origin: String
    public var recordedBy: String?
    public var source: String?
    public var status: String
    public var start: Timestamp
    /// Nil while open; counted to the end of the period (or now, if sooner).
    public var end: Timestamp?
    /// The timeline in words, oldest first ("09:12 identified by J. Ops: supplier SSO fault").
    public var notes: [String]
    public var tickets: [String]

    public init(id: Int64, title: String, systems: [String], kind: String, impact: String, planned: Bool, origin: String,
                recordedBy: String?, source: String?, status: String, start: Timestamp, end: Timestamp?,
                notes: [String], tickets: [String]) {
        self.id = id
        self.title = title
        self.systems = systems
        self.kind = kind
        self.impact = impact
        self.planned = planned
        self.origin = origin
        self.recordedBy = recordedBy
        self.source = source
        self.status = status
        self.start = start
        self.end = end
        self.notes = notes
        self.tickets = tickets
    }

    var accountable: AccountableIncident {
        AccountableIncident(id: id, title: title, site: "", systems: systems, start: start, end: end, kind: kind,
                            impact: impact, planned: planned)
    }
}

/// The site failure-log report for managers and union reps: every incident in a period with its duration
/// and the part inside business hours, totals per system and per month, and the counting rules.
/// Computed from values only; the renderers turn it into HTML, CSV, JSON or PDF.
public struct SiteReport: Sendable {
    public struct Row: Sendable, Equatable {
        public var incident: SiteReportIncident
        public var category: AccountingRules.Category
        /// Minutes of the incident inside the period.
        public var minutes: Int64
        /// Of those, minutes inside business hours (holidays excluded), UNKNOWN gaps removed.
        public var businessMinutes: Int64
        /// Minutes inside the incident when courtwatch could not see.
        public var unknownMinutes: Int64
    }

    /// A total over incidents: per system, per month, or the whole period.
    public struct Total: Sendable, Equatable {
        public var key: String
        public var incidents = 0
        /// Business-hours minutes by column.
        public var lostMinutes: Int64 = 0
        public var degradedMinutes: Int64 = 0
        public var plannedMinutes: Int64 = 0
        /// All minutes, in or out of business hours, all columns.
        public var totalMinutes: Int64 = 0

        mutating func add(_ row: Row, businessMinutes: Int64, minutes: Int64) {
            incidents += 1
            totalMinutes += minutes
            switch row.category {
            case .lost: lostMinutes += businessMinutes
            case .degraded: degradedMinutes += businessMinutes
            case .planned: plannedMinutes += businessMinutes
            }
        }
    }

    public var site: SiteDefinition
    public var firstDay: CivilDate
    public var lastDay: CivilDate
    public var period: TimeSpan
    public var rows: [Row]
    public var bySystem: [Total]
    public var byMonth: [Total]
    public var totals: Total
    /// Business-hours minutes in the period when courtwatch could not see (prober offline, daemon stopped).
    public var unknownBusinessMinutes: Int64
    public var rules: [String]
    public var generatedAt: Timestamp

    public var backRecorded: [Row] { rows.filter { $0.incident.origin == "back-recorded" } }
}

/// Builds a `SiteReport` from incidents, the site's business hours and the UNKNOWN gaps.
public enum SiteReportBuilder {
    public struct Input: Sendable {
        public var site: SiteDefinition
        /// Business hours in the site's zone, with its holidays. A site without `BusinessHours=` counts every hour.
        public var businessHours: WorkingPattern
        public var firstDay: CivilDate
        public var lastDay: CivilDate
        public var incidents: [SiteReportIncident]
        public var unknown: [TimeSpan]
        public var rules: AccountingRules
        public var generatedAt: Timestamp

        public init(site: SiteDefinition, businessHours: WorkingPattern, firstDay: CivilDate, lastDay: CivilDate,
                    incidents: [SiteReportIncident], unknown: [TimeSpan] = [], rules: AccountingRules = AccountingRules(),
                    generatedAt: Timestamp) {
            self.site = site
            self.businessHours = businessHours
            self.firstDay = firstDay
            self.lastDay = lastDay
            self.incidents = incidents
            self.unknown = unknown
            self.rules = rules
            self.generatedAt = generatedAt
        }

        public var period: TimeSpan {
            TimeSpan(start: businessHours.zone.instant(localDate: firstDay, minute: 0),
                     end: businessHours.zone.instant(localDate: lastDay.adding(days: 1), minute: 0))
        }
    }

    public static func build(_ input: Input) -> SiteReport {
        let period = input.period
        let countedEnd = min(period.end, max(period.start, input.generatedAt))
        var rows: [SiteReport.Row] = []
        var bySystem: [String: SiteReport.Total] = [:]
        var byMonth: [String: SiteReport.Total] = [:]
        var totals = SiteReport.Total(key: "all")
        for incident in input.incidents.sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
            let end = incident.end ?? countedEnd
            guard let inside = TimeSpan(start: incident.start, end: end).clamped(to: period), !inside.isEmpty else {
                continue
            }
            let seen = inside.subtracting(input.unknown)
            let business = seen.reduce(Int64(0)) { $0 + input.businessHours.overlapMilliseconds(with: $1) }
            let unknown = inside.milliseconds - seen.reduce(Int64(0)) { $0 + $1.milliseconds }
            let row = SiteReport.Row(incident: incident, category: input.rules.category(of: incident.accountable),
                                     minutes: minutes(inside.milliseconds), businessMinutes: minutes(business),
                                     unknownMinutes: minutes(unknown))
            rows.append(row)
            totals.add(row, businessMinutes: row.businessMinutes, minutes: row.minutes)
            for system in incident.systems.isEmpty ? ["(no system)"] : incident.systems {
                bySystem[system, default: SiteReport.Total(key: system)]
                    .add(row, businessMinutes: row.businessMinutes, minutes: row.minutes)
            }
            // Each month gets the part of the incident that fell in it, in the site's local calendar.
            for (month, span) in months(of: inside, zone: input.businessHours.zone) {
                let part = span.subtracting(input.unknown)
                let partBusiness = part.reduce(Int64(0)) { $0 + input.businessHours.overlapMilliseconds(with: $1) }
                byMonth[month, default: SiteReport.Total(key: month)]
                    .add(row, businessMinutes: minutes(partBusiness), minutes: minutes(span.milliseconds))
            }
        }
        let unknownBusiness = input.unknown.compactMap { $0.clamped(to: period) }
            .reduce(Int64(0)) { $0 + input.businessHours.overlapMilliseconds(with: $1) }
        return SiteReport(
            site: input.site, firstDay: input.firstDay, lastDay: input.lastDay, period: period, rows: rows,
            bySystem: bySystem.values.sorted { ($0.lostMinutes, $1.key) > ($1.lostMinutes, $0.key) },
            byMonth: byMonth.values.sorted { $0.key < $1.key }, totals: totals,
            unknownBusinessMinutes: minutes(unknownBusiness), rules: rules(input), generatedAt: input.generatedAt)
    }

    static func minutes(_ milliseconds: Int64) -> Int64 { (milliseconds + 30_000) / 60_000 }

    /// `span` cut at local month boundaries, labelled `YYYY-MM`.
    static func months(of span: TimeSpan, zone: any ZoneOffsets) -> [(String, TimeSpan)] {
        var result: [(String, TimeSpan)] = []
        let startLocal = span.start.millisecondsSinceEpoch + zone.offsetMilliseconds(at: span.start)
        let day = CivilDate(daysSinceEpoch: startLocal >= 0 ? startLocal / 86_400_000 : (startLocal + 1) / 86_400_000 - 1)
        var month = CivilDate(year: day.year, month: day.month, day: 1)
        while true {
            let next = month.month == 12 ? CivilDate(year: month.year + 1, month: 1, day: 1)
                : CivilDate(year: month.year, month: month.month + 1, day: 1)
            let monthSpan = TimeSpan(start: zone.instant(localDate: month, minute: 0),
                                     end: zone.instant(localDate: next, minute: 0))
            if let part = span.clamped(to: monthSpan), !part.isEmpty {
                result.append((String(month.iso8601.prefix(7)), part))
            }
            if monthSpan.end >= span.end { break }
            month = next
        }
        return result
    }

    static func rules(_ input: Input) -> [String] {
        let hours = input.site.businessHours?.text ?? "every hour (no BusinessHours= in site.conf)"
        return [
            "Every incident overlapping the period is listed, whoever recorded it. Incidents recorded afterwards "
                + "from another source (the site's paper log, a supplier's notice) are marked back-recorded, with who "
                + "recorded them and from what source, and count like any other.",
            "Duration is the time from the first failed check (not the moment the failure was confirmed, so the "
                + "confirming retries never shorten an outage) to the confirmed recovery or the recorded resolution, "
                + "cut to the period. An incident still open counts to the end of the period or the time of the report.",
            "Business hours are \(hours) in \(input.site.timeZone) (daylight saving included), less the site's bank "
                + "holidays.",
            input.rules.plannedCountsAsLost
                ? "Planned maintenance counts as lost time."
                : "Planned maintenance is shown in its own column and is not counted as lost time.",
            input.rules.degradedCountsAsLost
                ? "Degraded service (intermittent or minor-impact incidents) counts as lost time."
                : "Degraded service (intermittent or minor-impact incidents) is shown in its own column and is not "
                    + "counted as lost time.",
            "When courtwatch could not see the systems (its own connection was down, or it was not running) the "
                + "state is UNKNOWN: that time is shown separately and not counted as outage. Outages during such gaps "
                + "appear only if someone back-recorded them.",
            "Per-system totals count an incident once for each system it affected; the overall total counts it once. "
                + "Per-month totals split an incident at midnight on the first of the month, site time.",
        ]
    }
}
