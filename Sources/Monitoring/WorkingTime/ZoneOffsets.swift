/// A time zone as working-time arithmetic needs it: the UTC offset in force at an instant, and when it next
/// changes. Between two transitions local time is UTC plus a constant, which is what lets overlap be computed
/// span by span instead of minute by minute.
public protocol ZoneOffsets: Sendable {
    /// Local time minus UTC at `instant`, in milliseconds (+3,600,000 for British Summer Time).
    func offsetMilliseconds(at instant: Timestamp) -> Int64
    /// The first instant strictly after `instant` at which the offset changes, or nil if it never does.
    func nextTransition(after instant: Timestamp) -> Timestamp?
}

/// A zone that never changes its offset: UTC, or tests.
public struct FixedOffsetZone: ZoneOffsets {
    public let offsetMilliseconds: Int64

    public init(offsetMinutes: Int = 0) {
        offsetMilliseconds = Int64(offsetMinutes) * 60_000
    }

    public func offsetMilliseconds(at instant: Timestamp) -> Int64 { offsetMilliseconds }
    public func nextTransition(after instant: Timestamp) -> Timestamp? { nil }
}

/// The European Union summer-time rule (in force across Europe since 1996): clocks go forward one hour at
/// 01:00 UTC on the last Sunday of March and back at 01:00 UTC on the last Sunday of October. With a
/// standard offset of zero this is Europe/London; tests check it against the system time-zone database.
public struct EuropeanSummerTime: ZoneOffsets {
    public let standardOffsetMilliseconds: Int64

    /// Europe/London: GMT in winter, BST (UTC+1) in summer.
    public static let london = EuropeanSummerTime(standardOffsetMinutes: 0)

    public init(standardOffsetMinutes: Int) {
        standardOffsetMilliseconds = Int64(standardOffsetMinutes) * 60_000
    }

    public func offsetMilliseconds(at instant: Timestamp) -> Int64 {
        let year = CivilDate(daysSinceEpoch: instant.millisecondsSinceEpoch.floorDividedBy(86_400_000).quotient).year
        let (start, end) = Self.summerTime(in: year)
        let inSummer = instant >= start && instant < end
        return standardOffsetMilliseconds + (inSummer ? 3_600_000 : 0)
    }

    public func nextTransition(after instant: Timestamp) -> Timestamp? {
        let year = CivilDate(daysSinceEpoch: instant.millisecondsSinceEpoch.floorDividedBy(86_400_000).quotient).year
        for candidateYear in year...(year + 1) {
            let (start, end) = Self.summerTime(in: candidateYear)
            if start > instant { return start }
            if end > instant { return end }
        }
        return nil
    }

    /// Summer time in `year`: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
    /// October.
    public static func summerTime(in year: Int) -> (start: Timestamp, end: Timestamp) {
        func lastSunday(month: Int) -> Timestamp {
            let last = CivilDate(year: year, month: month, day: 31)
            let sunday = last.daysSinceEpoch - Int64(last.weekday % 7)
            return Timestamp(millisecondsSinceEpoch: sunday * 86_400_000 + 3_600_000)
        }
        return (lastSunday(month: 3), lastSunday(month: 10))
    }
}
