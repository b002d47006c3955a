@testable import Monitoring
import TestSupport
import Testing

/// Minute by minute, the slow obvious way: is this UTC minute inside a shift that started on a working day?
/// Written from the schedule's rules directly (not `shifts(startingOn:)` or the span arithmetic), so the
/// property tests compare two independent readings of the same definition.
func bruteForceMinutes(_ pattern: WorkingPattern, _ span: TimeSpan) -> Int64 {
    var count: Int64 = 0
    var minute = span.start.millisecondsSinceEpoch
    while minute < span.end.millisecondsSinceEpoch {
        let local = minute + pattern.zone.offsetMilliseconds(at: Timestamp(millisecondsSinceEpoch: minute))
        let (dayNumber, millisecondOfDay) = local.floorDividedBy(86_400_000)
        let minuteOfDay = Int(millisecondOfDay / 60_000)
        let today = CivilDate(daysSinceEpoch: dayNumber)
        let yesterday = CivilDate(daysSinceEpoch: dayNumber - 1)
        var working = false
        for rule in pattern.hours.rules {
            for range in rule.ranges {
                if range.start < range.end {
                    if rule.weekdays.contains(today.weekday), !pattern.isDayOff(today),
                       minuteOfDay >= range.start, minuteOfDay < range.end { working = true }
                } else {
                    if rule.weekdays.contains(today.weekday), !pattern.isDayOff(today),
                       minuteOfDay >= range.start { working = true }
                    if rule.weekdays.contains(yesterday.weekday), !pattern.isDayOff(yesterday),
                       minuteOfDay < range.end { working = true }
                }
            }
        }
        if working { count += 1 }
        minute += 60_000
    }
    return count
}

func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }
func span(_ start: String, _ end: String) -> TimeSpan { TimeSpan(start: at(start), end: at(end)) }
func date(_ text: String) -> CivilDate { CivilDate(iso8601: text)! }

@Suite struct WorkingTimeExamples {
    let office = try! WeeklySchedule(parsing: "Mon-Fri 09:00-17:00")

    @Test func anOutageBeforeWorkCountsOnlyFromTheStartOfTheDay() {
        let pattern = WorkingPattern(hours: office, zone: EuropeanSummerTime.london)
        // 08:00-10:00 BST on Monday 30 March 2026, the day after the clocks went forward.
        #expect(pattern.overlapMinutes(with: span("2026-03-30T07:00:00Z", "2026-03-30T09:00:00Z")) == 60)
        // The same UTC times in winter are 07:00-09:00 GMT: no working time at all.
        #expect(pattern.overlapMinutes(with: span("2026-03-23T07:00:00Z", "2026-03-23T09:00:00Z")) == 0)
    }

    @Test func theNightTheClocksGoForwardIsAnHourShorter() throws {
        let nights = WorkingPattern(hours: try WeeklySchedule(parsing: "Sat 22:00-06:00"), zone: EuropeanSummerTime.london)
        // Saturday 28 March 2026 22:00 GMT to Sunday 06:00 BST (05:00Z): seven hours worked.
        #expect(nights.overlapMinutes(with: span("2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z")) == 7 * 60)
        #expect(nights.workingSpans(in: span("2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z"))
            == [span("2026-03-28T22:00:00Z", "2026-03-29T05:00:00Z")])
    }

    @Test func theNightTheClocksGoBackIsAnHourLonger() throws {
        let nights = WorkingPattern(hours: try WeeklySchedule(parsing: "Sat 22:00-06:00"), zone: EuropeanSummerTime.london)
        // Saturday 24 October 2026 22:00 BST (21:00Z) to Sunday 06:00 GMT: nine hours, 01:00-02:00 twice.
        #expect(nights.overlapMinutes(with: span("2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z")) == 9 * 60)
        // An outage from 00:30 to 01:30 BST then on to 01:30 GMT covers the repeated hour: two hours.
        #expect(nights.overlapMinutes(with: span("2026-10-24T23:30:00Z", "2026-10-25T01:30:00Z")) == 120)
    }

    @Test func bankHolidaysAreNotWorked() {
        let pattern = WorkingPattern(hours: office, zone: EuropeanSummerTime.london, holidays: .englandAndWales)
        // Thursday 2 April 2026 12:00 BST to Tuesday 7 April 10:00 BST, over Easter: Thursday afternoon
        // (5 h) and Tuesday morning (1 h); Good Friday and Easter Monday are bank holidays.
        #expect(pattern.overlapMinutes(with: span("2026-04-02T11:00:00Z", "2026-04-07T09:00:00Z")) == 360)
    }

    @Test func leaveDaysAreNotWorkedAndPartTimeDaysOnlyTheirHours() throws {
        let partTime = try WeeklySchedule(parsing: "Mon,Tue 09:30-14:30; Thu 10:00-12:00")
        let pattern = WorkingPattern(hours: partTime, zone: EuropeanSummerTime.london,
                                     leave: [date("2026-11-16")...date("2026-11-16")])
        // The week of Monday 16 November 2026 (GMT): Monday on leave, Tuesday 5 h, Thursday 2 h.
        #expect(pattern.overlapMinutes(with: span("2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z")) == 7 * 60)
        #expect(pattern.weeklyMinutes == 12 * 60)
    }

    @Test func aShiftBelongsToTheDayItStarts() throws {
        let nights = WorkingPattern(hours: try WeeklySchedule(parsing: "Thu,Fri 22:00-06:00"), zone: FixedOffsetZone(),
                                    holidays: .englandAndWales)
        // Thursday 24 December 2026's shift runs into Christmas Day and is worked to its end; the shift that
        // would start on Christmas Day is not worked.
        #expect(nights.overlapMinutes(with: span("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z")) == 8 * 60)
    }

    @Test func partMinutesRoundToTheNearestMinute() {
        let pattern = WorkingPattern(hours: office, zone: FixedOffsetZone())
        let start = at("2026-11-17T09:00:00Z")
        #expect(pattern.overlapMilliseconds(with: TimeSpan(start: start, end: start + .seconds(89))) == 89_000)
        #expect(pattern.overlapMinutes(with: TimeSpan(start: start, end: start + .seconds(89))) == 1)
        #expect(pattern.overlapMinutes(with: TimeSpan(start: start, end: start + .seconds(91))) == 2)
    }

    @Test func summerTimeStartsAndEndsOnTheLastSundays() {
        let (start, end) = EuropeanSummerTime.summerTime(in: 2026)
        #expect(start == at("2026-03-29T01:00:00Z"))
        #expect(end == at("2026-10-25T01:00:00Z"))
        #expect(EuropeanSummerTime.summerTime(in: 2024).start == at("2024-03-31T01:00:00Z"))
        #expect(EuropeanSummerTime.summerTime(in: 2027).end == at("2027-10-31T01:00:00Z"))
        #expect(EuropeanSummerTime.london.nextTransition(after: at("2026-10-25T01:00:00Z")) == at("2027-03-28T01:00:00Z"))
    }

    @Test func spansSubtractAndMerge() {
        let whole = span("2026-01-01T00:00:00Z", "2026-01-01T10:00:00Z")
        #expect(whole.subtracting([span("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z")])
            == [span("2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z"), span("2026-01-01T03:00:00Z", "2026-01-01T10:00:00Z")])
        #expect(TimeSpan.union([span("2026-01-01T05:00:00Z", "2026-01-01T06:00:00Z"), whole]) == [whole])
    }
}

@Suite struct HolidayCalendarTests {
    @Test func shipsEnglandAndWalesWithSubstituteDays() {
        let holidays = HolidayCalendar.englandAndWales
        #expect(holidays.contains(date("2026-12-28")))  // Boxing Day 2026 is a Saturday
        #expect(!holidays.contains(date("2026-12-26")))
        #expect(holidays.contains(date("2024-03-29")))
        #expect(holidays.contains(date("2028-01-03")))
        for year in 2024...2028 {
            #expect(holidays.holidays.keys.filter { $0.year == year }.count == 8, "year \(year)")
        }
        #expect(holidays.holidays.keys.allSatisfy { $0.weekday <= 5 })
    }

    @Test func aSiteAddsClosuresAndRemovesHolidaysItWorks() {
        var holidays = HolidayCalendar.englandAndWales
        holidays.add(date("2026-12-24"), name: "Site closed")
        holidays.remove(date("2026-08-31"))
        #expect(holidays.contains(date("2026-12-24")))
        #expect(!holidays.contains(date("2026-08-31")))
    }

    @Test func rejectsBadLines() {
        #expect(HolidayCalendar(parsing: "2026-02-30 Not a day") == nil)
        #expect(HolidayCalendar(parsing: "# comment\n2026-02-27 Fine # trailing") != nil)
    }
}

/// Random patterns, outages, holidays and leave, clustered on the summer-time changes of 2024-2028.
@Suite struct WorkingTimeProperties {
    static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func clock(_ minute: Int) -> String {
        let hour = minute / 60
        let rest = minute % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    static func randomSchedule(_ random: inout SplitMix64) -> String {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in
            let days = dayNames.filter { _ in Bool.random(using: &random) }
            let dayText = days.isEmpty ? dayNames[Int.random(in: 0..<7, using: &random)] : days.joined(separator: ",")
            let ranges = (0..<Int.random(in: 1...2, using: &random)).map { _ in
                var start = Int.random(in: 0..<96, using: &random) * 15
                var end = Int.random(in: 0..<1440, using: &random)
                if Bool.random(using: &random) { start = Int.random(in: 18 * 60..<24 * 60, using: &random) }
                if Bool.random(using: &random) { end = Int.random(in: 0..<8 * 60, using: &random) }
                if start == end { end = (end + 1) % 1440 }
                return clock(start) + "-" + clock(end)
            }
            return dayText + " " + ranges.joined(separator: ",")
        }.joined(separator: "; ")
    }

    func check(zone: any ZoneOffsets, seed: UInt64, cases: Int) throws {
        var random = SplitMix64(state: seed)
        for index in 0..<cases {
            let scheduleText = Self.randomSchedule(&random)
            let year = Int.random(in: 2024...2028, using: &random)
            let change = Bool.random(using: &random) ? EuropeanSummerTime.summerTime(in: year).start
                : EuropeanSummerTime.summerTime(in: year).end
            let changeDay = CivilDate(daysSinceEpoch: change.millisecondsSinceEpoch / 86_400_000)
            var holidays = HolidayCalendar()
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                holidays.add(changeDay.adding(days: Int.random(in: -3...3, using: &random)), name: "random")
            }
            var leave: [ClosedRange<CivilDate>] = []
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let first = changeDay.adding(days: Int.random(in: -5...5, using: &random))
                leave.append(first...first.adding(days: Int.random(in: 0...3, using: &random)))
            }
            let pattern = WorkingPattern(hours: try WeeklySchedule(parsing: scheduleText), zone: zone,
                                         holidays: holidays, leave: leave)
            let startMinute = change.millisecondsSinceEpoch / 60_000 + Int64.random(in: -5 * 1440...3 * 1440, using: &random)
            let length = Int64.random(in: 0...(Bool.random(using: &random) ? 180 : 4 * 1440), using: &random)
            let outage = TimeSpan(startMilliseconds: startMinute * 60_000, endMilliseconds: (startMinute + length) * 60_000)
            let expected = bruteForceMinutes(pattern, outage)
            #expect(pattern.overlapMilliseconds(with: outage) == expected * 60_000,
                    "case \(index): '\(scheduleText)' \(outage) holidays \(holidays.holidays.keys.map(\.iso8601)) leave \(leave)")
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 0xC0FFEE])
    func spanArithmeticMatchesMinuteByMinuteAcrossSummerTimeChanges(seed: UInt64) throws {
        try check(zone: EuropeanSummerTime.london, seed: seed, cases: 150)
    }

    @Test func matchesInAFixedZoneAheadOfUTC() throws {
        try check(zone: FixedOffsetZone(offsetMinutes: 330), seed: 7, cases: 150)
    }

    @Test func weeklyMinutesCountOverlappingRangesOnce() throws {
        var random = SplitMix64(state: 99)
        for _ in 0..<100 {
            let pattern = WorkingPattern(hours: try WeeklySchedule(parsing: Self.randomSchedule(&random)), zone: FixedOffsetZone())
            let week = span("2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z")
            #expect(Int64(pattern.weeklyMinutes) == bruteForceMinutes(pattern, week))
        }
    }
}
