public import Monitoring
import SQLite

/// An event as an export carries it: enough to recompute its hash and find it in the log.
public struct ExportedEvent: Sendable {
    public var seq: Int64
    public var at: Timestamp
    public var kind: String
    public var probeID: String?
    public var payload: String
    public var hash: [UInt8]
}

extension LogReader {
    /// The events an export carries: every event about the exported incidents (whenever it was recorded:
    /// a back-recorded outage is written after the fact), and the other events recorded in [from, to) — all
    /// of them, or only the `system`'s probe results when the export is narrowed to one system, or none when
    /// it is narrowed otherwise (`onlyIncidents`).
    public func exportEvents(from: Timestamp, to: Timestamp, incidentIDs: [Int64], system: String?,
                             onlyIncidents: Bool) throws -> [ExportedEvent] {
        let ids = incidentIDs.map(String.init).joined(separator: ",")
        var others = "e.kind NOT LIKE 'incident.%'"
        var values: [any DatabaseValueConvertible] = [from.millisecondsSinceEpoch, to.millisecondsSinceEpoch]
        if let system {
            others += " AND p.system = ?"
            values.append(system)
        } else if onlyIncidents {
            others = "0"
        }
        return try connection.rows(
            """
            SELECT e.seq, e.at_ms, e.kind, e.probe_id, e.payload, e.hash FROM events e
            LEFT JOIN probes p ON p.id = e.probe_id
            WHERE (e.at_ms >= ? AND e.at_ms < ? AND \(others))
               OR (e.kind LIKE 'incident.%' AND json_extract(e.payload, '$.incident') IN (\(ids)))
            ORDER BY e.seq
            """, values
        ) { row in
            ExportedEvent(seq: row.int(0) ?? 0, at: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0),
                          kind: row.text(2) ?? "", probeID: row.text(3), payload: row.text(4) ?? "{}",
                          hash: row.blob(5) ?? [])
        }
    }

    /// The newest event's sequence number and hash: printed on exports so they can be checked against the log.
    public func chainHead() throws -> (seq: Int64, hash: [UInt8]) {
        try connection.firstRow("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") {
            ($0.int(0) ?? 0, $0.blob(1) ?? EventChain.genesis)
        } ?? (0, EventChain.genesis)
    }

    /// Timeline text of each incident in `ids`, oldest first: for one-line exports.
    public func incidentNotes(_ ids: [Int64]) throws -> [Int64: [IncidentUpdate]] {
        var notes: [Int64: [IncidentUpdate]] = [:]
        for id in ids {
            notes[id] = try connection.rows(
                "SELECT event_seq, at_ms, kind, by, status, text FROM incident_updates WHERE incident_id = ? ORDER BY at_ms, event_seq",
                [id]
            ) { row in
                IncidentUpdate(eventSeq: row.int(0) ?? 0, at: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0),
                               kind: row.text(2) ?? "", by: row.text(3) ?? "",
                               status: row.text(4).flatMap(IncidentStatus.init(rawValue:)), text: row.text(5))
            }
        }
        return notes
    }

    /// Ticket references per incident.
    public func incidentTickets(_ ids: [Int64]) throws -> [Int64: [String]] {
        var tickets: [Int64: [String]] = [:]
        for id in ids {
            tickets[id] = try connection.rows(
                "SELECT reference FROM incident_tickets WHERE incident_id = ? ORDER BY added_event", [id]) { $0.text(0) ?? "" }
        }
        return tickets
    }
}
