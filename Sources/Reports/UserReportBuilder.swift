public import Monitoring

/// Builds a `UserReport` from a person, their working pattern, the incidents on their systems, the UNKNOWN
/// gaps and their own entries.
public enum UserReportBuilder {
    public struct Input: Sendable {
        public var member: StaffMember
        public var pattern: WorkingPattern
        public var firstDay: CivilDate
        public var lastDay: CivilDate
        public var incidents: [AccountableIncident]
        public var unknown: [TimeSpan]
        public var entries: [StaffEntry]
        public var rules: AccountingRules
        public var generatedAt: Timestamp

        public init(member: StaffMember, pattern: WorkingPattern, firstDay: CivilDate, lastDay: CivilDate,
                    incidents: [AccountableIncident], unknown: [TimeSpan] = [], entries: [StaffEntry] = [],
                    rules: AccountingRules = AccountingRules(), generatedAt: Timestamp) {
            self.member = member
            self.pattern = pattern
            self.firstDay = firstDay
            self.lastDay = lastDay
            self.incidents = incidents
            self.unknown = unknown
            self.entries = entries
            self.rules = rules
            self.generatedAt = generatedAt
        }

        /// From local midnight starting `firstDay` to local midnight ending `lastDay`, in the person's zone.
        public var period: TimeSpan {
            TimeSpan(start: pattern.zone.instant(localDate: firstDay, minute: 0),
                     end: pattern.zone.instant(localDate: lastDay.adding(days: 1), minute: 0))
        }
    }

    public static func build(_ original: Input) -> UserReport {
        var input = original
        input.entries = linked(input.entries, to: input.incidents, site: input.member.site)
        let period = input.period
        let systems = Set(input.member.systems)
        let unknown = TimeSpan.union(input.unknown)
        var rows: [UserReport.IncidentRow] = []
        var spansByCategory: [AccountingRules.Category: [TimeSpan]] = [:]
        var spansBySystem: [String: [AccountingRules.Category: [TimeSpan]]] = [:]
        var unknownSpans: [TimeSpan] = []
        let selfLogged = selfLoggedMinutesByIncident(input.entries)
        for incident in input.incidents.sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
            let mine = incident.systems.filter { systems.contains($0) }
            guard incident.site == input.member.site, !mine.isEmpty,
                  let inside = TimeSpan(start: incident.start, end: incident.end ?? period.end).clamped(to: period)
            else { continue }
            let working = input.pattern.workingSpans(in: inside)
            let seen = working.flatMap { $0.subtracting(unknown) }
            let blind = working.compactMap { span in unknown.compactMap { span.clamped(to: $0) } }.flatMap { $0 }
            let seenMinutes = minutes(of: seen)
            let unknownMinutes = minutes(of: blind)
            guard seenMinutes > 0 || unknownMinutes > 0 else { continue }
            let category = input.rules.category(of: incident)
            spansByCategory[category, default: []] += seen
            for system in mine { spansBySystem[system, default: [:]][category, default: []] += seen }
            unknownSpans += blind
            rows.append(UserReport.IncidentRow(
                incident: incident, systems: mine, category: category, workingMinutes: seenMinutes,
                unknownMinutes: unknownMinutes, durationMinutes: (inside.milliseconds + 30_000) / 60_000,
                selfLoggedMinutes: selfLogged[incident.id]))
        }
        var totals = UserReport.Totals()
        totals.incidents = rows.count
        totals.outages = rows.filter { $0.category == .lost }.count
        let lost = TimeSpan.union(spansByCategory[.lost] ?? [])
        let degraded = TimeSpan.union(spansByCategory[.degraded] ?? []).flatMap { $0.subtracting(lost) }
        let planned = TimeSpan.union(spansByCategory[.planned] ?? []).flatMap { $0.subtracting(lost + degraded) }
        totals.lostMinutes = minutes(of: lost)
        totals.degradedMinutes = minutes(of: degraded)
        totals.plannedMinutes = minutes(of: planned)
        totals.unknownMinutes = minutes(of: TimeSpan.union(unknownSpans))
        addEntryTotals(input.entries, period: period, into: &totals)
        totals.contractedMinutes = contractedMinutes(input, period: period)
        let bySystem = spansBySystem.keys.sorted().map { system in
            UserReport.SystemTotal(
                system: system, lostMinutes: minutes(of: TimeSpan.union(spansBySystem[system]?[.lost] ?? [])),
                degradedMinutes: minutes(of: TimeSpan.union(spansBySystem[system]?[.degraded] ?? [])))
        }.sorted { ($0.lostMinutes, $0.degradedMinutes) > ($1.lostMinutes, $1.degradedMinutes) }
        return UserReport(member: input.member, firstDay: input.firstDay, lastDay: input.lastDay, period: period,
                          rows: rows, entries: input.entries.sorted { ($0.at, $0.id) < ($1.at, $1.id) },
                          totals: totals, bySystem: bySystem, rules: input.rules, generatedAt: input.generatedAt,
                          zone: input.pattern.zone)
    }

    /// Entries with their links refreshed: an incident back-recorded after the entry was logged is linked too,
    /// by the same rule as at logging time (same site, a shared system, overlapping time).
    static func linked(_ entries: [StaffEntry], to incidents: [AccountableIncident], site: String) -> [StaffEntry] {
        entries.map { entry in
            var entry = entry
            let span = entry.span
            for incident in incidents where incident.site == site && !entry.incidentIDs.contains(incident.id)
                && incident.systems.contains(where: entry.systems.contains)
                && incident.start < span.end && (incident.end.map { $0 > span.start } ?? true) {
                entry.incidentIDs.append(incident.id)
            }
            entry.incidentIDs.sort()
            return entry
        }
    }

    /// Whole minutes in `spans` (summed in milliseconds, then rounded to the nearest minute).
    static func minutes(of spans: [TimeSpan]) -> Int64 {
        (spans.reduce(Int64(0)) { $0 + $1.milliseconds } + 30_000) / 60_000
    }

    static func selfLoggedMinutesByIncident(_ entries: [StaffEntry]) -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        for entry in entries where entry.kind == .timeLost && !entry.erased {
            guard let minutes = entry.minutes else { continue }
            for incident in entry.incidentIDs { result[incident, default: 0] += minutes }
        }
        return result
    }

    static func addEntryTotals(_ entries: [StaffEntry], period: TimeSpan, into totals: inout UserReport.Totals) {
        for entry in entries where !entry.erased && entry.at >= period.start && entry.at < period.end {
            switch entry.kind {
            case .timeLost:
                if entry.incidentIDs.isEmpty { totals.unmatchedSelfLoggedMinutes += Int64(entry.minutes ?? 0) }
            case .extraHours:
                if let end = entry.end {
                    totals.extraMinutes += (end.millisecondsSinceEpoch - entry.at.millisecondsSinceEpoch) / 60_000
                }
            case .cost:
                totals.costPence += entry.amountPence ?? 0
            case .deadline:
                if entry.fields["status"] == "missed" {
                    totals.deadlinesMissed += 1
                } else {
                    totals.deadlinesAtRisk += 1
                }
            case .healthAndSafety:
                totals.healthAndSafetyFlags += 1
            case .managerNotified, .helpdeskTicket:
                break
            }
        }
    }

    /// ContractedHoursPerWeek x the period's length in weeks when given, else the pattern's working time in
    /// the period (holidays and leave already excluded).
    static func contractedMinutes(_ input: Input, period: TimeSpan) -> Int64 {
        if let hours = input.member.contractedHoursPerWeek {
            let days = input.lastDay.daysSinceEpoch - input.firstDay.daysSinceEpoch + 1
            return Int64((hours * 60 * Double(days) / 7).rounded())
        }
        return (input.pattern.overlapMilliseconds(with: period) + 30_000) / 60_000
    }
}
