import Continuity
import Foundation
import Monitoring
import Testing

/// Europe/London from the system time-zone database, as the daemon's SiteLocalTime does it.
struct LondonTime: LocalTimeConverter {
    let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        return calendar
    }()

    func weekdayAndMinute(at time: Timestamp) -> (weekday: Int, minute: Int) {
        let parts = calendar.dateComponents([.weekday, .hour, .minute],
                                            from: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000))
        return (((parts.weekday ?? 1) + 5) % 7 + 1, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }
}

func utc(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

@Suite struct ContinuityPolicyTests {
    static let business = try! WeeklySchedule(parsing: "Mon-Fri 08:00-18:00")
    static let sitting = try! WeeklySchedule(parsing: "Mon-Fri 09:30-16:30")

    static let commonPlatform = SystemContinuityRule(
        id: "common-platform", name: "Common Platform", criticality: .critical, recoveryTimeObjective: .seconds(1800),
        maximumTolerableDisruption: .seconds(4 * 3600), hours: .schedule(sitting),
        criticalMoments: [try! CriticalMoment(parsing: "Mon-Fri 15:30 custody handover cut-off")])
    static let cjsm = SystemContinuityRule(
        id: "cjsm", name: "CJSM", criticality: .critical, recoveryTimeObjective: .seconds(3600),
        maximumTolerableDisruption: .seconds(6 * 3600))
    static let dcs = SystemContinuityRule(id: "dcs", name: "DCS", criticality: .medium)
    static let printing = SystemContinuityRule(id: "printing", name: "Printing", criticality: .low)

    let policy = ContinuityPolicy(rules: [commonPlatform, cjsm, dcs, printing], businessHours: business,
                                  localTime: LondonTime())

    func down(_ system: String, since: String, id: Int64 = 1, planned: Bool = false,
              impact: ContinuityIncident.Impact = .major, intermittent: Bool = false) -> ContinuityIncident {
        ContinuityIncident(id: id, title: "\(system) is down", systems: [system], impact: impact, planned: planned,
                           intermittent: intermittent, startedAt: utc(since))
    }

    @Test func noOpenIncidentIsNormal() {
        let result = policy.recommend(incidents: [], at: utc("2026-11-23T10:00:00Z"))
        #expect(result.level == .normal)
        #expect(result.reasons == ["No open incident affects this site's systems (NORMAL)"])
    }

    @Test func aCriticalSystemDownPastItsRTODuringSittingHoursMeansPaper() {
        // Monday 23 November 2026, GMT: 10:00 to 10:42.
        let result = policy.recommend(incidents: [down("common-platform", since: "2026-11-23T10:00:00Z")],
                                      at: utc("2026-11-23T10:42:00Z"))
        #expect(result.level == .contingency)
        #expect(result.findings.first?.rule == "R7")
        #expect(result.reasons == [
            "Common Platform has been down for 42 minutes during its hours (Mon-Fri 09:30-16:30); its RTO is "
                + "30 minutes: switch to paper (CONTINGENCY)",
        ])
        #expect(result.systems == ["common-platform"])
        #expect(result.autoInvokeSystems.isEmpty)
    }

    @Test func insideTheRTOItIsDegradedAndSaysWhenPaperModeIsDue() {
        let result = policy.recommend(incidents: [down("common-platform", since: "2026-11-23T10:00:00Z")],
                                      at: utc("2026-11-23T10:12:00Z"))
        #expect(result.level == .degraded)
        #expect(result.findings.first?.rule == "R6")
        #expect(result.reasons.first?.contains("paper mode is due at 10:30 when its RTO of 30 minutes is reached") == true)
    }

    @Test func aManualClockSeesTheLevelRiseAtTheRTOAndTheMTPD() {
        let incident = down("common-platform", since: "2026-11-23T10:00:00Z")
        var levels: [(minute: Int, level: ContinuityLevel)] = []
        var previous: ContinuityLevel?
        for minute in 0...300 {
            let now = utc("2026-11-23T10:00:00Z") + .seconds(Int64(minute) * 60)
            let level = policy.recommend(incidents: [incident], at: now).level
            if level != previous { levels.append((minute, level)) }
            previous = level
        }
        // 10:00 degraded, 10:30 paper, 14:00 past the 4-hour MTPD.
        #expect(levels.map(\.minute) == [0, 30, 240])
        #expect(levels.map(\.level) == [.degraded, .contingency, .major])
    }

    @Test func plannedMaintenanceNeverCountsTowardPaperMode() {
        let planned = down("common-platform", since: "2026-11-23T10:00:00Z", planned: true)
        let inHours = policy.recommend(incidents: [planned], at: utc("2026-11-23T15:00:00Z"))
        #expect(inHours.level == .degraded)
        #expect(inHours.findings.first?.rule == "R2")
        #expect(inHours.reasons.first?.contains("planned maintenance does not count toward paper mode") == true)
        let evening = policy.recommend(incidents: [planned], at: utc("2026-11-23T19:00:00Z"))
        #expect(evening.level == .watch)
    }

    @Test func outsideItsHoursADownSystemIsOnlyWatchedAndTheRTOClockWaits() {
        // Down from 16:20 on Friday 27 November: 10 sitting minutes before 16:30.
        let incident = down("common-platform", since: "2026-11-27T16:20:00Z")
        let saturday = policy.recommend(incidents: [incident], at: utc("2026-11-28T11:00:00Z"))
        #expect(saturday.level == .watch)
        #expect(saturday.findings.first?.rule == "R11")
        #expect(saturday.reasons.first?.contains("paper mode is due at Mon 09:50") == true)
        // Monday 09:49: 10 + 19 minutes counted, still inside the 30-minute RTO.
        #expect(policy.recommend(incidents: [incident], at: utc("2026-11-30T09:49:00Z")).level == .degraded)
        #expect(policy.recommend(incidents: [incident], at: utc("2026-11-30T09:50:00Z")).level == .contingency)
    }

    @Test func aCriticalMomentBeforeTheRTOMeansPaperNow() {
        // Down since 15:05; the RTO would be reached at 15:35, after the 15:30 custody handover cut-off.
        let incident = down("common-platform", since: "2026-11-23T15:05:00Z")
        let result = policy.recommend(incidents: [incident], at: utc("2026-11-23T15:10:00Z"))
        #expect(result.level == .contingency)
        #expect(result.findings.first?.rule == "R8")
        #expect(result.reasons.first == "custody handover cut-off is at 15:30, before Common Platform's RTO of "
                + "30 minutes would be reached, and Common Platform is down: switch to paper now (CONTINGENCY)")
        // Down since 14:00 and past the cut-off: R7 as usual; at 14:05, the cut-off is far away: R6.
        #expect(policy.recommend(incidents: [down("common-platform", since: "2026-11-23T14:00:00Z")],
                                 at: utc("2026-11-23T14:05:00Z")).findings.first?.rule == "R6")
    }

    @Test func severalSystemsTheWorstDecidesAndTwoCriticalOnesAreMajor() {
        let incidents = [
            down("common-platform", since: "2026-11-23T10:00:00Z", id: 1),
            down("dcs", since: "2026-11-23T10:30:00Z", id: 2),
            down("printing", since: "2026-11-23T10:35:00Z", id: 3),
        ]
        let one = policy.recommend(incidents: incidents, at: utc("2026-11-23T10:45:00Z"))
        #expect(one.level == .contingency)
        #expect(one.findings.map(\.system) == ["common-platform", "dcs", "printing"])
        #expect(one.findings.map(\.level) == [.contingency, .degraded, .watch])
        #expect(one.findings.map(\.rule) == ["R7", "R5", "R4"])

        let two = policy.recommend(incidents: incidents + [down("cjsm", since: "2026-11-23T09:00:00Z", id: 4)],
                                   at: utc("2026-11-23T10:45:00Z"))
        #expect(two.level == .major)
        #expect(two.findings.first?.rule == "R10")
        #expect(two.reasons.first == "2 critical systems need paper mode at once (CJSM, Common Platform): "
                + "escalate to regional level; judicial decision on listing (MAJOR)")
    }

    @Test func oneIncidentAcrossSeveralSystemsCountsForEach() {
        let outage = ContinuityIncident(id: 9, title: "Site network down", systems: ["common-platform", "cjsm"],
                                        startedAt: utc("2026-11-23T09:00:00Z"))
        let result = policy.recommend(incidents: [outage], at: utc("2026-11-23T10:30:00Z"))
        #expect(result.level == .major)
        #expect(Set(result.findings.compactMap(\.incidentID)) == [9])
    }

    @Test func intermittentMinorNoneAndUnnamedIncidents() {
        let now = utc("2026-11-23T11:00:00Z")
        let flapping = down("common-platform", since: "2026-11-23T09:00:00Z", intermittent: true)
        #expect(policy.recommend(incidents: [flapping], at: now).findings.first?.rule == "R3")
        #expect(policy.recommend(incidents: [flapping], at: now).level == .degraded)
        let minor = down("common-platform", since: "2026-11-23T09:00:00Z", impact: .minor)
        #expect(policy.recommend(incidents: [minor], at: now).level == .degraded)
        let none = down("common-platform", since: "2026-11-23T09:00:00Z", impact: .none)
        #expect(policy.recommend(incidents: [none], at: now).level == .normal)
        let unnamed = ContinuityIncident(id: 4, title: "Lifts out", systems: [], startedAt: now)
        let result = policy.recommend(incidents: [unnamed], at: now)
        #expect(result.level == .watch)
        #expect(result.reasons == ["Incident #4 \"Lifts out\" is open with no system named: tell IT operations and "
                                   + "the site lead (WATCH)"])
    }

    @Test func aSystemNoRuleNamesGetsTheDefaultAndNeverPaperMode() {
        let result = policy.recommend(incidents: [down("xhibit", since: "2026-11-23T08:00:00Z")],
                                      at: utc("2026-11-23T12:00:00Z"))
        #expect(result.level == .degraded)
        #expect(result.findings.first?.rule == "R5")
    }

    @Test func autoInvokeSystemsAreNamedOnlyInPaperMode() {
        var rule = Self.commonPlatform
        rule.autoInvoke = true
        let automatic = ContinuityPolicy(rules: [rule], businessHours: Self.business, localTime: LondonTime())
        let incident = down("common-platform", since: "2026-11-23T10:00:00Z")
        #expect(automatic.recommend(incidents: [incident], at: utc("2026-11-23T10:10:00Z")).autoInvokeSystems == [])
        #expect(automatic.recommend(incidents: [incident], at: utc("2026-11-23T10:31:00Z")).autoInvokeSystems
                == ["common-platform"])
    }

    @Test func bankHolidaysAreNotInHoursSoTheRTOClockWaitsForTheNextWorkingDay() {
        // CJSM (business hours Mon-Fri 08:00-18:00, RTO 1 h) down from 10:00 on Friday 25 December 2026
        // (Christmas Day); Monday 28 December is the substitute Boxing Day. At 10:30 on Tuesday 29th it has
        // been down 30 minutes of business time: still inside its RTO.
        let holidays = ContinuityPolicy(rules: [Self.cjsm], businessHours: Self.business, localTime: LondonTime(),
                                        holidays: .englandAndWales)
        let incident = down("cjsm", since: "2026-12-25T10:00:00Z")
        let tuesday = holidays.recommend(incidents: [incident], at: utc("2026-12-29T08:30:00Z"))
        #expect(tuesday.level == .degraded, "\(tuesday.reasons)")
        #expect(tuesday.reasons.first?.contains("30 minutes") == true, "\(tuesday.reasons)")
        let christmas = holidays.recommend(incidents: [incident], at: utc("2026-12-25T14:00:00Z"))
        #expect(christmas.level == .watch, "on the holiday itself it is outside its hours: \(christmas.reasons)")
        // Without the calendar the same outage passed its RTO on Christmas Day.
        let ignoring = policy.recommend(incidents: [incident], at: utc("2026-12-25T14:00:00Z"))
        #expect(ignoring.level >= .contingency)
    }

    @Test func businessHoursFollowBritishSummerTimeAcrossTheSpringChange() {
        // Clocks go forward at 01:00 UTC on Sunday 29 March 2026. Down from 17:00 GMT on Friday 27 March (one
        // business hour). Monday 08:30 BST is 07:30 UTC: with daylight saving, 30 more minutes have counted.
        let rule = SystemContinuityRule(id: "cjsm", name: "CJSM", criticality: .critical,
                                        recoveryTimeObjective: .seconds(85 * 60))
        let bst = ContinuityPolicy(rules: [rule], businessHours: Self.business, localTime: LondonTime())
        let incident = down("cjsm", since: "2026-03-27T17:00:00Z")
        let monday = bst.recommend(incidents: [incident], at: utc("2026-03-30T07:30:00Z"))
        #expect(monday.level == .contingency)
        #expect(monday.reasons.first?.hasPrefix("CJSM has been down for 1 hour 30 minutes during business hours") == true)
        // Read with a fixed GMT offset, 07:30 would still be before opening: a clock without DST gets it wrong.
        let naive = ContinuityPolicy(rules: [rule], businessHours: Self.business, localTime: FixedOffsetTime())
        #expect(naive.recommend(incidents: [incident], at: utc("2026-03-30T07:30:00Z")).level == .watch)
    }

    @Test func criticalMomentsOnDaylightSavingSundays() {
        let rule = SystemContinuityRule(
            id: "network", name: "Site network", criticality: .critical, recoveryTimeObjective: .seconds(3600),
            hours: .always, criticalMoments: [try! CriticalMoment(parsing: "Sun 01:30 overnight custody export")])
        let sunday = ContinuityPolicy(rules: [rule], businessHours: nil, localTime: LondonTime())
        // Spring (29 March 2026): 01:30 local never happens, so no moment; the RTO time is read in BST.
        let spring = sunday.recommend(incidents: [down("network", since: "2026-03-29T00:40:00Z")],
                                      at: utc("2026-03-29T00:50:00Z"))
        #expect(spring.findings.first?.rule == "R6")
        #expect(spring.reasons.first?.contains("paper mode is due at 02:40") == true)
        // Autumn (25 October 2026): 01:30 happens twice, first at 00:30 UTC (BST), then at 01:30 UTC (GMT).
        let first = sunday.recommend(incidents: [down("network", since: "2026-10-25T00:10:00Z")],
                                     at: utc("2026-10-25T00:20:00Z"))
        #expect(first.findings.first?.rule == "R8")
        let second = sunday.recommend(incidents: [down("network", since: "2026-10-25T01:05:00Z")],
                                      at: utc("2026-10-25T01:10:00Z"))
        #expect(second.findings.first?.rule == "R8")
        #expect(second.reasons.first?.hasPrefix("overnight custody export is at 01:30") == true)
    }

    @Test func durationsInWords() {
        #expect(ContinuityPolicy.words(.seconds(60)) == "1 minute")
        #expect(ContinuityPolicy.words(.seconds(3600)) == "1 hour")
        #expect(ContinuityPolicy.words(.seconds(4 * 3600 + 600)) == "4 hours 10 minutes")
    }
}
