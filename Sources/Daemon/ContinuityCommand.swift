import Configuration
import Continuity
import FailureLog
import Foundation
import Monitoring
import SQLite

/// `courtwatch continuity status|invoke|stand-down|check`: the site's business-continuity (paper) mode.
/// Writes go through `LogSession`, so they work whether or not the daemon is running.
enum ContinuityCommand {
    static let help = """
        USAGE: courtwatch continuity <action> [options]

        Business-continuity (paper) mode. courtwatch recommends a level from the open incidents, the time of
        day and each system's [System] rules in site.conf; a named person invokes and stands down. Every
        change is an event in the failure log.

        ACTIONS:
          status       Level, recommendation and why, who invoked, the open stand-down checklist
          invoke       Invoke contingency (paper mode) or major: --site S --by NAME --reason TEXT [--level L]
          stand-down   Return to normal: --site S --by NAME --reason TEXT [--override REASON]
          check        Record a stand-down checklist item: --site S --item ITEM --by NAME [--note TEXT]

        LEVELS: NORMAL → WATCH → DEGRADED → CONTINGENCY (paper mode) → MAJOR.
        CHECKLIST ITEMS: \(ChecklistItem.recordable.map(\.rawValue).joined(separator: ", "))
          (probes-green is computed: every system behind the invocation green for its GreenFor=).

        COMMON OPTIONS:
          --config DIR   Configuration directory (default \(CommandLineTool.defaultConfig))
          --state DIR    State directory (default \(CommandLineTool.defaultState))
          --json         (status) Print JSON

        Stand-down with open checklist items is refused (exit 65, naming them) unless --override gives a reason.
        Do not put case details or the names of court users in --reason or --note.
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        guard let action = arguments.first, !action.hasPrefix("-") else {
            let parsed = try ParsedArguments.parse(arguments, command: "continuity", options: [])
            if parsed.wantsHelp { print(help); return .success }
            throw .usage("continuity needs an action: status, invoke, stand-down or check", command: "continuity")
        }
        let rest = arguments.dropFirst()
        switch action {
        case "status": return try status(rest)
        case "invoke": return try invoke(rest)
        case "stand-down": return try standDown(rest)
        case "check": return try check(rest)
        default: throw .usage("unknown continuity action '\(action)'", command: "continuity")
        }
    }

    // MARK: Actions

    static func status(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "continuity status",
                                               options: ["site", "config", "state"], flags: ["json"])
        if parsed.wantsHelp { print(help); return .success }
        let desk = try desk(parsed, command: "continuity status")
        let report = try LogAccess.read(parsed.option("state") ?? CommandLineTool.defaultState) { reader in
            defer { try? reader.connection.close() }
            return try ContinuityReport.read(desk: desk, on: reader.connection, at: .now)
        }
        print(parsed.flag("json") ? report.json().canonicalText : report.text(desk: desk))
        return .success
    }

    static func invoke(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "continuity invoke"
        let parsed = try ParsedArguments.parse(arguments, command: command,
                                               options: ["site", "by", "reason", "level", "config", "state"])
        if parsed.wantsHelp { print(help); return .success }
        let (by, reason) = (try required("by", parsed, command), try required("reason", parsed, command))
        _ = try required("site", parsed, command)
        let levelText = parsed.option("level") ?? "contingency"
        guard let level = ContinuityLevel(rawValue: levelText), level.isPaperMode else {
            throw .usage("--level must be contingency or major, not '\(levelText)'", command: command)
        }
        let desk = try desk(parsed, command: command)
        let id = try write(parsed) { transaction in
            try desk.invoke(&transaction, level: level, by: by, reason: reason, automatic: false, at: .now)
        }
        print("\(desk.site): \(level) invoked by \(by) (invocation #\(id)). Print the forms pack: "
              + "courtwatch forms pack --site \(desk.site) --out DIR")
        return .success
    }

    static func standDown(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "continuity stand-down"
        let parsed = try ParsedArguments.parse(arguments, command: command,
                                               options: ["site", "by", "reason", "override", "config", "state"])
        if parsed.wantsHelp { print(help); return .success }
        let (by, reason) = (try required("by", parsed, command), try required("reason", parsed, command))
        _ = try required("site", parsed, command)
        let desk = try desk(parsed, command: command)
        let result = try write(parsed) { transaction in
            try desk.standDown(&transaction, by: by, reason: reason, override: parsed.option("override"), at: .now)
        }
        var line = "\(desk.site): stood down to NORMAL by \(by) (invocation #\(result.invocation.id))."
        if !result.overridden.isEmpty {
            line += " Overridden open items: \(result.overridden.map(\.rawValue).joined(separator: ", "))."
        }
        print(line)
        return .success
    }

    static func check(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "continuity check"
        let parsed = try ParsedArguments.parse(arguments, command: command,
                                               options: ["site", "item", "by", "note", "config", "state"])
        if parsed.wantsHelp { print(help); return .success }
        let itemText = try required("item", parsed, command)
        let by = try required("by", parsed, command)
        _ = try required("site", parsed, command)
        let names = ChecklistItem.recordable.map(\.rawValue).joined(separator: ", ")
        guard let item = ChecklistItem(rawValue: itemText) else {
            throw .usage("--item \(itemText) is not a checklist item (one of: \(names))", command: command)
        }
        guard item != .probesGreen else {
            throw .usage("probes-green is computed from the probes, not recorded (record one of: \(names))",
                         command: command)
        }
        let desk = try desk(parsed, command: command)
        let invocation = try write(parsed) { transaction in
            try desk.check(&transaction, item: item, by: by, note: parsed.option("note"), at: .now)
        }
        print("\(desk.site): \(item.rawValue) recorded by \(by) (invocation #\(invocation.id)).")
        return .success
    }

    // MARK: Shared

    static func required(_ name: String, _ parsed: ParsedArguments,
                         _ command: String) throws(CommandFailure) -> String {
        guard let value = parsed.option(name) else { throw .usage("--\(name) is required", command: command) }
        return value
    }

    static func desk(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> ContinuityDesk {
        let directory = parsed.option("config") ?? CommandLineTool.defaultConfig
        let configuration = try CommandLineTool.loadConfiguration(directory)
        let desk = ContinuityDesk(configuration: configuration)
        try desk.checkSite(parsed.option("site"), command: command)
        return desk
    }

    /// Runs `body` in one log transaction beside a running daemon (or without one).
    static func write<T>(_ parsed: ParsedArguments,
                         _ body: (inout LogTransaction) throws -> T) throws(CommandFailure) -> T {
        try LogAccess.write(parsed.option("state") ?? CommandLineTool.defaultState, body)
    }
}
