/// When one person works: weekly hours (`WorkingHours=`, the same syntax as a site's `BusinessHours=`) in their
/// own time zone, minus public holidays and their leave.
///
/// A shift belongs to the day it starts on: a `Sun 22:00-06:00` night shift starting on a holiday or a day
/// of leave is not worked at all, and one starting the evening before a holiday is worked to its end. Hours
/// are wall-clock hours, so the night the clocks go forward is an hour shorter and the night they go back an
/// hour longer, as the person experiences it.
public struct WorkingPattern: Sendable {
    public var hours: WeeklySchedule
    public var zone: any ZoneOffsets
    public var holidays: HolidayCalendar
    /// Whole days of leave, first and last day included.
    public var leave: [ClosedRange<CivilDate>]

    public init(hours: WeeklySchedule, zone: any ZoneOffsets, holidays: HolidayCalendar = HolidayCalendar(),
                leave: [ClosedRange<CivilDate>] = []) {
        self.hours = hours
        self.zone = zone
        self.holidays = holidays
        self.leave = leave
    }

    /// True when no shift starts on `date`: a holiday or a day of leave.
    public func isDayOff(_ date: CivilDate) -> Bool {
        holidays.contains(date) || leave.contains { $0.contains(date) }
    }

    /// How much of `span` falls in working time, in milliseconds.
    public func overlapMilliseconds(with span: TimeSpan) -> Int64 {
        workingSpans(in: span).reduce(0) { $0 + $1.milliseconds }
    }

    /// Whole minutes of `span` in working time (rounded to the nearest minute).
    public func overlapMinutes(with span: TimeSpan) -> Int64 {
        (overlapMilliseconds(with: span) + 30_000) / 60_000
    }

    /// The working time inside `span` as UTC spans, in order. The span is cut wherever the zone's offset
    /// changes; inside each piece local time is UTC plus a constant, so the local shifts of the days it
    /// touches can be shifted back to UTC and intersected directly.
    public func workingSpans(in span: TimeSpan) -> [TimeSpan] {
        guard !span.isEmpty else { return [] }
        var result: [TimeSpan] = []
        var pieceStart = span.start
        while pieceStart < span.end {
            var pieceEnd = span.end
            if let change = zone.nextTransition(after: pieceStart), change < pieceEnd { pieceEnd = change }
            let offset = zone.offsetMilliseconds(at: pieceStart)
            let local = TimeSpan(startMilliseconds: pieceStart.millisecondsSinceEpoch + offset,
                                 endMilliseconds: pieceEnd.millisecondsSinceEpoch + offset)
            for shift in localShifts(touching: local) {
                guard let inside = shift.clamped(to: local) else { continue }
                result.append(TimeSpan(startMilliseconds: inside.start.millisecondsSinceEpoch - offset,
                                       endMilliseconds: inside.end.millisecondsSinceEpoch - offset))
            }
            pieceStart = pieceEnd
        }
        return TimeSpan.union(result)
    }

    /// The shifts, in local wall-clock milliseconds (as if local time were UTC), that may meet `local`:
    /// those starting from the day before its first day (an overnight shift reaches in) to its last day.
    func localShifts(touching local: TimeSpan) -> [TimeSpan] {
        let day: Int64 = 86_400_000
        let firstDay = local.start.millisecondsSinceEpoch.floorDividedBy(day).quotient - 1
        let lastDay = (local.end.millisecondsSinceEpoch - 1).floorDividedBy(day).quotient
        var shifts: [TimeSpan] = []
        for dayNumber in firstDay...lastDay {
            let date = CivilDate(daysSinceEpoch: dayNumber)
            guard !isDayOff(date) else { continue }
            for range in hours.shifts(startingOn: date.weekday) {
                let midnight = dayNumber * day
                let end = range.crossesMidnight ? day + Int64(range.end) * 60_000 : Int64(range.end) * 60_000
                shifts.append(TimeSpan(startMilliseconds: midnight + Int64(range.start) * 60_000,
                                       endMilliseconds: midnight + end))
            }
        }
        return TimeSpan.union(shifts)
    }

    /// Working minutes in an ordinary week with no holidays or leave, from the pattern alone. Measured over
    /// one UTC week: the pattern repeats weekly, so what an overnight shift carries out of the week equals
    /// what the previous week's carries in, and overlapping ranges count once.
    public var weeklyMinutes: Int {
        let monday = CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch * 86_400_000
        let week = TimeSpan(startMilliseconds: monday, endMilliseconds: monday + 7 * 86_400_000)
        return Int(WorkingPattern(hours: hours, zone: FixedOffsetZone()).overlapMilliseconds(with: week) / 60_000)
    }
}

extension WeeklySchedule {
    /// The time ranges of shifts that start on `weekday` (1 = Monday), overnight ones included.
    public func shifts(startingOn weekday: Int) -> [MinuteRange] {
        rules.filter { $0.weekdays.contains(weekday) }.flatMap(\.ranges)
    }
}
