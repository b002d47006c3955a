import Foundation
import Configuration
import FailureLog
import Monitoring
import Reports

/// `courtwatch staff log ID --kind KIND ...`: one self-logged entry, hash-chained, linked to the incidents it
/// overlaps in time and system.
enum StaffLogCommand {
    static let help = """
        USAGE: courtwatch staff log ID --kind KIND [--at T] [--systems a,b] [--note TEXT] [--reference REF] [options]

        KINDS and their options:
          time-lost          --minutes N [--could-not TEXT]      what you could not do, e.g. "record contacts"
          extra-hours        --at START --until END [--claim toil|flexi|none]
          cost               --amount 12.50 [--what phone|data|mileage|printing|other] [--agreed-in-writing yes|no]
          deadline           --status at-risk|missed [--target TEXT]
          health-and-safety  --note TEXT [--informed duty-manager|safety-rep|manager|none] [--meeting-requested yes|no]
          manager-notified   --how email|phone|in-person|supervision|message
          helpdesk-ticket    --reference REF

        --at is when it happened (default now; for time-lost, that many minutes ago, so the lost time has just
        ended); --systems defaults to all your systems. Times are ISO 8601 with
        an offset, or local time in your time zone as '2026-11-20 09:15'.

        \(CaseDataScreen.warning) Text that looks like a case number, National Insurance number, PNC ID or date
        of birth is refused.

        The entry's ID, kind, times and systems go into the hash-chained log; the details (minutes, amounts,
        text) are kept beside it with a salted hash in the chain, so they can be erased on request while the
        chain still verifies. The entry is linked to incidents at your site that overlap it in time and system.
        """

    static let freeText = StaffEntryOptions.freeText
    static let choices = StaffEntryOptions.choices
    static let required = StaffEntryOptions.required
    static let allowed = StaffEntryOptions.allowed

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "staff log"
        let fieldOptions: Set<String> = [
            "minutes", "could-not", "until", "claim", "amount", "what", "agreed-in-writing", "status", "target",
            "informed", "meeting-requested", "how", "note", "reference",
        ]
        let parsed = try ParsedArguments.parse(arguments, command: command,
                                               options: fieldOptions.union(["kind", "at", "systems", "config",
                                                                            "state"]),
                                               flags: ["json"], maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        guard let id = parsed.positionals.first else { throw .usage("staff log needs a staff ID", command: command) }
        guard let kindText = parsed.option("kind") else { throw .usage("staff log needs --kind", command: command) }
        var options: [String: String] = [:]
        for option in fieldOptions.sorted() { options[option] = parsed.option(option) }
        if freeText.contains(where: { options[$0] != nil }) {
            FileHandle.standardError.write(Data(("warning: " + CaseDataScreen.warning + "\n").utf8))
        }
        let entry = try record(id, kind: kindText, options: options, at: parsed.option("at"),
                               systems: parsed.option("systems").map { $0.split(separator: ",").map { $0.trimmed } },
                               configDirectory: parsed.option("config") ?? CommandLineTool.defaultConfig,
                               stateDirectory: StaffSupport.store(parsed).stateDirectory)
        let kind = entry.kind
        if parsed.flag("json") {
            print(UserReportRenderer.entryJSON(entry).text())
        } else {
            let links = entry.incidentIDs.isEmpty ? "no overlapping incident"
                : "linked to incident" + (entry.incidentIDs.count == 1 ? " " : "s ")
                    + entry.incidentIDs.map { "#\($0)" }.joined(separator: ", ")
            print("logged \(entry.id) (\(kind.rawValue)) for \(entry.staffID): \(links)")
        }
        return .success
    }

    /// Checks and appends one entry for staff member `id`: what `courtwatch staff log` does and the web
    /// surface's POST /api/v1/staff/entries does for a staff token. `options` are keyed by the CLI's option
    /// names (minutes, could-not, until, ...); `at` and `until` are read as the CLI reads them.
    static func record(_ id: String, kind kindText: String, options: [String: String], at atText: String?,
                       systems requested: [String]?, configDirectory: String,
                       stateDirectory: String) throws(CommandFailure) -> StaffEntry {
        let command = "staff log"
        guard let kind = StaffEntry.Kind(rawValue: kindText) else {
            throw .usage("--kind \(kindText) is not one of "
                         + StaffEntry.Kind.allCases.map(\.rawValue).joined(separator: ", "), command: command)
        }
        for option in options.keys.sorted() {
            guard allowed[kind, default: []].contains(option) || option == "note" || option == "reference" else {
                throw .usage("--\(option) does not apply to --kind \(kind.rawValue)", command: command)
            }
        }
        for option in required[kind, default: []] where options[option] == nil {
            throw .usage("--kind \(kind.rawValue) needs --\(option)", command: command)
        }
        let directory: StaffDirectory
        do {
            directory = try StaffDirectory.load(directory: configDirectory)
        } catch {
            throw CommandFailure(code: .dataError, message: "staff configuration has errors:\n" + error.description)
        }
        let member = try StaffSupport.member(id, in: directory)
        let zone = try StaffSupport.zone(for: member)
        let now = Timestamp.now
        var fields = options
        fields["until"] = nil
        try check(fields, kind: kind)
        // Without --at, time lost is taken to have just ended; anything else happened now.
        let justEnded = now + .seconds(-60 * (kind == .timeLost ? Int(fields["minutes"] ?? "") ?? 0 : 0))
        let at = try atText.map { (text) throws(CommandFailure) in
            try StaffSupport.time(text, option: "at", zone: zone, command: command)
        } ?? justEnded
        var end: Timestamp?
        if kind == .timeLost, let minutes = fields["minutes"].flatMap({ Int($0) }) {
            end = at + .seconds(minutes * 60)
        }
        if let until = options["until"] {
            end = try StaffSupport.time(until, option: "until", zone: zone, command: command)
            guard let end, end > at else {
                throw CommandFailure(code: .dataError, message: "--until must be after --at")
            }
        }
        let systems = requested ?? member.systems
        let draft = StaffEntry(id: "", staffID: member.id, kind: kind, at: at, end: end, systems: systems,
                               fields: fields, recordedAt: now)
        return try LogAccess.write(stateDirectory) { transaction in
            try StaffLog.append(draft, site: member.site, at: now, in: &transaction)
        }
    }

    /// Values are checked before anything is written: numbers, choices, and the case-data screen.
    static func check(_ fields: [String: String], kind: StaffEntry.Kind) throws(CommandFailure) {
        if let minutes = fields["minutes"] {
            guard let value = Int(minutes), (1...24 * 60).contains(value) else {
                throw CommandFailure(code: .dataError,
                                     message: "--minutes \(minutes) is not a whole number from 1 to 1440")
            }
        }
        if let amount = fields["amount"], Money.pence(amount) == nil {
            throw CommandFailure(code: .dataError, message: "--amount \(amount) is not an amount in pounds like 12.50")
        }
        for (option, values) in choices {
            if let value = fields[option], !values.contains(value) {
                throw CommandFailure(code: .dataError,
                                     message: "--\(option) \(value) is not one of \(values.joined(separator: ", "))")
            }
        }
        for option in freeText {
            if let text = fields[option], let reason = CaseDataScreen.reason(text) {
                throw CommandFailure(code: .dataError, message: "--\(option) refused: \(reason). "
                                     + CaseDataScreen.warning)
            }
        }
    }
}
