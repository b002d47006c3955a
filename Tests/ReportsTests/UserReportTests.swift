import Foundation
import Monitoring
@testable import Reports
import TestSupport
import Testing

func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }
func date(_ text: String) -> CivilDate { CivilDate(iso8601: text)! }

@Suite struct SystemTimeZoneTests {
    @Test func theSystemDatabaseAgreesWithTheEuropeanRuleForLondon() throws {
        let system = try #require(SystemTimeZone(identifier: "Europe/London"))
        var instant = at("2024-01-01T00:00:00Z")
        let end = at("2029-01-01T00:00:00Z")
        while instant < end {
            #expect(system.offsetMilliseconds(at: instant) == EuropeanSummerTime.london.offsetMilliseconds(at: instant),
                    "\(instant)")
            #expect(system.nextTransition(after: instant) == EuropeanSummerTime.london.nextTransition(after: instant),
                    "\(instant)")
            instant = instant + .seconds(3600 * 7)
        }
        #expect(SystemTimeZone(identifier: "Europe/Nowhere") == nil)
    }

    @Test func overlapIsTheSameThroughEitherZone() throws {
        let system = try #require(SystemTimeZone(identifier: "Europe/London"))
        let hours = try WeeklySchedule(parsing: "Mon-Fri 08:00-16:00; Sat 22:00-06:00")
        var random = SplitMix64(state: 42)
        for _ in 0..<300 {
            let start = at("2025-03-20T00:00:00Z").millisecondsSinceEpoch + Int64.random(in: 0...(230 * 86_400_000), using: &random)
            let span = TimeSpan(startMilliseconds: start, endMilliseconds: start + Int64.random(in: 0...(5 * 86_400_000), using: &random))
            #expect(WorkingPattern(hours: hours, zone: system, holidays: .englandAndWales).overlapMilliseconds(with: span)
                == WorkingPattern(hours: hours, zone: EuropeanSummerTime.london, holidays: .englandAndWales)
                    .overlapMilliseconds(with: span))
        }
    }
}

/// A legal adviser working Mon-Fri 09:00-17:00 in London, in November 2026 (GMT, no bank holidays).
@Suite struct UserReportBuilderTests {
    let member = StaffMember(id: "la-0042", name: "Sam <Patel>", site: "mcr", role: "legal-adviser", team: "crime",
                             workingHours: try! WeeklySchedule(parsing: "Mon-Fri 09:00-17:00"),
                             extraSystems: ["dcs"], leave: [date("2026-11-20")...date("2026-11-20")])

    func input(_ incidents: [AccountableIncident], unknown: [TimeSpan] = [], entries: [StaffEntry] = [])
        -> UserReportBuilder.Input {
        UserReportBuilder.Input(member: member, pattern: WorkingPattern(hours: member.workingHours, zone: EuropeanSummerTime.london,
                                                                       holidays: .englandAndWales, leave: member.leave),
                                firstDay: date("2026-11-01"), lastDay: date("2026-11-30"), incidents: incidents,
                                unknown: unknown, entries: entries, generatedAt: at("2026-12-01T09:00:00Z"))
    }

    func incident(_ id: Int64, _ systems: [String], _ start: String, _ end: String?, site: String = "mcr",
                  kind: String = "down", impact: String = "major", planned: Bool = false) -> AccountableIncident {
        AccountableIncident(id: id, title: "incident \(id)", site: site, systems: systems, start: at(start),
                            end: end.map(at), kind: kind, impact: impact, planned: planned)
    }

    @Test func simultaneousOutagesOnTwoSystemsCountOnceInTheTotal() {
        let report = UserReportBuilder.build(input([
            incident(1, ["common-platform"], "2026-11-10T08:00:00Z", "2026-11-10T12:30:00Z"),  // 09:00-12:30: 210
            incident(2, ["cjsm"], "2026-11-10T11:00:00Z", "2026-11-10T14:00:00Z"),  // 11:00-14:00: 180, 90 shared
        ]))
        #expect(report.rows.map(\.workingMinutes) == [210, 180])
        #expect(report.totals.lostMinutes == 300)
        #expect(report.bySystem.map(\.system) == ["common-platform", "cjsm"])
        // November 2026: 21 weekdays less one day of leave, 8 hours each.
        #expect(report.totals.contractedMinutes == 20 * 8 * 60)
        #expect(report.totals.percentOfContracted == "3.1")
        #expect(report.workloadReductionHours == "5.0")
    }

    @Test func plannedDegradedAndUnknownTimeAreKeptApartByDefault() {
        let report = UserReportBuilder.build(input([
            incident(1, ["libra"], "2026-11-11T09:00:00Z", "2026-11-11T10:00:00Z", planned: true),
            incident(2, ["cvp"], "2026-11-12T09:00:00Z", "2026-11-12T11:00:00Z", kind: "flapping", impact: "minor"),
            incident(3, ["dcs"], "2026-11-13T09:00:00Z", "2026-11-13T13:00:00Z"),
        ], unknown: [TimeSpan(start: at("2026-11-13T10:00:00Z"), end: at("2026-11-13T11:00:00Z"))]))
        #expect(report.totals.plannedMinutes == 60)
        #expect(report.totals.degradedMinutes == 120)
        #expect(report.totals.lostMinutes == 180)
        #expect(report.totals.unknownMinutes == 60)
        #expect(report.rows.map(\.category) == [.planned, .degraded, .lost])
        #expect((report.totals.incidents, report.totals.outages) == (3, 1))
        let strict = UserReportBuilder.build({
            var changed = input([incident(1, ["libra"], "2026-11-11T09:00:00Z", "2026-11-11T10:00:00Z", planned: true)])
            changed.rules = AccountingRules(plannedCountsAsLost: true)
            return changed
        }())
        #expect(strict.totals.lostMinutes == 60)
        #expect(strict.rules.printed.contains("Planned maintenance is counted as time lost."))
    }

    @Test func incidentsElsewhereOffTheirSystemsOrOutsideWorkingTimeAreLeftOut() {
        let report = UserReportBuilder.build(input([
            incident(1, ["ndelius"], "2026-11-10T09:00:00Z", "2026-11-10T10:00:00Z"),  // not their system
            incident(2, ["libra"], "2026-11-10T09:00:00Z", "2026-11-10T10:00:00Z", site: "leeds"),
            incident(3, ["libra"], "2026-11-10T18:00:00Z", "2026-11-10T20:00:00Z"),  // evening
            incident(4, ["libra"], "2026-11-20T09:00:00Z", "2026-11-20T17:00:00Z"),  // on leave
            incident(5, ["libra"], "2026-11-30T16:00:00Z", nil),  // still open: to the end of the period
        ]))
        #expect(report.rows.map(\.incident.id) == [5])
        #expect(report.rows.first?.workingMinutes == 60)
    }

    @Test func entriesAddUnmatchedTimeExtraHoursCostsAndDeadlines() {
        func entry(_ id: String, _ kind: StaffEntry.Kind, _ start: String, end: String? = nil, fields: [String: String],
                   incidents: [Int64] = []) -> StaffEntry {
            StaffEntry(id: id, staffID: member.id, kind: kind, at: at(start), end: end.map(at), systems: ["libra"],
                       fields: fields, incidentIDs: incidents, recordedAt: at(start))
        }
        let report = UserReportBuilder.build(input([
            incident(1, ["libra"], "2026-11-10T09:00:00Z", "2026-11-10T10:00:00Z"),
        ], entries: [
            entry("e1", .timeLost, "2026-11-10T09:00:00Z", fields: ["minutes": "75"], incidents: [1]),
            entry("e2", .timeLost, "2026-11-16T14:00:00Z", fields: ["minutes": "30"]),
            entry("e3", .extraHours, "2026-11-10T17:00:00Z", end: "2026-11-10T18:30:00Z", fields: ["claim": "toil"]),
            entry("e4", .cost, "2026-11-10T10:00:00Z", fields: ["amount": "4.20"]),
            entry("e5", .deadline, "2026-11-11T10:00:00Z", fields: ["status": "missed"]),
            entry("e6", .deadline, "2026-11-11T10:00:00Z", fields: ["status": "at-risk"]),
            entry("e7", .healthAndSafety, "2026-11-11T10:00:00Z", fields: ["note": "no risk flags visible"]),
        ]))
        #expect(report.rows.first?.selfLoggedMinutes == 75)
        #expect(report.totals.lostMinutes == 60)
        #expect(report.totals.unmatchedSelfLoggedMinutes == 30)
        #expect(report.totals.hoursLostMinutes == 90)
        #expect(report.totals.extraMinutes == 90)
        #expect(report.totals.costPence == 420)
        #expect((report.totals.deadlinesAtRisk, report.totals.deadlinesMissed) == (1, 1))
        #expect(report.totals.healthAndSafetyFlags == 1)
        let paragraph = AppraisalParagraph.text(for: report)
        #expect(paragraph.hasPrefix("Between 1 November 2026 and 30 November 2026, IT failures removed 1.5 hours (0.9%) of my contracted time, across 1 outage on the systems I use, mostly libra (1.0 hours)."))
        #expect(paragraph.contains("I worked 1.5 extra hours"))
        #expect(paragraph.contains("1 deadline was put at risk and 1 was missed."))
        #expect(paragraph.contains("£4.20"))
        let notice = ForeseeabilityNotice.html(report, managerName: "T. Lead")
        #expect(notice.contains("To: T. Lead"))
        #expect(notice.contains("has not been sent"))
        #expect(notice.contains("no risk flags visible"))
    }

    @Test func anIncidentRecordedAfterTheEntryIsLinkedInTheReport() {
        let late = StaffEntry(id: "e1", staffID: member.id, kind: .timeLost, at: at("2026-11-10T09:30:00Z"),
                              end: at("2026-11-10T10:00:00Z"), systems: ["libra"], fields: ["minutes": "30"],
                              recordedAt: at("2026-11-10T10:00:00Z"))
        let report = UserReportBuilder.build(input([
            incident(1, ["libra"], "2026-11-10T09:00:00Z", "2026-11-10T10:00:00Z"),
            incident(2, ["cvp"], "2026-11-10T09:00:00Z", "2026-11-10T10:00:00Z"),
        ], entries: [late]))
        #expect(report.entries.first?.incidentIDs == [1])
        #expect(report.totals.unmatchedSelfLoggedMinutes == 0)
        #expect(report.rows.first?.selfLoggedMinutes == 30)
    }

    @Test func contractedHoursPerWeekOverrideThePattern() {
        var changed = input([])
        changed.member.contractedHoursPerWeek = 35
        // 30 days of 35 hours a week: 150 hours.
        #expect(UserReportBuilder.build(changed).totals.contractedMinutes == 150 * 60)
    }

    func sample() -> UserReport {
        UserReportBuilder.build(input([
            incident(7, ["common-platform"], "2026-11-10T08:00:00Z", "2026-11-10T12:30:00Z"),
        ]))
    }

    let provenance = ReportProvenance(eventCount: 2, eventsSHA256: String(repeating: "ab", count: 32), chainHeadSeq: 9,
                                      keyFingerprint: "f00d", verificationCommand: "openssl pkeyutl -verify ...")

    @Test func htmlEscapesNamesAndPrintsTheRulesAndVerificationLine() {
        let html = UserReportRenderer.html(sample(), provenance: provenance)
        #expect(html.contains("Sam &lt;Patel&gt;"))
        #expect(!html.contains("Sam <Patel>"))
        #expect(html.contains("Planned maintenance is shown in its own column"))
        #expect(html.contains("Rests on 2 failure-log events (SHA-256 abab"))
        #expect(html.contains("Tue 10 Nov 2026 08:00"))
        #expect(html.contains("<svg"))
    }

    @Test func jsonParsesAndCarriesTheTotals() throws {
        let text = UserReportRenderer.json(sample(), provenance: provenance)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["lost_minutes"] as? Int == 210)
        #expect((totals["hours_lost"] as? NSNumber)?.doubleValue == 3.5)
        #expect((object["incidents"] as? [Any])?.count == 1)
    }

    @Test func csvHasARowPerIncidentAndTheTotals() {
        let lines = UserReportRenderer.csv(sample(), provenance: provenance).split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("section,id,title_or_kind") == true)
        #expect(lines.contains { $0.hasPrefix("incident,7,incident 7,common-platform,2026-11-10T08:00:00.000Z") && $0.contains(",210,") })
        #expect(lines.contains { $0.hasPrefix("total,,Hours lost") })
    }

    @Test func pdfIsValidAndReadable() throws {
        let bytes = UserReportPDF.render(sample(), provenance: provenance)
        #expect(try PDFTools.check(bytes).code == 0)
        let text = try PDFTools.text(bytes)
        #expect(text.contains("IT failures and my working time"))
        #expect(text.contains("Workload reduction"))
    }
}

@Suite struct TeamAggregateTests {
    func report(team: String?, lost: Int64) -> UserReport {
        let member = StaffMember(id: UUID().uuidString.lowercased(), name: "x", site: "mcr", role: "usher", team: team,
                                 workingHours: try! WeeklySchedule(parsing: "Mon 09:00-10:00"))
        var built = UserReportBuilder.build(UserReportBuilder.Input(
            member: member, pattern: WorkingPattern(hours: member.workingHours, zone: FixedOffsetZone()),
            firstDay: date("2026-11-02"), lastDay: date("2026-11-02"), incidents: [], generatedAt: at("2026-11-03T00:00:00Z")))
        built.totals.lostMinutes = lost
        return built
    }

    @Test func teamsSmallerThanFiveArePooledOrWithheld() {
        let crime = (0..<5).map { _ in report(team: "crime", lost: 60) }
        let family = (0..<4).map { _ in report(team: "family", lost: 30) }
        let result = TeamAggregate.build(crime + family)
        #expect(result.rows == [TeamAggregate.Row(team: "crime", people: 5, lostMinutes: 300, contractedMinutes: 300)])
        #expect(result.withheldPeople == 4)
        let pooled = TeamAggregate.build(crime + family + [report(team: "civil", lost: 10)])
        #expect(pooled.rows.map(\.team) == ["crime", "other teams"])
        #expect(pooled.rows.last?.lostMinutes == 130)
        #expect(pooled.withheldPeople == 0)
    }
}
