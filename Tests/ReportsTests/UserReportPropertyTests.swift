import Monitoring
@testable import Reports
import TestSupport
import Testing

/// The report's totals against a minute-by-minute count: random incidents (outage, degraded, planned, on the
/// person's systems or not, at their site or not), UNKNOWN gaps and working patterns, over a fortnight that
/// includes a summer-time change.
@Suite struct UserReportPropertyTests {
    static let systems = ["common-platform", "libra", "cvp", "ndelius"]

    @Test(arguments: [UInt64(11), 12, 13])
    func totalsMatchAMinuteByMinuteCount(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        for round in 0..<6 {
            let year = Int.random(in: 2024...2028, using: &random)
            let change = Bool.random(using: &random) ? EuropeanSummerTime.summerTime(in: year).start
                : EuropeanSummerTime.summerTime(in: year).end
            let changeDay = CivilDate(daysSinceEpoch: change.millisecondsSinceEpoch / 86_400_000)
            let hours = try WeeklySchedule(parsing: Bool.random(using: &random) ? "Mon-Fri 08:00-16:30"
                                                : "Fri-Sun 21:00-07:00; Wed 10:00-14:00")
            let member = StaffMember(id: "p", name: "P", site: "mcr", role: "usher", workingHours: hours,
                                     extraSystems: ["cvp"])
            let pattern = WorkingPattern(hours: hours, zone: EuropeanSummerTime.london, holidays: .englandAndWales)
            let first = changeDay.adding(days: -7)
            let last = changeDay.adding(days: 6)
            let origin = pattern.zone.instant(localDate: first, minute: 0).millisecondsSinceEpoch / 60_000
            var incidents: [AccountableIncident] = []
            for id in 1...Int64.random(in: 1...12, using: &random) {
                let start = origin + Int64.random(in: -1440...(14 * 1440), using: &random)
                let length = Int64.random(in: 1...(Bool.random(using: &random) ? 240 : 3 * 1440), using: &random)
                let kind = Int.random(in: 0..<4, using: &random)
                incidents.append(AccountableIncident(
                    id: id, title: "i\(id)", site: Int.random(in: 0..<6, using: &random) == 0 ? "leeds" : "mcr",
                    systems: [Self.systems.randomElement(using: &random)!],
                    start: Timestamp(millisecondsSinceEpoch: start * 60_000),
                    end: Bool.random(using: &random) || id > 1
                        ? Timestamp(millisecondsSinceEpoch: (start + length) * 60_000) : nil,
                    kind: kind == 1 ? "flapping" : "down", impact: kind == 2 ? "minor" : "major", planned: kind == 3))
            }
            let unknown = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                let start = origin + Int64.random(in: 0...(14 * 1440), using: &random)
                return TimeSpan(startMilliseconds: start * 60_000,
                                endMilliseconds: (start + Int64.random(in: 1...600, using: &random)) * 60_000)
            }
            let report = UserReportBuilder.build(UserReportBuilder.Input(
                member: member, pattern: pattern, firstDay: first, lastDay: last, incidents: incidents,
                unknown: unknown, generatedAt: Timestamp(millisecondsSinceEpoch: 0)))

            var expected = (lost: Int64(0), degraded: Int64(0), planned: Int64(0), unknown: Int64(0))
            let period = report.period
            var minute = period.start.millisecondsSinceEpoch
            while minute < period.end.millisecondsSinceEpoch {
                let here = TimeSpan(startMilliseconds: minute, endMilliseconds: minute + 60_000)
                defer { minute += 60_000 }
                guard pattern.overlapMilliseconds(with: here) == 60_000 else { continue }
                let covering = incidents.filter { incident in
                    incident.site == "mcr" && incident.systems.contains(where: member.systems.contains)
                        && incident.start.millisecondsSinceEpoch <= minute
                        && (incident.end.map { $0.millisecondsSinceEpoch > minute } ?? true)
                }
                guard !covering.isEmpty else { continue }
                if unknown.contains(where: { $0.clamped(to: here) != nil }) {
                    expected.unknown += 1
                    continue
                }
                let categories = Set(covering.map { AccountingRules().category(of: $0) })
                if categories.contains(.lost) {
                    expected.lost += 1
                } else if categories.contains(.degraded) {
                    expected.degraded += 1
                } else {
                    expected.planned += 1
                }
            }
            let totals = report.totals
            #expect(totals.lostMinutes == expected.lost, "seed \(seed) round \(round)")
            #expect(totals.degradedMinutes == expected.degraded, "seed \(seed) round \(round)")
            #expect(totals.plannedMinutes == expected.planned, "seed \(seed) round \(round)")
            #expect(totals.unknownMinutes == expected.unknown, "seed \(seed) round \(round)")
        }
    }
}
