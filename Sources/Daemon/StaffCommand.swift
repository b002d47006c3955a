import Foundation
import Configuration
import FailureLog
import Monitoring
import Reports

/// `courtwatch staff add|edit|list|log|share|revoke|export|erase|teams`: people, their own entries, and who
/// may see them.
enum StaffCommand {
    static let help = """
        USAGE: courtwatch staff <action> [options]

        ACTIONS:
          add     ID --name NAME --role ROLE --hours "Mon-Fri 09:00-17:00" [--site S] [--team T] [--manager M]
                  [--time-zone TZ] [--systems a,b] [--leave 2026-08-03..2026-08-14,2026-12-24]
                  [--contracted-hours H]                      writes staff/ID.staff; refuses an existing ID
          edit    ID [the same options] [--add-leave RANGES] [--clear-leave]   rewrites staff/ID.staff
          list    [--json]
          log     ID --kind KIND [--at T] [kind options]      a self-logged entry (see 'staff log --help')
          share   ID --with manager|union-rep|NAME [--until DATE]
          revoke  ID --with manager|union-rep|NAME
          export  ID [--out FILE]                             everything held about ID, as JSON
          erase   ID --confirm                                deletes ID's personal fields and staff file
          teams   --from DATE --to DATE [--min-group N] [--json]   hours lost per team (groups of 5 or more)

        Roles and their default systems (Systems= adds to them):
        \(StaffRole.defaultSystems.sorted { $0.key < $1.key }
            .map { "  \($0.key): \($0.value.joined(separator: ", "))" }.joined(separator: "\n"))

        COMMON OPTIONS:
          --config DIR   Configuration directory holding staff/ (default \(CommandLineTool.defaultConfig))
          --state DIR    State directory holding failure-log.sqlite (default \(CommandLineTool.defaultState))
        Exit codes: 0 done, 1 the log or a file cannot be read or written, 64 bad usage, 65 refused (unknown
        or existing ID, bad value, text that looks like case data).
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        guard let action = arguments.first, !action.hasPrefix("-") else {
            let parsed = try ParsedArguments.parse(arguments, command: "staff", options: [])
            if parsed.wantsHelp { print(help); return .success }
            throw .usage("staff needs an action: add, edit, list, log, share, revoke, export, erase or teams",
                         command: "staff")
        }
        let rest = arguments.dropFirst()
        switch action {
        case "add", "edit": return try write(action, rest)
        case "list": return try list(rest)
        case "log": return try StaffLogCommand.run(rest)
        case "share", "revoke", "export", "erase": return try StaffPrivacyCommand.run(action, rest)
        case "teams": return try StaffPrivacyCommand.teams(rest)
        default: throw .usage("unknown staff action '\(action)'", command: "staff")
        }
    }

    static let recordOptions: [String: String] = [
        "name": "Name", "role": "Role", "hours": "WorkingHours", "site": "Site", "team": "Team", "manager": "Manager",
        "time-zone": "TimeZone", "systems": "Systems", "contracted-hours": "ContractedHoursPerWeek",
    ]

    /// add and edit: the options become keyfile lines, checked by the same reader as the files themselves.
    static func write(_ action: String, _ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "staff \(action)"
        var options = Set(recordOptions.keys).union(["config", "leave"])
        if action == "edit" { options.formUnion(["add-leave"]) }
        let parsed = try ParsedArguments.parse(arguments, command: command, options: options,
                                               flags: action == "edit" ? ["clear-leave"] : [], maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        guard let id = parsed.positionals.first else { throw .usage("\(command) needs a staff ID", command: command) }
        let directory = try StaffSupport.loadDirectory(parsed)
        var fields: [(key: String, value: String)] = []
        if action == "add" {
            if let existing = directory.member(id) {
                throw CommandFailure(code: .dataError, message: "staff ID \(id) already exists at "
                                     + "\(existing.source?.description ?? directory.staffFolder) (use staff edit)")
            }
            fields = [("ID", id)]
        } else {
            let existing = try StaffSupport.member(id, in: directory)
            fields = StaffFile.fields(for: existing)
            if parsed.flag("clear-leave") { fields.removeAll { $0.key == "Leave" } }
        }
        for (option, key) in recordOptions.sorted(by: { $0.key < $1.key }) {
            guard let value = parsed.option(option) else { continue }
            if let index = fields.firstIndex(where: { $0.key == key }) {
                fields[index].value = value
            } else {
                fields.append((key, value))
            }
        }
        if action == "edit" && parsed.option("leave") != nil { fields.removeAll { $0.key == "Leave" } }
        for option in ["leave", "add-leave"] {
            for range in (parsed.option(option) ?? "").split(separator: ",") { fields.append(("Leave", range.trimmed)) }
        }
        let text = "[Staff]\n" + fields.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n"
        var errors: [ConfigurationError] = []
        let keyFile = KeyFile(path: "command line", text: text, errors: &errors)
        let members = StaffReader.read(keyFile, site: directory.site, errors: &errors)
        guard errors.isEmpty, let member = members.first else {
            let messages = errors.map { $0.message }.joined(separator: "\n")
            throw CommandFailure(code: .dataError, message: "\(command) \(id): \(messages)")
        }
        do {
            try StaffFile.write(member, directory: directory.directory, replacing: action == "edit")
        } catch {
            throw CommandFailure(code: action == "add" ? .dataError : .failure, message: error.description)
        }
        print("\(action == "add" ? "added" : "updated") \(id): \(StaffFile.path(for: id, in: directory.directory))")
        print("systems: \(member.systems.joined(separator: ", "))")
        return .success
    }

    static func list(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "staff list", options: ["config"], flags: ["json"])
        if parsed.wantsHelp { print(help); return .success }
        let directory = try StaffSupport.loadDirectory(parsed)
        if parsed.flag("json") {
            let people = ReportJSON.array(directory.members.map { member in
                .object([("id", .string(member.id)), ("name", .string(member.name)), ("site", .string(member.site)),
                         ("role", .string(member.role)), ("team", .optional(member.team)),
                         ("manager", .optional(member.manager)), ("time_zone", .string(member.timeZone)),
                         ("working_hours", .string(member.workingHours.text)),
                         ("systems", .array(member.systems.map { .string($0) })),
                         ("leave", .array(member.leave.map { .string(LeaveText.format($0)) })),
                         ("contracted_hours_per_week",
                          member.contractedHoursPerWeek.map { .decimal(String($0)) } ?? .null)])
            })
            print(people.text())
            return .success
        }
        if directory.members.isEmpty { print("no staff records in \(directory.staffFolder)") }
        for member in directory.members {
            print("\(member.id)  \(member.name)  \(member.role)  team \(member.team ?? "-")  "
                  + "\(member.workingHours.text)  "
                  + "[\(member.systems.joined(separator: ","))]")
        }
        return .success
    }
}
