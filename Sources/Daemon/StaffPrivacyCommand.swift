import Foundation
import Configuration
import FailureLog
import Monitoring
import Reports
import Web

/// Sharing, subject access, erasure and the team aggregate: the person controls who sees their report.
enum StaffPrivacyCommand {
    static func run(_ action: String, _ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "staff \(action)"
        let options: Set<String> = switch action {
        case "share": ["with", "until", "config", "state"]
        case "revoke": ["with", "config", "state"]
        case "export": ["out", "config", "state"]
        default: ["config", "state"]
        }
        let parsed = try ParsedArguments.parse(arguments, command: command, options: options,
                                               flags: action == "erase" ? ["confirm"] : [], maximumPositionals: 1)
        if parsed.wantsHelp { print(StaffCommand.help); return .success }
        guard let id = parsed.positionals.first else { throw .usage("\(command) needs a staff ID", command: command) }
        switch action {
        case "share", "revoke": return try share(action, id, parsed)
        case "export": return try export(id, parsed)
        default: return try erase(id, parsed)
        }
    }

    static func share(_ action: String, _ id: String, _ parsed: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard let grantee = parsed.option("with") else {
            throw .usage("staff \(action) needs --with manager|union-rep|NAME", command: "staff \(action)")
        }
        let configDirectory = parsed.option("config") ?? CommandLineTool.defaultConfig
        let stateDirectory = StaffSupport.store(parsed).stateDirectory
        let change = action == "revoke"
            ? try revoke(id, from: grantee, configDirectory: configDirectory, stateDirectory: stateDirectory, at: .now)
            : try share(id, with: grantee, until: parsed.option("until"), configDirectory: configDirectory,
                        stateDirectory: stateDirectory, at: .now)
        print(change.message)
        return .success
    }

    /// Shares `id`'s report with `grantee` (`manager`, `union-rep` or a person's name) until the end of the
    /// day `untilText` (YYYY-MM-DD) in their zone, or until revoked, recorded as `id` in the hash chain:
    /// what `courtwatch staff share` and the web surface's share (for a staff token, as itself) do.
    static func share(_ id: String, with granteeText: String, until untilText: String?, configDirectory: String,
                      stateDirectory: String, at now: Timestamp) throws(CommandFailure) -> ShareChange {
        let grantee = try checkedGrantee(granteeText, command: "staff share")
        let member = try StaffSupport.member(id, in: try StaffSupport.loadDirectory(at: configDirectory))
        var until: Timestamp?
        if let untilText {
            // --until DATE means to the end of that day in the person's zone.
            let zone = try StaffSupport.zone(for: member)
            until = zone.instant(localDate: try StaffSupport.date(untilText, option: "until").adding(days: 1), minute: 0)
            guard let until, until > now else {
                throw CommandFailure(code: .dataError, message: "--until \(untilText) is in the past")
            }
        }
        try LogAccess.write(stateDirectory) { transaction in
            try StaffLog.share(staffID: id, with: grantee, until: until, by: id, at: now, in: &transaction)
        }
        return ShareChange(message: "shared \(id)'s report with \(grantee)" + (until.map { " until \($0.iso8601)" }
                                                                              ?? " until revoked"),
                           share: ReportShare(grantee: grantee, grantedAt: now, until: until))
    }

    /// Ends every live share of `id`'s report with `grantee`, recorded as `id`; none is not an error.
    static func revoke(_ id: String, from granteeText: String, configDirectory: String, stateDirectory: String,
                       at now: Timestamp) throws(CommandFailure) -> ShareChange {
        let grantee = try checkedGrantee(granteeText, command: "staff revoke")
        _ = try StaffSupport.member(id, in: try StaffSupport.loadDirectory(at: configDirectory))
        let count = try LogAccess.write(stateDirectory) { transaction in
            try StaffLog.revoke(staffID: id, from: grantee, by: id, at: now, in: &transaction)
        }
        return ShareChange(message: count == 0 ? "\(id)'s report was not shared with \(grantee)"
                               : "revoked: \(grantee) can no longer see \(id)'s report", revoked: count)
    }

    /// A grantee as typed, without surrounding blanks; blank is a usage error, as a missing --with is.
    private static func checkedGrantee(_ text: String, command: String) throws(CommandFailure) -> String {
        let grantee = text.trimmed
        guard !grantee.isEmpty else { throw .usage("--with needs manager, union-rep or a person's name", command: command) }
        guard grantee.count <= 100, !grantee.contains(where: \.isNewline) else {
            throw CommandFailure(code: .dataError, message: "--with is a role or a name of at most 100 characters on one line")
        }
        return grantee
    }

    /// Subject access: the staff record, every entry with its details, the incidents they link to, shares,
    /// the access log, and whether each entry's details still match their commitment in the chain.
    static func export(_ id: String, _ parsed: ParsedArguments) throws(CommandFailure) -> ExitCode {
        let directory = try StaffSupport.loadDirectory(parsed)
        let member = directory.member(id)
        let now = Timestamp.now
        let document = try StaffSupport.write(parsed) { transaction -> ReportJSON in
            let connection = transaction.connection
            let entries = try StaffLog.entries(connection, staffID: id)
            guard member != nil || !entries.isEmpty else {
                throw CommandFailure(code: .dataError, message: "nothing is held about staff ID '\(id)'")
            }
            try StaffLog.recordAccess(staffID: id, viewer: id, role: "self", action: "export", at: now,
                                      in: &transaction)
            let entryValues = try entries.map { entry -> ReportJSON in
                guard case var .object(pairs) = UserReportRenderer.entryJSON(entry) else { return .null }
                let matches = try StaffLog.fieldsMatchCommitment(connection, entryID: entry.id)
                pairs.append(("details_match_chain", entry.erased ? .null : .bool(matches)))
                return .object(pairs)
            }
            let record: ReportJSON = member.map { member in
                .object(StaffFile.fields(for: member).map { ($0.key, .string($0.value)) }
                        + [("file", .optional(member.source?.file)),
                           ("systems_with_role_defaults", .array(member.systems.map { .string($0) }))])
            } ?? .null
            return .object([
                ("subject_access_export", .string(id)), ("generated_at", .string(now.iso8601)),
                ("staff_record", record),
                ("entries", .array(entryValues)),
                ("shares", .array(try StaffLog.shares(connection, staffID: id).map { share in
                    .object([("with", .string(share.grantee)), ("granted_at", .string(share.grantedAt.iso8601)),
                             ("until", .optional(share.until?.iso8601)), ("revoked", .bool(share.revoked)),
                             ("active", .bool(share.isActive(at: now)))])
                })),
                ("access_log", .array(try StaffLog.accessLog(connection, staffID: id).map { access in
                    .object([("at", .string(access.at.iso8601)), ("viewer", .string(access.viewer)),
                             ("role", .string(access.role)), ("action", .string(access.action))])
                })),
                ("retention", .array(RetentionNotice.defaults.map { .string($0) })),
            ])
        }
        let text = document.text() + "\n"
        if let path = parsed.option("out") {
            try StaffSupport.writeFile(text, to: path)
            print("wrote everything held about \(id) to \(path)")
        } else {
            print(text, terminator: "")
        }
        return .success
    }

    static func erase(_ id: String, _ parsed: ParsedArguments) throws(CommandFailure) -> ExitCode {
        guard parsed.flag("confirm") else {
            throw .usage("staff erase deletes \(id)'s personal data for good: add --confirm", command: "staff erase")
        }
        let directory = try StaffSupport.loadDirectory(parsed)
        let now = Timestamp.now
        let count = try StaffSupport.write(parsed) { transaction in
            try StaffLog.erase(staffID: id, by: id, at: now, in: &transaction)
        }
        print("erased the details of \(count) entries for \(id); "
              + "the log's chain is unchanged ('courtwatch log verify')")
        if let file = directory.member(id)?.source?.file {
            let others = directory.members.filter { $0.source?.file == file && $0.id != id }
            if others.isEmpty {
                try? FileManager.default.removeItem(atPath: file)
                print("removed the staff record \(file)")
            } else {
                print("\(file) also holds other people: remove \(id)'s [Staff] section by hand")
            }
        }
        return .success
    }

    // MARK: teams

    static let teamsHelp = """
        USAGE: courtwatch staff teams --from DATE --to DATE [--min-group N] [--json] [--viewer NAME]

        Hours lost per team at the site, for managers and reps. Teams smaller than --min-group (default 5, the
        smallest allowed) are pooled as "other teams", and withheld if the pool is still smaller.
        """

    static func teams(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "staff teams",
                                               options: ["from", "to", "min-group", "config", "state", "viewer"],
                                               flags: ["json"])
        if parsed.wantsHelp { print(teamsHelp); return .success }
        guard let fromText = parsed.option("from"), let toText = parsed.option("to") else {
            throw .usage("staff teams needs --from and --to", command: "staff teams")
        }
        let first = try StaffSupport.date(fromText, option: "from")
        let last = try StaffSupport.date(toText, option: "to")
        let minimum = parsed.option("min-group").flatMap { Int($0) } ?? TeamAggregate.defaultMinimumGroupSize
        guard minimum >= TeamAggregate.defaultMinimumGroupSize else {
            throw .usage("--min-group must be at least \(TeamAggregate.defaultMinimumGroupSize)",
                         command: "staff teams")
        }
        let directory = try StaffSupport.loadDirectory(parsed)
        let now = Timestamp.now
        let result = try StaffSupport.write(parsed) { transaction -> TeamAggregate.Result in
            let reports = try directory.members.map {
                try StaffSupport.report(for: $0, directory: directory, first: first, last: last,
                                        in: transaction, now: now)
            }
            return TeamAggregate.build(reports, minimumGroupSize: minimum)
        }
        if parsed.flag("json") {
            print(ReportJSON.object([
                ("from", .string(first.iso8601)), ("to", .string(last.iso8601)),
                ("minimum_group_size", .number(Int64(minimum))),
                ("teams", .array(result.rows.map { (row: TeamAggregate.Row) -> ReportJSON in
                    .object([("team", .string(row.team)), ("people", .number(Int64(row.people))),
                             ("hours_lost", .decimal(Hours.text(row.lostMinutes))),
                             ("contracted_hours", .decimal(Hours.text(row.contractedMinutes)))])
                })),
                ("people_withheld", .number(Int64(result.withheldPeople))),
            ]).text())
        } else {
            for row in result.rows {
                print("\(row.team): \(row.people) people, \(Hours.text(row.lostMinutes)) hours lost of "
                      + "\(Hours.text(row.contractedMinutes)) contracted")
            }
            if result.withheldPeople > 0 {
                print("\(result.withheldPeople) people in groups smaller than \(minimum) are not shown")
            }
        }
        return .success
    }
}

/// Retention defaults per category (research notes §5.3), printed in exports and the README.
enum RetentionNotice {
    static let defaults = [
        "Raw probe samples: 90 days; rollups per minute (1 day), hour (90 days) and day (3 years). See [Retention] in courtwatch.conf.",
        "Site incident log: 3 years (business-continuity review cycle; personal-injury limitation period).",
        "Working-time records (extra hours): at least 2 years (Working Time Regulations 1998 reg 9).",
        "Your own entries: under your control; kept at least 3 years after your last entry by default (the "
            + "personal-injury 'date of knowledge' can run later), erased at your request (staff erase).",
        "Paper contingency forms: not held by courtwatch.",
    ]
}
