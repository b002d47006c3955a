/// Recurring weekly hours: business hours of a site, working hours of a person.
/// Text form: `Mon-Fri 08:00-18:00`, `Mon,Wed 09:00-13:00; Tue,Thu 09:00-17:00`, `Sat 22:00-06:00` (overnight).
public struct WeeklySchedule: Hashable, Sendable, CustomStringConvertible {
    /// One rule: these weekdays (1 = Monday ... 7 = Sunday), these minute ranges after local midnight.
    public struct Rule: Hashable, Sendable {
        public var weekdays: Set<Int>
        /// Start and end minute of the day; an end before the start runs past midnight.
        public var ranges: [MinuteRange]
    }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Minutes after local midnight, `start` inclusive, `end` exclusive; `end < start` crosses midnight.
    public struct MinuteRange: Hashable, Sendable {
        public var start: Int
        public var end: Int
        public var crossesMidnight: Bool { end < start }
    }

    public var rules: [Rule]
    public let text: String

    static let dayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    public init(parsing text: String) throws(ParseError) {
        self.text = text
        rules = []
        for part in text.split(separator: ";") {
            let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let dayWord = words.first else { throw ParseError(message: "empty rule in '\(text)'") }
            let weekdays = try Self.parseDays(dayWord)
            let rangeWords = words.dropFirst().flatMap { $0.split(separator: ",").map(String.init) }
            guard !rangeWords.isEmpty else {
                throw ParseError(message: "'\(part.trimmed)' needs a time range such as 09:00-17:00 after the days")
            }
            let ranges = try rangeWords.map { (word) throws(ParseError) in try Self.parseRange(word) }
            rules.append(Rule(weekdays: weekdays, ranges: ranges))
        }
        if rules.isEmpty { throw ParseError(message: "no days and hours given") }
    }

    private static func parseDays(_ word: String) throws(ParseError) -> Set<Int> {
        var days: Set<Int> = []
        for item in word.split(separator: ",") {
            let ends = item.lowercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard ends.count <= 2, let first = dayNames[ends[0]] else {
                throw ParseError(message: "'\(item)' is not a day or day range (use Mon, Tue, ... Sun, or Mon-Fri)")
            }
            guard ends.count == 2 else {
                days.insert(first)
                continue
            }
            guard let last = dayNames[ends[1]] else {
                throw ParseError(message: "'\(item)' is not a day or day range (use Mon, Tue, ... Sun, or Mon-Fri)")
            }
            var day = first
            while true {
                days.insert(day)
                if day == last { break }
                day = day % 7 + 1
            }
        }
        return days
    }

    private static func parseRange(_ word: String) throws(ParseError) -> MinuteRange {
        let ends = word.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = parseClock(ends[0]), let end = parseClock(ends[1]) else {
            throw ParseError(message: "'\(word)' is not a time range such as 09:00-17:00")
        }
        guard start != end else { throw ParseError(message: "'\(word)' is an empty time range") }
        return MinuteRange(start: start, end: end)
    }

    private static func parseClock(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
              let minute = Int(parts[1]), (0...24).contains(hour), (0...59).contains(minute),
              hour * 60 + minute <= 24 * 60
        else { return nil }
        return hour * 60 + minute
    }

    /// True when local weekday `weekday` (1 = Monday) at `minute` after midnight falls inside the schedule.
    public func contains(weekday: Int, minute: Int) -> Bool {
        let previous = weekday == 1 ? 7 : weekday - 1
        for rule in rules {
            for range in rule.ranges {
                if !range.crossesMidnight {
                    if rule.weekdays.contains(weekday) && range.start <= minute && minute < range.end { return true }
                } else {
                    // Overnight: the evening part belongs to the rule's day, the morning part to the next.
                    if rule.weekdays.contains(weekday) && minute >= range.start { return true }
                    if rule.weekdays.contains(previous) && minute < range.end { return true }
                }
            }
        }
        return false
    }

    public var description: String { text }
}

extension StringProtocol {
    /// The text without leading and trailing white space (no Foundation needed).
    public var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
