import Foundation
import Configuration
import FailureLog
import Monitoring

/// `courtwatch incidents list|show|open|ack|note|status|impact|ticket|link|resolve`: the incident workflow.
/// Changes go straight into the failure log in their own transaction (safe while the daemon runs), each as
/// a new event: nothing is ever edited in place.
enum IncidentsCommand {
    static let help = """
        USAGE: courtwatch incidents <action> [options]

        ACTIONS:
          list     [--open] [--from T] [--to T] [--site S] [--system S] [--planned|--unplanned] [--json]
          show     ID [--json]
          open     --site S --system S[,S...] --by NAME --text TITLE [--impact none|minor|major|critical]
                   [--planned] [--ticket REF] [--started-at T --source SOURCE [--resolved-at T]]
          ack      ID --by NAME [--for DURATION | --until T]
          note     ID --by NAME --text TEXT
          status   ID --by NAME --status investigating|identified|monitoring [--text TEXT]
          impact   ID --by NAME [--impact LEVEL] [--planned|--unplanned]
          ticket   ID --by NAME --ref REFERENCE
          link     ID --by NAME --event SEQ        (a staff report or probe result as evidence)
          resolve  ID --by NAME --text WHY [--resolved-at T]

        Back-recording: an outage known from elsewhere (the site's paper IT-failure log kept while courtwatch's
        host was down, a supplier's notice) is recorded with 'open --started-at T --source "paper log"' and,
        if it is over, '--resolved-at T'. It is marked back-recorded, with who recorded it and from what source,
        and counts in reports like any other incident.

        Times T are ISO 8601 with an offset: 2026-11-20T09:15:00Z or 2026-11-20T09:15+00:00.
        Free text is kept for years and read by managers and union reps: describe what failed and its effect,
        never case details or the names of court users.

        COMMON OPTIONS:
          --state DIR    State directory (default \(CommandLineTool.defaultState))
          --config DIR   Configuration, to check site and system names on 'open' (default \(CommandLineTool.defaultConfig));
                         accepted and ignored by the other actions
        Exit codes: 0 done, 1 the log cannot be read or written, 64 bad usage, 65 refused (unknown incident,
        already resolved, unknown site or system, bad time).
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        guard let action = arguments.first, !action.hasPrefix("-") else {
            let parsed = try ParsedArguments.parse(arguments, command: "incidents", options: [])
            if parsed.wantsHelp { print(help); return .success }
            throw .usage("incidents needs an action: list, show, open, ack, note, status, impact, ticket, link or resolve",
                         command: "incidents")
        }
        let rest = arguments.dropFirst()
        switch action {
        case "list": return try list(rest)
        case "show": return try show(rest)
        case "open": return try open(rest)
        case "ack", "note", "status", "impact", "ticket", "link", "resolve": return try change(action, rest)
        default: throw .usage("unknown incidents action '\(action)'", command: "incidents")
        }
    }

    // MARK: reading

    static func list(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "incidents list",
                                               options: ["state", "config", "from", "to", "site", "system"],
                                               flags: ["open", "planned", "unplanned", "json"])
        if parsed.wantsHelp { print(help); return .success }
        let filter = IncidentFilter(
            from: try time(parsed, "from", command: "incidents list"), to: try time(parsed, "to", command: "incidents list"),
            site: parsed.option("site"), system: parsed.option("system"),
            planned: try plannedFlag(parsed, command: "incidents list"), openOnly: parsed.flag("open"))
        let (incidents, timeZone) = try read(parsed) { reader throws in (try reader.incidents(filter), try reader.site()?.timeZone) }
        let now = Timestamp.now
        if parsed.flag("json") {
            print(JSONValue.array(incidents.map { json($0, now: now) }).canonicalText)
            return .success
        }
        guard !incidents.isEmpty else {
            print("No incidents match.")
            return .success
        }
        let clock = LocalClock(timeZone: timeZone)
        var rows = [["ID", "STATUS", "IMPACT", "STARTED", "DURATION", "SYSTEMS", "TITLE"]]
        for incident in incidents {
            var status = incident.status.rawValue
            if incident.isAcknowledged(at: now) { status += " (ack)" }
            var title = incident.title
            if incident.planned { title += " [planned]" }
            if incident.origin == .backRecorded { title += " [back-recorded]" }
            rows.append([String(incident.id), status, incident.impact.rawValue,
                         clock.format(incident.startedAt, relativeTo: now),
                         durationText(incident.duration(until: now)) + (incident.resolvedAt == nil ? "+" : ""),
                         incident.systems.joined(separator: ","), title])
        }
        print(table(rows))
        return .success
    }

    static func show(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "incidents show", options: ["state", "config"],
                                               flags: ["json"],
                                               maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        let id = try incidentID(parsed, command: "incidents show")
        let (found, timeZone) = try read(parsed) { reader throws in (try reader.incident(id), try reader.site()?.timeZone) }
        guard let detail = found else { throw CommandFailure(code: .dataError, message: "there is no incident \(id)") }
        let now = Timestamp.now
        let incident = detail.summary
        if parsed.flag("json") {
            guard case var .object(value) = json(incident, now: now) else { return .failure }
            value["timeline"] = .array(detail.timeline.map { update in
                ["event": .integer(update.eventSeq), "at": .string(update.at.iso8601), "kind": .string(update.kind),
                 "by": .string(update.by), "status": .optional(update.status?.rawValue), "text": .optional(update.text)]
            })
            value["tickets"] = .array(detail.tickets.map { .string($0) })
            value["children"] = .array(detail.children.map { .string($0) })
            value["evidence"] = .array(detail.evidence.map {
                ["event": .integer($0.seq), "role": .string($0.role), "kind": .string($0.kind), "at": .string($0.at.iso8601)]
            })
            print(JSONValue.object(value).canonicalText)
            return .success
        }
        let clock = LocalClock(timeZone: timeZone)
        var lines = ["Incident \(incident.id): \(incident.title)"]
        lines.append("  Status:    \(incident.status.rawValue)"
            + (incident.isAcknowledged(at: now) ? ", acknowledged by \(incident.acknowledgedBy ?? "?")" : ""))
        lines.append("  Impact:    \(incident.impact.rawValue), \(incident.planned ? "planned" : "unplanned")")
        lines.append("  Site:      \(incident.site)   Systems: \(incident.systems.joined(separator: ", "))")
        lines.append("  Started:   \(clock.format(incident.startedAt, relativeTo: now)) (\(incident.startedAt.iso8601))")
        if let resolved = incident.resolvedAt {
            lines.append("  Resolved:  \(clock.format(resolved, relativeTo: now)) by \(incident.resolvedBy ?? "?")"
                + " after \(durationText(incident.duration(until: now)))")
        } else {
            lines.append("  Open for:  \(durationText(incident.duration(until: now)))")
        }
        switch incident.origin {
        case .probe: lines.append("  Recorded:  by courtwatch (\(incident.kind)); cause: \(incident.cause)")
        case .manual: lines.append("  Recorded:  by hand, by \(incident.recordedBy ?? "?")")
        case .backRecorded:
            lines.append("  Recorded:  BACK-RECORDED by \(incident.recordedBy ?? "?") from \(incident.source ?? "?")")
        }
        if !detail.tickets.isEmpty { lines.append("  Tickets:   \(detail.tickets.joined(separator: ", "))") }
        if !detail.children.isEmpty {
            lines.append("  Also unreachable behind it: \(detail.children.joined(separator: ", "))")
        }
        for evidence in detail.evidence {
            lines.append("  Evidence:  event \(evidence.seq) (\(evidence.kind), \(evidence.role)) at "
                + clock.format(evidence.at, relativeTo: now))
        }
        lines.append("")
        lines.append("Timeline:")
        for update in detail.timeline {
            let status = update.status.map { " [\($0.rawValue)]" } ?? ""
            lines.append("  \(clock.format(update.at, relativeTo: now))  \(update.kind)\(status) by \(update.by)"
                + (update.text.map { ": \($0)" } ?? ""))
        }
        print(lines.joined(separator: "\n"))
        return .success
    }

    // MARK: writing

    static func open(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "incidents open"
        let parsed = try ParsedArguments.parse(
            arguments, command: command,
            options: ["state", "config", "site", "system", "by", "text", "impact", "ticket", "started-at", "resolved-at",
                      "source"],
            flags: ["planned", "json"])
        if parsed.wantsHelp { print(help); return .success }
        let site = try required(parsed, "site", command: command)
        let systems = try required(parsed, "system", command: command).split(separator: ",")
            .map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let by = try person(parsed, command: command)
        let title = try freeText(parsed, "text", command: command)
        let impact = try parsed.option("impact").map { (text) throws(CommandFailure) in try impactLevel(text, command: command) }
        let startedAt = try time(parsed, "started-at", command: command)
        let resolvedAt = try time(parsed, "resolved-at", command: command)
        let source = parsed.option("source")
        if startedAt != nil && source == nil {
            throw .usage("--started-at back-records an outage: say where it is known from with --source "
                         + "(e.g. \"site paper IT-failure log\" or \"supplier notice REF\")", command: command)
        }
        if resolvedAt != nil && startedAt == nil {
            throw .usage("--resolved-at needs --started-at (back-recording)", command: command)
        }
        let now = Timestamp.now
        let state = parsed.option("state") ?? CommandLineTool.defaultState
        try checkScope(site: site, systems: systems, stateDirectory: state, configDirectory: parsed.option("config"))
        let incident = ManualIncident(
            site: site, systems: systems, title: title, by: by, impact: impact ?? .major, planned: parsed.flag("planned"),
            startedAt: startedAt ?? now, resolvedAt: resolvedAt, source: source,
            tickets: parsed.option("ticket").map { [$0] } ?? [])
        let id = try write(state) { transaction in try transaction.openManualIncident(incident, at: now) }
        if parsed.flag("json") {
            print(JSONValue.object(["incident": .integer(id), "origin": .string(incident.origin.rawValue)]).canonicalText)
        } else {
            let kind = incident.origin == .backRecorded ? "back-recorded incident" : "incident"
            print("opened \(kind) \(id): \(title)" + (resolvedAt != nil ? " (recorded as resolved)" : ""))
        }
        return .success
    }

    static func change(_ action: String, _ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "incidents \(action)"
        let parsed = try ParsedArguments.parse(
            arguments, command: command,
            options: ["state", "config", "by", "text", "for", "until", "status", "impact", "ref", "event", "resolved-at"],
            flags: ["planned", "unplanned"], maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        let id = try incidentID(parsed, command: command)
        let by = try person(parsed, command: command)
        let state = parsed.option("state") ?? CommandLineTool.defaultState
        let now = Timestamp.now
        let message: String
        switch action {
        case "ack":
            var expiry: Timestamp?
            if let text = parsed.option("for") {
                guard let duration = DurationText.parse(text), duration > .zero else {
                    throw .usage("--for \(text) is not a duration like 30m or 2h", command: command)
                }
                expiry = now + duration
            }
            if let until = try time(parsed, "until", command: command) {
                guard expiry == nil else { throw .usage("give --for or --until, not both", command: command) }
                expiry = until
            }
            try write(state) { transaction in try transaction.acknowledgeIncident(id, by: by, expiresAt: expiry, at: now) }
            message = "incident \(id) acknowledged by \(by)" + (expiry.map { " until \($0.iso8601)" } ?? "")
        case "note":
            let text = try freeText(parsed, "text", command: command)
            try write(state) { transaction in try transaction.addIncidentNote(id, by: by, text: text, at: now) }
            message = "note added to incident \(id)"
        case "status":
            let name = try required(parsed, "status", command: command)
            guard let status = IncidentStatus(rawValue: name), status != .resolved else {
                throw .usage("--status must be investigating, identified or monitoring (resolve with "
                             + "'courtwatch incidents resolve')", command: command)
            }
            let text = parsed.option("text")
            try write(state) { transaction in try transaction.setIncidentStatus(id, to: status, by: by, text: text, at: now) }
            message = "incident \(id) is now \(status.rawValue)"
        case "impact":
            let impact = try parsed.option("impact").map { (text) throws(CommandFailure) in try impactLevel(text, command: command) }
            let planned = try plannedFlag(parsed, command: command)
            guard impact != nil || planned != nil else {
                throw .usage("give --impact LEVEL and/or --planned or --unplanned", command: command)
            }
            try write(state) { transaction in
                try transaction.setIncidentImpact(id, impact: impact, planned: planned, by: by, at: now)
            }
            message = "incident \(id) updated"
        case "ticket":
            let reference = try required(parsed, "ref", command: command)
            guard reference.count <= 100 else { throw .usage("--ref is limited to 100 characters", command: command) }
            try write(state) { transaction in try transaction.addIncidentTicket(id, reference: reference, by: by, at: now) }
            message = "ticket \(reference) recorded on incident \(id)"
        case "link":
            guard let event = Int64(try required(parsed, "event", command: command)), event > 0 else {
                throw .usage("--event must be an event sequence number", command: command)
            }
            try write(state) { transaction in try transaction.linkIncidentEvidence(id, event: event, by: by, at: now) }
            message = "event \(event) linked to incident \(id)"
        default:  // resolve
            let text = try freeText(parsed, "text", command: command)
            let resolvedAt = try time(parsed, "resolved-at", command: command)
            try write(state) { transaction in
                try transaction.resolveIncident(id, by: by, text: text, resolvedAt: resolvedAt, at: now)
            }
            message = "incident \(id) resolved by \(by)"
        }
        print(message)
        return .success
    }

    // MARK: helpers

    static func read<T>(_ parsed: ParsedArguments, _ body: (LogReader) throws -> T) throws(CommandFailure) -> T {
        try LogAccess.read(parsed.option("state") ?? CommandLineTool.defaultState, body)
    }

    static func write<T>(_ stateDirectory: String, _ body: (inout LogTransaction) throws -> T) throws(CommandFailure) -> T {
        try LogAccess.write(stateDirectory, body)
    }

    /// Refuses a site or system the configuration (or, without one, the log) does not know, naming those it does.
    static func checkScope(site: String, systems: [String], stateDirectory: String,
                           configDirectory: String?) throws(CommandFailure) {
        var sites: Set<String> = []
        var known: Set<String> = []
        let directory = configDirectory ?? CommandLineTool.defaultConfig
        if let configuration = try? ConfigurationLoader.load(directory: directory) {
            sites.insert(configuration.site.id)
            known.formUnion(configuration.probes.compactMap(\.system))
        } else if configDirectory != nil {
            _ = try CommandLineTool.loadConfiguration(directory)  // throws with every error, file:line
        }
        if let reader = try? LogReader(store: FailureLogStore(stateDirectory: stateDirectory)) {
            if let recorded = try? reader.site() { sites.insert(recorded.id) }
            known.formUnion(((try? reader.probeStatuses()) ?? []).compactMap(\.system))
        }
        guard !sites.isEmpty else {
            throw CommandFailure(code: .dataError,
                                 message: "no site is configured in \(directory) or recorded in \(stateDirectory); give --config DIR")
        }
        guard sites.contains(site) else {
            throw CommandFailure(code: .dataError, message: "unknown site '\(site)' (known: \(sites.sorted().joined(separator: ", ")))")
        }
        for system in systems where !known.contains(system) {
            throw CommandFailure(code: .dataError,
                                 message: "unknown system '\(system)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    static func required(_ parsed: ParsedArguments, _ name: String, command: String) throws(CommandFailure) -> String {
        guard let value = parsed.option(name) else { throw .usage("--\(name) is required", command: command) }
        return value
    }

    static func incidentID(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> Int64 {
        guard let text = parsed.positionals.first else { throw .usage("\(command) needs an incident ID", command: command) }
        guard let id = Int64(text), id > 0 else { throw .usage("'\(text)' is not an incident ID", command: command) }
        return id
    }

    /// A name for the record: who did it. Short, printable, one line.
    static func person(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> String {
        let name = try required(parsed, "by", command: command).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .usage("--by must be a name or staff ID of at most 100 printable characters", command: command) }
        return name
    }

    static func freeText(_ parsed: ParsedArguments, _ name: String, command: String) throws(CommandFailure) -> String {
        let text = try required(parsed, name, command: command).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .usage("--\(name) is empty", command: command) }
        guard text.count <= 2000 else { throw .usage("--\(name) is limited to 2000 characters", command: command) }
        return text
    }

    static func time(_ parsed: ParsedArguments, _ name: String, command: String) throws(CommandFailure) -> Timestamp? {
        guard let text = parsed.option(name) else { return nil }
        guard let time = Timestamp(iso8601: text) else {
            throw CommandFailure(code: .usage, message: "--\(name) \(text) is not an ISO 8601 time with an offset, "
                                 + "e.g. 2026-11-20T09:15:00Z or 2026-11-20T09:15+01:00\nRun 'courtwatch \(command) --help' for usage.")
        }
        return time
    }

    static func impactLevel(_ text: String, command: String) throws(CommandFailure) -> IncidentImpact {
        guard let impact = IncidentImpact(rawValue: text) else {
            throw .usage("--impact must be none, minor, major or critical", command: command)
        }
        return impact
    }

    static func plannedFlag(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> Bool? {
        switch (parsed.flag("planned"), parsed.flag("unplanned")) {
        case (true, true): throw .usage("give --planned or --unplanned, not both", command: command)
        case (true, false): return true
        case (false, true): return false
        case (false, false): return nil
        }
    }

    static func json(_ incident: IncidentSummary, now: Timestamp) -> JSONValue {
        [
            "id": .integer(incident.id), "site": .string(incident.site), "probe": .optional(incident.probeID),
            "systems": .array(incident.systems.map { .string($0) }), "kind": .string(incident.kind),
            "title": .string(incident.title), "cause": .string(incident.cause),
            "started_at": .string(incident.startedAt.iso8601), "resolved_at": .optional(incident.resolvedAt?.iso8601),
            "duration_s": .integer(incident.duration(until: now).milliseconds / 1000),
            "status": .string(incident.status.rawValue), "impact": .string(incident.impact.rawValue),
            "planned": .bool(incident.planned), "origin": .string(incident.origin.rawValue),
            "recorded_by": .optional(incident.recordedBy), "source": .optional(incident.source),
            "acknowledged": .bool(incident.isAcknowledged(at: now)), "acknowledged_by": .optional(incident.acknowledgedBy),
            "acknowledgement_expires": .optional(incident.acknowledgementExpires?.iso8601),
            "resolved_by": .optional(incident.resolvedBy),
        ]
    }

    static func durationText(_ duration: Duration) -> String {
        let minutes = max(0, duration.milliseconds / 60_000)
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 48 * 60 { return "\(minutes / 60)h\(String(format: "%02d", minutes % 60))m" }
        return "\(minutes / 1440)d\(minutes % 1440 / 60)h"
    }

    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
