import Foundation
import Crypto
import Documents
import FailureLog
import Monitoring

/// `courtwatch log export`: the failure log for a period as CSV (one row per incident) or JSON (incidents
/// with their timelines and the underlying events with their hashes), optionally signed with the state
/// directory's Ed25519 key so anyone can check it with the stock openssl command.
enum LogExportCommand {
    static let help = """
        USAGE: courtwatch log export --from T --to T --format csv|json --out FILE [--site S] [--system S]
                                     [--planned|--unplanned] [--sign] [--state DIR]

        Writes every incident overlapping [--from, --to) — as CSV, one row per incident with its timeline
        joined into the notes column, or as JSON with each incident's timeline and the events behind it
        (sequence number, time, kind, payload, hash). Both carry the log's chain head (last sequence number and
        hash) at the time of export, so a printed export can be checked against the log.

        --sign writes a detached Ed25519 signature beside the export (FILE.sig) with the key in the state
        directory (created on first use; the public key is STATE/signing-key.pub.pem). Anyone can check it
        with only openssl installed:
          openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in FILE -sigfile FILE.sig

        T is an ISO 8601 time with an offset, or a date (YYYY-MM-DD, midnight UTC).
        OPTIONS:
          --site S, --system S   Only incidents at site S / affecting system S
          --planned, --unplanned Only planned (maintenance) or only unplanned incidents
          --state DIR            State directory (default \(CommandLineTool.defaultState))
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "log export"
        let parsed = try ParsedArguments.parse(arguments, command: command,
                                               options: ["state", "from", "to", "site", "system", "format", "out"],
                                               flags: ["planned", "unplanned", "sign"])
        if parsed.wantsHelp { print(help); return .success }
        let from = try dayOrTime(try IncidentsCommand.required(parsed, "from", command: command), "from", command: command)
        let to = try dayOrTime(try IncidentsCommand.required(parsed, "to", command: command), "to", command: command)
        guard from < to else { throw .usage("--from must be before --to", command: command) }
        let format = try IncidentsCommand.required(parsed, "format", command: command)
        guard format == "csv" || format == "json" else { throw .usage("--format must be csv or json", command: command) }
        let out = try IncidentsCommand.required(parsed, "out", command: command)
        let planned = try IncidentsCommand.plannedFlag(parsed, command: command)
        let stateDirectory = parsed.option("state") ?? CommandLineTool.defaultState
        let (bytes, count) = try render(stateDirectory: stateDirectory, format: format, filter: IncidentFilter(
            from: from, to: to, site: parsed.option("site"), system: parsed.option("system"), planned: planned))

        do {
            if parsed.flag("sign") {
                let signer = try ExportSigner.loadOrCreate(stateDirectory: stateDirectory)
                try signer.writeSigned(bytes, to: out)
                print("wrote \(out) (\(count) incidents) and \(out).sig")
                print("check it with: \(signer.verificationCommand(for: out))")
            } else {
                try ExportSigner.writeAtomically(bytes, to: out, mode: 0o644)
                print("wrote \(out) (\(count) incidents)")
            }
        } catch {
            throw CommandFailure(code: .failure, message: error.description)
        }
        return .success
    }

    /// The export's bytes and how many incidents it holds: what `courtwatch log export` writes and the web
    /// surface's /api/v1/log/export serves. `filter` carries from, to and the narrowing options.
    static func render(stateDirectory: String, format: String,
                       filter: IncidentFilter) throws(CommandFailure) -> (bytes: [UInt8], count: Int) {
        guard let from = filter.from, let to = filter.to else {
            throw CommandFailure(code: .usage, message: "an export needs a period (from and to)")
        }
        do {
            let reader = try LogReader(store: FailureLogStore(stateDirectory: stateDirectory))
            let incidents = try reader.incidents(filter)
            let head = try reader.chainHead()
            let ids = incidents.map(\.id)
            let notes = try reader.incidentNotes(ids)
            let tickets = try reader.incidentTickets(ids)
            let narrowed = filter.site != nil || filter.system != nil || filter.planned != nil
            let scope = ExportScope(from: from, to: to, filter: filter, head: head, site: try reader.site())
            if format == "csv" {
                return (Array(csv(incidents, notes: notes, tickets: tickets, scope: scope).utf8), incidents.count)
            }
            let events = try reader.exportEvents(from: from, to: to, incidentIDs: ids, system: filter.system,
                                                 onlyIncidents: narrowed)
            return (Array(json(incidents, notes: notes, tickets: tickets, events: events, scope: scope).utf8),
                    incidents.count)
        } catch let error as FailureLogStore.Failure {
            throw CommandFailure(code: .failure, message: error.description)
        } catch {
            throw CommandFailure(code: .failure, message: "\(stateDirectory): \(error)")
        }
    }

    struct ExportScope {
        var from: Timestamp
        var to: Timestamp
        var filter: IncidentFilter
        var head: (seq: Int64, hash: [UInt8])
        var site: SiteDefinition?
    }

    static func csv(_ incidents: [IncidentSummary], notes: [Int64: [IncidentUpdate]], tickets: [Int64: [String]],
                    scope: ExportScope) -> String {
        var writer = CSVWriter(header: [
            "incident", "site", "systems", "title", "kind", "status", "impact", "planned", "origin", "recorded_by",
            "source", "started_at", "resolved_at", "duration_minutes", "acknowledged_by", "resolved_by", "tickets",
            "opened_event", "resolved_event", "timeline",
        ])
        for incident in incidents {
            let timeline = (notes[incident.id] ?? []).map { update in
                "\(update.at.iso8601) \(update.kind) by \(update.by)" + (update.text.map { ": \($0)" } ?? "")
            }
            writer.row([
                String(incident.id), incident.site, incident.systems.joined(separator: ";"), incident.title, incident.kind,
                incident.status.rawValue, incident.impact.rawValue, incident.planned ? "planned" : "unplanned",
                incident.origin.rawValue, incident.recordedBy ?? "", incident.source ?? "", incident.startedAt.iso8601,
                incident.resolvedAt?.iso8601 ?? "",
                incident.resolvedAt.map { String(($0 - incident.startedAt).milliseconds / 60_000) } ?? "",
                incident.acknowledgedBy ?? "", incident.resolvedBy ?? "",
                (tickets[incident.id] ?? []).joined(separator: ";"), String(incident.openedEvent),
                incident.resolvedEvent.map(String.init) ?? "", timeline.joined(separator: " | "),
            ])
        }
        // The last line ties the file to the log: its chain head when exported.
        writer.row(["# chain head", "seq \(scope.head.seq)", HexEncoding.encode(scope.head.hash),
                    "from \(scope.from.iso8601)", "to \(scope.to.iso8601)"])
        return writer.text
    }

    static func json(_ incidents: [IncidentSummary], notes: [Int64: [IncidentUpdate]], tickets: [Int64: [String]],
                     events: [ExportedEvent], scope: ExportScope) -> String {
        let now = Timestamp.now
        let incidentValues: [JSONValue] = incidents.map { incident in
            guard case var .object(value) = IncidentsCommand.json(incident, now: now) else { return .null }
            value["timeline"] = .array((notes[incident.id] ?? []).map { update in
                ["event": .integer(update.eventSeq), "at": .string(update.at.iso8601), "kind": .string(update.kind),
                 "by": .string(update.by), "status": .optional(update.status?.rawValue), "text": .optional(update.text)]
            })
            value["tickets"] = .array((tickets[incident.id] ?? []).map { .string($0) })
            value["opened_event"] = .integer(incident.openedEvent)
            value["resolved_event"] = .optional(incident.resolvedEvent)
            return .object(value)
        }
        let eventValues: [JSONValue] = events.map { event in
            [
                "seq": .integer(event.seq), "at": .string(event.at.iso8601), "at_ms": .integer(event.at.millisecondsSinceEpoch),
                "kind": .string(event.kind), "probe": .optional(event.probeID), "payload": .string(event.payload),
                "hash": .string(HexEncoding.encode(event.hash)),
            ]
        }
        let value: JSONValue = [
            "export": [
                "generated_by": .string("courtwatch \(DaemonRunner.version)"),
                "from": .string(scope.from.iso8601), "to": .string(scope.to.iso8601),
                "site": .optional(scope.filter.site ?? scope.site?.id), "system": .optional(scope.filter.system),
                "planned": scope.filter.planned.map { .bool($0) } ?? .null,
                "chain_head": ["seq": .integer(scope.head.seq), "hash": .string(HexEncoding.encode(scope.head.hash))],
                "note": "event hashes: SHA-256(prev_hash || \"courtwatch-event-v1\\n\" seq \"\\n\" at_ms \"\\n\" kind \"\\n\" probe \"\\n\" payload)",
            ],
            "incidents": .array(incidentValues),
            "events": .array(eventValues),
        ]
        return value.canonicalText + "\n"
    }

    /// An ISO 8601 time, or a bare date meaning midnight UTC at its start.
    static func dayOrTime(_ text: String, _ name: String, command: String) throws(CommandFailure) -> Timestamp {
        if let time = Timestamp(iso8601: text) { return time }
        if let time = Timestamp(iso8601: text + "T00:00:00Z") { return time }
        throw .usage("--\(name) \(text) is not a date (2026-04-01) or an ISO 8601 time with an offset", command: command)
    }
}
