/// Turns an instant into the site's local weekday and minute of the day. The daemon supplies one backed
/// by the system time-zone database; tests use a fixed offset.
public protocol LocalTimeConverter: Sendable {
    /// 1 = Monday ... 7 = Sunday, and minutes after local midnight.
    func weekdayAndMinute(at time: Timestamp) -> (weekday: Int, minute: Int)
}

/// A converter with a fixed UTC offset (no daylight saving): for tests and UTC sites.
public struct FixedOffsetTime: LocalTimeConverter {
    public let offsetMinutes: Int

    public init(offsetMinutes: Int = 0) {
        self.offsetMinutes = offsetMinutes
    }

    public func weekdayAndMinute(at time: Timestamp) -> (weekday: Int, minute: Int) {
        let local = time.millisecondsSinceEpoch + Int64(offsetMinutes) * 60_000
        let (days, milliseconds) = local.floorDividedBy(86_400_000)
        return (CivilDate(daysSinceEpoch: days).weekday, Int(milliseconds / 60_000))
    }
}

/// Planned work: failures inside it are logged as planned and open no incident.
public struct MaintenanceWindow: Sendable, Hashable, CustomStringConvertible {
    public enum Timing: Sendable, Hashable {
        /// From `start` (inclusive) to `end` (exclusive).
        case once(start: Timestamp, end: Timestamp)
        /// Every week at these local hours.
        case weekly(WeeklySchedule)
    }

    public var name: String
    public var timing: Timing
    /// Probes it covers; with `systems` also empty, it covers the whole site.
    public var probeIDs: Set<String>
    public var systems: Set<String>
    public var source: SourceLocation?

    public init(name: String, timing: Timing, probeIDs: Set<String> = [], systems: Set<String> = [],
                source: SourceLocation? = nil) {
        self.name = name
        self.timing = timing
        self.probeIDs = probeIDs
        self.systems = systems
        self.source = source
    }

    public func covers(_ probe: ProbeDefinition) -> Bool {
        if probeIDs.isEmpty && systems.isEmpty { return true }
        return probeIDs.contains(probe.id) || probe.system.map(systems.contains) == true
    }

    public var description: String {
        switch timing {
        case let .once(start, end): "\(name) (\(start.iso8601) to \(end.iso8601))"
        case let .weekly(schedule): "\(name) (weekly, \(schedule.text))"
        }
    }
}

/// Every maintenance window of a site, with the site's local time.
public struct MaintenanceSchedule: Sendable {
    public var windows: [MaintenanceWindow]
    public var localTime: any LocalTimeConverter

    public init(windows: [MaintenanceWindow] = [], localTime: any LocalTimeConverter = FixedOffsetTime()) {
        self.windows = windows
        self.localTime = localTime
    }

    /// The window covering `probe` at `time`, if any.
    public func activeWindow(for probe: ProbeDefinition, at time: Timestamp) -> MaintenanceWindow? {
        guard !windows.isEmpty else { return nil }
        for window in windows where window.covers(probe) {
            switch window.timing {
            case let .once(start, end):
                if start <= time && time < end { return window }
            case let .weekly(schedule):
                let local = localTime.weekdayAndMinute(at: time)
                if schedule.contains(weekday: local.weekday, minute: local.minute) { return window }
            }
        }
        return nil
    }
}

extension Timestamp {
    /// Parses ISO 8601 with a time zone: `2026-11-28T07:00:00Z`, `2026-11-28T07:00+01:00`,
    /// `2026-11-28T07:00:00.250+00:00`. A time without a zone is refused: it would be ambiguous.
    public init?(iso8601 text: String) {
        let characters = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            var value = 0
            for index in range {
                let digit = characters[index]
                guard digit >= 48 && digit <= 57 else { return nil }
                value = value * 10 + Int(digit - 48)
            }
            return value
        }
        guard characters.count >= 17, characters[4] == UInt8(ascii: "-"), characters[7] == UInt8(ascii: "-"),
              characters[10] == UInt8(ascii: "T") || characters[10] == UInt8(ascii: " "),
              characters[13] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16),
              (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        var index = 16
        var second = 0
        var millisecond = 0
        if index < characters.count && characters[index] == UInt8(ascii: ":") {
            guard let value = number(17..<19), value <= 60 else { return nil }
            second = value
            index = 19
            if index < characters.count && characters[index] == UInt8(ascii: ".") {
                var digits = 0
                index += 1
                while index < characters.count, characters[index] >= 48, characters[index] <= 57 {
                    if digits < 3 { millisecond = millisecond * 10 + Int(characters[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { millisecond *= 10 } }
            }
        }
        guard index < characters.count else { return nil }
        var offsetMinutes = 0
        if characters[index] == UInt8(ascii: "Z") {
            guard index + 1 == characters.count else { return nil }
        } else {
            let sign = characters[index]
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), index + 6 == characters.count,
                  characters[index + 3] == UInt8(ascii: ":"), let hours = number((index + 1)..<(index + 3)),
                  let minutes = number((index + 4)..<(index + 6)), hours <= 14, minutes <= 59
            else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (sign == UInt8(ascii: "+") ? 1 : -1)
        }
        let date = CivilDate(year: year, month: month, day: day)
        guard CivilDate(daysSinceEpoch: date.daysSinceEpoch) == date else { return nil }  // 31 February
        let local = date.daysSinceEpoch * 86_400_000 + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000
                                                             + millisecond)
        self.init(millisecondsSinceEpoch: local - Int64(offsetMinutes) * 60_000)
    }
}
