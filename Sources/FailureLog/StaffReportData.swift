public import Monitoring
public import SQLite
import Crypto

extension StaffLog {
    /// Incidents at `site` on any of `systems` that overlap `span`, each with every system it affected.
    public static func accountableIncidents(_ connection: Connection, site: String, systems: [String],
                                            span: TimeSpan) throws -> [AccountableIncident] {
        let ids = try overlappingIncidents(connection, site: site, systems: systems, span: span)
        return try ids.compactMap { id in
            let scope = try connection.rows(
                "SELECT system FROM incident_scope WHERE incident_id = ? AND site_id = ? ORDER BY system", [id, site]) {
                $0.text(0) ?? ""
            }
            return try connection.firstRow("""
                SELECT title, started_at_ms, resolved_at_ms, kind, impact, planned FROM incidents WHERE id = ?
                """, [id]) { row in
                AccountableIncident(id: id, title: row.text(0) ?? "", site: site, systems: scope,
                                    start: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0),
                                    end: row.int(2).map(Timestamp.init(millisecondsSinceEpoch:)),
                                    kind: row.text(3) ?? "down", impact: row.text(4) ?? "major",
                                    planned: (row.int(5) ?? 0) != 0)
            }
        }
    }

    /// Spans inside `span` when courtwatch could not see (prober offline, or the daemon stopped): the state of
    /// the systems is UNKNOWN there, so the report does not count them as outage.
    public static func unknownSpans(_ connection: Connection, span: TimeSpan) throws -> [TimeSpan] {
        let events = try connection.rows("""
            SELECT at_ms, kind FROM events WHERE kind IN (?, ?, ?, ?) AND at_ms < ? ORDER BY seq
            """, [EventKind.proberOffline, EventKind.proberOnline, EventKind.daemonStopped, EventKind.daemonStarted,
                  span.end.millisecondsSinceEpoch]) {
            (Timestamp(millisecondsSinceEpoch: $0.int(0) ?? 0), $0.text(1) ?? "")
        }
        var gaps: [TimeSpan] = []
        var offlineSince: Timestamp?
        var stoppedSince: Timestamp?
        for (time, kind) in events {
            switch kind {
            case EventKind.proberOffline: offlineSince = offlineSince ?? time
            case EventKind.proberOnline:
                if let since = offlineSince { gaps.append(TimeSpan(start: since, end: time)) }
                offlineSince = nil
            case EventKind.daemonStopped: stoppedSince = time
            default:
                if let since = stoppedSince { gaps.append(TimeSpan(start: since, end: time)) }
                if let since = offlineSince { gaps.append(TimeSpan(start: since, end: time)) }
                stoppedSince = nil
                offlineSince = nil
            }
        }
        if let since = offlineSince { gaps.append(TimeSpan(start: since, end: span.end)) }
        if let since = stoppedSince { gaps.append(TimeSpan(start: since, end: span.end)) }
        return TimeSpan.union(gaps.compactMap { $0.clamped(to: span) })
    }

    /// The events a person's report rests on (their entries and the incidents' opening and resolving events)
    /// and a SHA-256 over their `seq:hash` lines, so a printed report can be checked against the log.
    public static func underlyingEvents(_ connection: Connection, entryIDs: [String],
                                        incidentIDs: [Int64]) throws -> (count: Int, sha256: String, headSeq: Int64) {
        var seqs: Set<Int64> = []
        for id in entryIDs {
            if let seq = try connection.scalarInt("SELECT event_seq FROM staff_entries WHERE id = ?", [id]) {
                seqs.insert(seq)
            }
        }
        for id in incidentIDs {
            for seq in try connection.rows("SELECT opened_event, resolved_event FROM incidents WHERE id = ?", [id],
                                           { [$0.int(0), $0.int(1)] }).flatMap({ $0 }) {
                if let seq { seqs.insert(seq) }
            }
        }
        var lines = ""
        for seq in seqs.sorted() {
            let hash = try connection.firstRow("SELECT hash FROM events WHERE seq = ?", [seq]) {
                $0.blob(0) ?? []
            } ?? []
            lines += "\(seq):\(HexEncoding.encode(hash))\n"
        }
        let head = try connection.scalarInt("SELECT max(seq) FROM events") ?? 0
        return (seqs.count, SHA256.hash(Array(lines.utf8)).hex, head)
    }
}
