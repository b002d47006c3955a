/// Public holidays on which a person does not work: a shipped list plus a site's own additions and removals.
public struct HolidayCalendar: Hashable, Sendable {
    /// Each holiday's date and name.
    public private(set) var holidays: [CivilDate: String]

    public init(holidays: [CivilDate: String] = [:]) {
        self.holidays = holidays
    }

    public func contains(_ date: CivilDate) -> Bool { holidays[date] != nil }

    /// A site closure or a local holiday.
    public mutating func add(_ date: CivilDate, name: String) { holidays[date] = name }

    /// A shipped holiday the site works through.
    public mutating func remove(_ date: CivilDate) { holidays[date] = nil }

    /// Reads lines of `YYYY-MM-DD name`; `#` starts a comment. Returns nil on the first bad line.
    public init?(parsing text: String) {
        holidays = [:]
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmed
            if line.isEmpty { continue }
            let dateText = line.prefix { $0 != " " }
            guard let date = CivilDate(iso8601: String(dateText)) else { return nil }
            holidays[date] = String(line.dropFirst(dateText.count)).trimmed
        }
    }

    /// Bank holidays in England and Wales, 2024 to 2030. 2024 to 2027 as published on GOV.UK; later years
    /// follow the standing rules (substitute days when a holiday falls at a weekend) and must be checked
    /// against GOV.UK when announced. Sites add closures and one-off holidays through their own list.
    public static let englandAndWales = HolidayCalendar(parsing: englandAndWalesData)!

    static let englandAndWalesData = """
        2024-01-01 New Year's Day
        2024-03-29 Good Friday
        2024-04-01 Easter Monday
        2024-05-06 Early May bank holiday
        2024-05-27 Spring bank holiday
        2024-08-26 Summer bank holiday
        2024-12-25 Christmas Day
        2024-12-26 Boxing Day
        2025-01-01 New Year's Day
        2025-04-18 Good Friday
        2025-04-21 Easter Monday
        2025-05-05 Early May bank holiday
        2025-05-26 Spring bank holiday
        2025-08-25 Summer bank holiday
        2025-12-25 Christmas Day
        2025-12-26 Boxing Day
        2026-01-01 New Year's Day
        2026-04-03 Good Friday
        2026-04-06 Easter Monday
        2026-05-04 Early May bank holiday
        2026-05-25 Spring bank holiday
        2026-08-31 Summer bank holiday
        2026-12-25 Christmas Day
        2026-12-28 Boxing Day (substitute day)
        2027-01-01 New Year's Day
        2027-03-26 Good Friday
        2027-03-29 Easter Monday
        2027-05-03 Early May bank holiday
        2027-05-31 Spring bank holiday
        2027-08-30 Summer bank holiday
        2027-12-27 Christmas Day (substitute day)
        2027-12-28 Boxing Day (substitute day)
        2028-01-03 New Year's Day (substitute day)
        2028-04-14 Good Friday
        2028-04-17 Easter Monday
        2028-05-01 Early May bank holiday
        2028-05-29 Spring bank holiday
        2028-08-28 Summer bank holiday
        2028-12-25 Christmas Day
        2028-12-26 Boxing Day
        2029-01-01 New Year's Day
        2029-03-30 Good Friday
        2029-04-02 Easter Monday
        2029-05-07 Early May bank holiday
        2029-05-28 Spring bank holiday
        2029-08-27 Summer bank holiday
        2029-12-25 Christmas Day
        2029-12-26 Boxing Day
        2030-01-01 New Year's Day
        2030-04-19 Good Friday
        2030-04-22 Easter Monday
        2030-05-06 Early May bank holiday
        2030-05-27 Spring bank holiday
        2030-08-26 Summer bank holiday
        2030-12-25 Christmas Day
        2030-12-26 Boxing Day
        """
}

extension CivilDate {
    /// Reads `YYYY-MM-DD`; nil unless it names a real date.
    public init?(iso8601 text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        // Round-tripping through the day count rejects 31 April and 29 February in common years.
        guard CivilDate(daysSinceEpoch: daysSinceEpoch) == self else { return nil }
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + Int64(days)) }
}
