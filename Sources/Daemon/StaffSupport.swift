import Foundation
import Configuration
import FailureLog
import Monitoring
import Reports

/// What the staff and per-person report commands share: loading the staff directory and the log, reading
/// times in a person's zone, building a person's report.
enum StaffSupport {
    static func loadDirectory(_ parsed: ParsedArguments) throws(CommandFailure) -> StaffDirectory {
        try loadDirectory(at: parsed.option("config") ?? CommandLineTool.defaultConfig)
    }

    /// The staff directory of the configuration directory `path`, read afresh (so a person added by
    /// `courtwatch staff add` counts without a reload).
    static func loadDirectory(at path: String) throws(CommandFailure) -> StaffDirectory {
        do {
            return try StaffDirectory.load(directory: path)
        } catch {
            throw CommandFailure(code: .dataError, message: "staff configuration has errors:\n" + error.description)
        }
    }

    static func member(_ id: String, in directory: StaffDirectory) throws(CommandFailure) -> StaffMember {
        guard let member = directory.member(id) else {
            throw CommandFailure(code: .dataError,
                                 message: "unknown staff ID '\(id)' (no \(directory.staffFolder)/*.staff declares it)")
        }
        return member
    }

    static func store(_ parsed: ParsedArguments) -> FailureLogStore {
        FailureLogStore(stateDirectory: parsed.option("state") ?? CommandLineTool.defaultState)
    }

    /// Runs `body` in one write transaction on the log.
    static func write<T>(_ parsed: ParsedArguments,
                         _ body: (inout LogTransaction) throws -> T) throws(CommandFailure) -> T {
        try LogAccess.write(store(parsed).stateDirectory, body)
    }

    static func zone(for member: StaffMember) throws(CommandFailure) -> any ZoneOffsets {
        guard let zone = SystemTimeZone(identifier: member.timeZone) else {
            throw CommandFailure(code: .dataError, message: "\(member.source?.description ?? member.id): TimeZone="
                                 + "\(member.timeZone) is not in the system time-zone database (install tzdata)")
        }
        return zone
    }

    /// ISO 8601 with an offset, or `YYYY-MM-DD HH:MM` / `YYYY-MM-DDTHH:MM` read in `zone`.
    static func time(_ text: String, option: String, zone: any ZoneOffsets,
                     command: String) throws(CommandFailure) -> Timestamp {
        if let time = Timestamp(iso8601: text) { return time }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        if parts.count == 2, let date = CivilDate(iso8601: String(parts[0])) {
            let clock = parts[1].split(separator: ":")
            if clock.count == 2, clock[0].count == 2, clock[1].count == 2, let hour = Int(clock[0]),
               let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute) {
                return zone.instant(localDate: date, minute: hour * 60 + minute)
            }
        }
        throw CommandFailure(code: .dataError, message: "--\(option) \(text) is not a time: use 2026-11-20T09:15:00Z, "
                             + "2026-11-20T09:15+00:00, or local time as '2026-11-20 09:15'")
    }

    static func date(_ text: String, option: String) throws(CommandFailure) -> CivilDate {
        guard let date = CivilDate(iso8601: text) else {
            throw CommandFailure(code: .dataError, message: "--\(option) \(text) is not a date like 2026-04-01")
        }
        return date
    }

    /// The working pattern of `member`: their hours and zone, the site's holidays, their leave.
    static func pattern(for member: StaffMember, directory: StaffDirectory) throws(CommandFailure) -> WorkingPattern {
        WorkingPattern(hours: member.workingHours, zone: try zone(for: member), holidays: directory.holidays,
                       leave: member.leave)
    }

    /// A person's report over [first, last] from the log, and the IDs of the events it rests on.
    static func report(for member: StaffMember, directory: StaffDirectory, first: CivilDate, last: CivilDate,
                       in transaction: LogTransaction, now: Timestamp) throws -> UserReport {
        let connection = transaction.connection
        var input = UserReportBuilder.Input(member: member, pattern: try pattern(for: member, directory: directory),
                                            firstDay: first, lastDay: last, incidents: [], generatedAt: now)
        let period = input.period
        input.incidents = try StaffLog.accountableIncidents(connection, site: member.site, systems: member.systems,
                                                            span: period)
        input.unknown = try StaffLog.unknownSpans(connection, span: period)
        input.entries = try StaffLog.entries(connection, staffID: member.id, from: period.start, to: period.end)
        return UserReportBuilder.build(input)
    }

    static func writeFile(_ text: String, to path: String) throws(CommandFailure) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CommandFailure(code: .failure, message: "\(path): cannot write (permissions? directory missing?)")
        }
    }
}
