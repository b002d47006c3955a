import Monitoring

/// Measures time in "the hours that matter" for one system, in the site's local time with daylight saving.
///
/// It walks UTC minutes and asks the converter for local time once per 15-minute block: every real UTC
/// offset (and every change of offset) falls on a quarter hour, so the local clock inside a block is the
/// block start plus k minutes. That keeps a week's walk to under 700 conversions.
struct HoursClock {
    let localTime: any LocalTimeConverter
    /// nil: every minute counts.
    let schedule: WeeklySchedule?
    /// Bank holidays (site calendar): no minute of these local dates is in a schedule's hours.
    var holidays = HolidayCalendar()

    static let minute: Int64 = 60_000
    static let block: Int64 = 15 * 60_000
    /// The furthest any walk goes: a week back or ahead is more than any RTO or MTPD allows.
    static let horizon: Int64 = 8 * 86_400_000

    func contains(_ time: Timestamp) -> Bool {
        guard schedule != nil else { return true }
        let local = localTime.weekdayAndMinute(at: time)
        let date = Self.localDate(utc: time.millisecondsSinceEpoch, localWeekday: local.weekday)
        return inHours(weekday: local.weekday, minute: local.minute, date: date)
    }

    /// Whether a local minute counts: inside the schedule and not on a bank holiday.
    func inHours(weekday: Int, minute: Int, date: CivilDate) -> Bool {
        guard let schedule else { return true }
        return schedule.contains(weekday: weekday, minute: minute) && !holidays.contains(date)
    }

    /// The local date of a UTC instant, from its local weekday: local time is within a day of UTC, so the
    /// weekday says whether the local date is the UTC date, the day after or the day before.
    static func localDate(utc milliseconds: Int64, localWeekday: Int) -> CivilDate {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds + 1) / 86_400_000 - 1
        let utcWeekday = CivilDate(daysSinceEpoch: days).weekday
        switch (localWeekday - utcWeekday + 7) % 7 {
        case 1: return CivilDate(daysSinceEpoch: days + 1)
        case 6: return CivilDate(daysSinceEpoch: days - 1)
        default: return CivilDate(daysSinceEpoch: days)
        }
    }

    /// Calls `body` with each UTC minute start from the minute holding `start` up to `end` (exclusive), and
    /// that minute's local weekday, minute of day and date; stops when `body` returns false.
    func walk(from start: Int64, to end: Int64, _ body: (Int64, Int, Int, CivilDate) -> Bool) {
        var minuteStart = start - ((start % Self.minute) + Self.minute) % Self.minute
        var weekday = 0
        var minuteOfDay = 0
        var date = CivilDate(daysSinceEpoch: 0)
        var synced = false
        while minuteStart < end {
            if !synced || minuteStart % Self.block == 0 {
                let local = localTime.weekdayAndMinute(at: Timestamp(millisecondsSinceEpoch: minuteStart))
                weekday = local.weekday
                minuteOfDay = local.minute
                date = Self.localDate(utc: minuteStart, localWeekday: weekday)
                synced = true
            }
            if !body(minuteStart, weekday, minuteOfDay, date) { return }
            minuteOfDay += 1
            if minuteOfDay == 1440 {
                minuteOfDay = 0
                date = date.adding(days: 1)
                weekday = weekday % 7 + 1
            }
            minuteStart += Self.minute
        }
    }

    /// How much of [start, end) falls in the hours; looks back at most `horizon`.
    func counted(from start: Timestamp, to end: Timestamp) -> Duration {
        let lower = max(start.millisecondsSinceEpoch, end.millisecondsSinceEpoch - Self.horizon)
        let upper = end.millisecondsSinceEpoch
        guard upper > lower else { return .zero }
        guard schedule != nil else { return .milliseconds(upper - lower) }
        var total: Int64 = 0
        walk(from: lower, to: upper) { minuteStart, weekday, minute, date in
            if inHours(weekday: weekday, minute: minute, date: date) {
                total += min(upper, minuteStart + Self.minute) - max(lower, minuteStart)
            }
            return true
        }
        return .milliseconds(total)
    }

    /// The instant at which `amount` more time in the hours will have passed after `start`; nil past the horizon.
    func instant(after start: Timestamp, whenCounted amount: Duration) -> Timestamp? {
        var remaining = amount.milliseconds
        if remaining <= 0 { return start }
        let from = start.millisecondsSinceEpoch
        guard schedule != nil else { return start + amount }
        var result: Int64?
        walk(from: from, to: from + Self.horizon) { minuteStart, weekday, minute, date in
            guard inHours(weekday: weekday, minute: minute, date: date) else { return true }
            let usable = minuteStart + Self.minute - max(from, minuteStart)
            if usable >= remaining {
                result = max(from, minuteStart) + remaining
                return false
            }
            remaining -= usable
            return true
        }
        return result.map(Timestamp.init(millisecondsSinceEpoch:))
    }

    /// The first of `moments` strictly after `start` and at or before `end`, with when it falls.
    func firstMoment(_ moments: [CriticalMoment], after start: Timestamp, through end: Timestamp)
        -> (moment: CriticalMoment, at: Timestamp)?
    {
        guard !moments.isEmpty, end > start else { return nil }
        var found: (CriticalMoment, Timestamp)?
        walk(from: start.millisecondsSinceEpoch + 1, to: end.millisecondsSinceEpoch + 1) { minuteStart, day, minute, _ in
            guard minuteStart > start.millisecondsSinceEpoch else { return true }
            if let moment = moments.first(where: { $0.minute == minute && $0.weekdays.contains(day) }) {
                found = (moment, Timestamp(millisecondsSinceEpoch: minuteStart))
                return false
            }
            return true
        }
        return found.map { (moment: $0.0, at: $0.1) }
    }
}
