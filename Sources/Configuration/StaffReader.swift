public import Monitoring

/// `staff/*.staff` files: one `[Staff]` section per person.
///
/// ```
/// [Staff]
/// ID=la-0042                       # a pseudonym or staff number
/// Name=Sam Patel
/// Site=manchester-civil            # defaults to the site's ID
/// Role=legal-adviser               # brings the role's default systems (StaffRole)
/// Team=crime
/// Manager=tl-0007
/// TimeZone=Europe/London           # defaults to the site's
/// WorkingHours=Mon-Thu 09:00-17:00; Fri 09:00-13:00
/// Systems=dcs                      # used beyond the role's defaults
/// Leave=2026-08-03..2026-08-14     # repeatable; a single date for one day
/// ContractedHoursPerWeek=30        # optional, when it differs from WorkingHours
/// ```
///
/// `staff/holidays.conf` adjusts the site's public holidays: `[Holidays]` with repeatable
/// `Add=2026-12-24 Site closed` and `Remove=2026-08-31`.
public enum StaffReader {
    static let knownKeys: Set<String> = ["ID", "Name", "Site", "Role", "Team", "Manager", "TimeZone", "WorkingHours",
                                         "Systems", "Leave", "ContractedHoursPerWeek"]

    /// Reads every `[Staff]` section of one file; `site` supplies the defaults for Site= and TimeZone=.
    public static func read(_ keyFile: KeyFile, site: SiteDefinition?, errors: inout [ConfigurationError])
        -> [StaffMember] {
        var members: [StaffMember] = []
        for section in keyFile.sections {
            guard section.name == "Staff" else {
                errors.append(ConfigurationError(
                    file: keyFile.path, line: section.line,
                    message: "unknown section [\(section.name)]; .staff files have [Staff]"))
                continue
            }
            var reader = SectionReader(file: keyFile.path, section: section, knownKeys: knownKeys,
                                       repeatable: ["Leave"])
            let member = read(&reader, site: site)
            errors += reader.errors
            if let member { members.append(member) }
        }
        if keyFile.sections.isEmpty {
            errors.append(ConfigurationError(file: keyFile.path, line: 0, message: "has no [Staff] section"))
        }
        return members
    }

    private static func read(_ reader: inout SectionReader, site: SiteDefinition?) -> StaffMember? {
        let id = reader.identifier("ID", required: true)
        let name = reader.string("Name", required: true)
        let siteID = reader.identifier("Site") ?? site?.id
        if siteID == nil { reader.fail("Site", "[Staff] needs Site= (no site.conf to take it from)") }
        let role = reader.identifier("Role", required: true)
        let team = reader.string("Team")
        let manager = reader.string("Manager")
        let timeZone = reader.string("TimeZone") ?? site?.timeZone ?? "Europe/London"
        if !TimeZoneName.isPlausible(timeZone) {
            reader.fail("TimeZone", "TimeZone=\(timeZone) is not a time zone name like Europe/London")
        }
        var hours: WeeklySchedule?
        if let text = reader.string("WorkingHours", required: true) {
            do {
                hours = try WeeklySchedule(parsing: text)
            } catch {
                reader.fail("WorkingHours", "WorkingHours=\(text): \(error.message)")
            }
        }
        let systems = reader.list("Systems")
        for system in systems where !Identifier.isValid(system) {
            reader.fail("Systems", "Systems=: '\(system)' is not a valid system name: \(Identifier.rule)")
        }
        var leave: [ClosedRange<CivilDate>] = []
        for entry in reader.all("Leave") {
            if let range = LeaveText.parse(entry.value) {
                leave.append(range)
            } else {
                reader.errors.append(ConfigurationError(
                    file: reader.file, line: entry.line,
                    message: "Leave=\(entry.value) is not a date or date range (2026-08-03 or 2026-08-03..2026-08-14)"))
            }
        }
        var contracted: Double?
        if let text = reader.string("ContractedHoursPerWeek") {
            if let value = Double(text), value > 0, value <= 100 {
                contracted = value
            } else {
                reader.fail("ContractedHoursPerWeek",
                            "ContractedHoursPerWeek=\(text) is not a number of hours from 0 to 100")
            }
        }
        guard let id, let name, let siteID, let role, let hours, reader.errors.isEmpty else { return nil }
        return StaffMember(id: id, name: name, site: siteID, role: role, team: team, manager: manager,
                           timeZone: timeZone, workingHours: hours, extraSystems: systems, leave: leave,
                           contractedHoursPerWeek: contracted,
                           source: SourceLocation(file: reader.file, line: reader.section.line))
    }

    /// Applies `staff/holidays.conf` to `calendar`.
    public static func readHolidays(_ keyFile: KeyFile, into calendar: inout HolidayCalendar,
                                    errors: inout [ConfigurationError]) {
        for section in keyFile.sections {
            guard section.name == "Holidays" else {
                errors.append(ConfigurationError(
                    file: keyFile.path, line: section.line,
                    message: "unknown section [\(section.name)]; holidays.conf has [Holidays]"))
                continue
            }
            var reader = SectionReader(file: keyFile.path, section: section, knownKeys: ["Add", "Remove"],
                                       repeatable: ["Add", "Remove"])
            for entry in reader.all("Add") {
                let dateText = String(entry.value.prefix { $0 != " " })
                guard let date = CivilDate(iso8601: dateText) else {
                    errors.append(ConfigurationError(
                        file: keyFile.path, line: entry.line,
                        message: "Add=\(entry.value) does not start with a date (2026-12-24 Site closed)"))
                    continue
                }
                let name = entry.value.dropFirst(dateText.count).trimmed
                calendar.add(date, name: name.isEmpty ? "site holiday" : name)
            }
            for entry in reader.all("Remove") {
                guard let date = CivilDate(iso8601: entry.value) else {
                    errors.append(ConfigurationError(file: keyFile.path, line: entry.line,
                                                     message: "Remove=\(entry.value) is not a date (2026-08-31)"))
                    continue
                }
                calendar.remove(date)
            }
            errors += reader.errors
        }
    }
}

/// `2026-08-03` or `2026-08-03..2026-08-14`.
public enum LeaveText {
    public static func parse(_ text: String) -> ClosedRange<CivilDate>? {
        let ends = text.split(separator: "..", omittingEmptySubsequences: false).map(String.init)
        guard ends.count <= 2, let first = CivilDate(iso8601: ends[0].trimmed) else { return nil }
        guard ends.count == 2 else { return first...first }
        guard let last = CivilDate(iso8601: ends[1].trimmed), first <= last else { return nil }
        return first...last
    }

    public static func format(_ range: ClosedRange<CivilDate>) -> String {
        range.lowerBound == range.upperBound ? range.lowerBound.iso8601
            : range.lowerBound.iso8601 + ".." + range.upperBound.iso8601
    }
}
