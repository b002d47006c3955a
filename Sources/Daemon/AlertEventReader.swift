import Foundation
import Alerts
import FailureLog
import Monitoring
import SQLite

/// Reads what the notification dispatcher needs from the failure log with its own read-only connection:
/// routable events after a cursor (whoever wrote them, the daemon or a CLI process), the notification
/// records a restart learns from, and the incidents still open.
final class AlertEventReader {
    /// What an event's payload leaves out is filled from here: the site, and probes for maintenance.
    struct Context {
        var siteID: String
        var probes: [String: ProbeDefinition]
        var maintenance: MaintenanceSchedule
    }

    private let connection: Connection
    private let context: Context

    init(connection: Connection, context: Context) {
        self.connection = connection
        self.context = context
    }

    func close() {
        try? connection.close()
    }

    /// The newest event's sequence number (0 for an empty log).
    func head() throws -> Int64 {
        try connection.scalarInt("SELECT coalesce(max(seq), 0) FROM events") ?? 0
    }

    /// The first routable event in the `window` before event `seq` (by event time), or nil when there is none.
    func firstEvent(within window: Duration, before seq: Int64) throws -> Int64? {
        guard let at = try connection.scalarInt("SELECT at_ms FROM events WHERE seq = ?", [seq]) else { return nil }
        let kinds = AlertDefinition.routableEvents
        return try connection.scalarInt(
            "SELECT min(seq) FROM events WHERE kind IN (\(kinds.map { _ in "?" }.joined(separator: ", "))) AND at_ms >= ?",
            kinds.map { $0 as any DatabaseValueConvertible } + [at - window.milliseconds])
    }

    /// Routable events after `cursor`, oldest first, at most `limit`; the second value is the last seq read
    /// (events that cannot be routed, like an acknowledgement of an unknown incident, are skipped).
    func events(after cursor: Int64, limit: Int = 500) throws -> (events: [AlertEvent], last: Int64) {
        let kinds = AlertDefinition.routableEvents
        let rows = try connection.rows(
            """
            SELECT seq, at_ms, kind, probe_id, payload FROM events
            WHERE seq > ? AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ", "))) ORDER BY seq LIMIT ?
            """, [cursor] + kinds.map { $0 as any DatabaseValueConvertible } + [limit]
        ) { row in
            StoredEvent(seq: row.int(0) ?? 0, at: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0),
                        kind: row.text(2) ?? "", probeID: row.text(3), payload: row.text(4) ?? "{}")
        }
        var events: [AlertEvent] = []
        for row in rows {
            if let event = try alertEvent(row) { events.append(event) }
        }
        return (events, rows.last?.seq ?? cursor)
    }

    /// Every notification record in the log, oldest first.
    func notificationRecords() throws -> [NotificationRecord] {
        try connection.rows(
            "SELECT seq, at_ms, kind, payload FROM events WHERE kind IN (?, ?, ?) ORDER BY seq",
            [EventKind.notificationSent, EventKind.notificationRetrying, EventKind.notificationFailed]
        ) { row -> NotificationRecord? in
            let fields = Self.fields(row.text(3) ?? "{}")
            guard let alert = fields["alert"] as? String, let event = Self.integer(fields["event"]),
                  let outcome = NotificationOutcome(rawValue: fields["outcome"] as? String ?? "") else { return nil }
            return NotificationRecord(
                key: NotificationKey(alert: alert, event: event, round: Int(Self.integer(fields["round"]) ?? 0)),
                channel: fields["channel"] as? String ?? "", incident: Self.integer(fields["incident"]),
                attempt: Int(Self.integer(fields["attempt"]) ?? 1), outcome: outcome,
                detail: fields["detail"] as? String ?? "", at: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0),
                nextAttemptAt: Self.integer(fields["next_attempt_at_ms"]).map(Timestamp.init(millisecondsSinceEpoch:)))
        }.compactMap { $0 }
    }

    /// Incidents still open, each as its opening event, with when its acknowledgement lapses
    /// (`distantFuture` when acknowledged without expiry, nil when unacknowledged).
    func openIncidents() throws -> [(opened: AlertEvent, acknowledgedUntil: Timestamp?)] {
        let rows = try connection.rows(
            """
            SELECT i.opened_event, i.acknowledged_by, i.acknowledgement_expires_ms, e.at_ms, e.kind, e.probe_id,
                e.payload
            FROM incidents i JOIN events e ON e.seq = i.opened_event
            WHERE i.resolved_at_ms IS NULL ORDER BY i.id
            """
        ) { row in
            (StoredEvent(seq: row.int(0) ?? 0, at: Timestamp(millisecondsSinceEpoch: row.int(3) ?? 0),
                         kind: row.text(4) ?? "", probeID: row.text(5), payload: row.text(6) ?? "{}"),
             row.text(1) != nil, row.int(2))
        }
        var open: [(AlertEvent, Timestamp?)] = []
        for (stored, acknowledged, expires) in rows {
            guard let event = try alertEvent(stored) else { continue }
            let until = acknowledged ? expires.map(Timestamp.init(millisecondsSinceEpoch:)) ?? .distantFuture : nil
            open.append((event, until))
        }
        return open
    }

    // MARK: From stored events to alert events

    /// The stored event with the incident's current facts filled in, or nil when it cannot be routed.
    func alertEvent(_ stored: StoredEvent) throws -> AlertEvent? {
        let fields = Self.fields(stored.payload)
        let by = fields["by"] as? String ?? "courtwatch"
        if stored.kind.hasPrefix("continuity.") {
            let site = fields["site"] as? String ?? context.siteID
            let title: String
            if stored.kind == "continuity.invoked" {
                title = "business continuity invoked" + ((fields["level"] as? String).map { " (level \($0))" } ?? "")
            } else {
                title = "business continuity stood down" + ((fields["previous"] as? String).map { " (was \($0))" } ?? "")
            }
            let systems = (fields["systems"] as? [Any])?.compactMap { $0 as? String } ?? []
            return AlertEvent(seq: stored.seq, kind: stored.kind, at: stored.at, site: site, systems: systems,
                              impact: .critical, title: title + " at \(site)", by: by,
                              text: fields["reason"] as? String ?? fields["text"] as? String ?? "")
        }
        var incidentID = Self.integer(fields["incident"])
        if incidentID == nil, stored.kind == "incident.opened" {
            incidentID = try connection.scalarInt("SELECT id FROM incidents WHERE opened_event = ?", [stored.seq])
        }
        guard let incidentID else { return nil }
        let row = try connection.firstRow(
            "SELECT site_id, probe_id, system, title, impact, planned, kind, started_at_ms FROM incidents WHERE id = ?",
            [incidentID]
        ) { row in
            (site: row.text(0), probe: row.text(1), system: row.text(2), title: row.text(3), impact: row.text(4),
             planned: row.int(5).map { $0 != 0 }, kind: row.text(6), startedAt: row.int(7))
        }
        var systems = (fields["systems"] as? [Any])?.compactMap { $0 as? String } ?? []
        if systems.isEmpty {
            systems = try connection.rows("SELECT system FROM incident_scope WHERE incident_id = ? ORDER BY system",
                                          [incidentID]) { $0.text(0) ?? "" }
        }
        if systems.isEmpty, let system = fields["system"] as? String ?? row?.system { systems = [system] }
        // Before the incident workflow, flapping incidents were minor and the rest major.
        let incidentKind = row?.kind ?? fields["kind"] as? String
        let impactText = fields["impact"] as? String ?? row?.impact ?? (incidentKind == "flapping" ? "minor" : "major")
        let probeID = stored.probeID ?? row?.probe
        var event = AlertEvent(
            seq: stored.seq, kind: stored.kind, at: stored.at, incident: incidentID,
            site: fields["site"] as? String ?? row?.site ?? context.siteID, systems: systems,
            impact: AlertDefinition.Impact(rawValue: impactText) ?? .major,
            planned: fields["planned"] as? Bool ?? row?.planned ?? false,
            title: fields["title"] as? String ?? row?.title ?? "incident \(incidentID)", by: by,
            text: fields["cause"] as? String ?? fields["text"] as? String ?? fields["reason"] as? String ?? "")
        if stored.kind == "incident.opened" {
            event.isBackRecorded = fields["origin"] as? String == "back-recorded"
            if let probeID {
                event.isDependencyChild = try connection.scalarInt(
                    """
                    SELECT count(*) FROM incident_children c JOIN incidents i ON i.id = c.incident_id
                    WHERE c.probe_id = ? AND i.id != ? AND i.resolved_at_ms IS NULL
                    """, [probeID, incidentID]) ?? 0 > 0
                let began = row?.startedAt.map(Timestamp.init(millisecondsSinceEpoch:)) ?? stored.at
                if let probe = context.probes[probeID] {
                    event.duringMaintenance = context.maintenance.activeWindow(for: probe, at: began) != nil
                }
            }
        }
        if stored.kind == "incident.acknowledged" {
            event.acknowledgedUntil = Self.integer(fields["expires_at_ms"]).map(Timestamp.init(millisecondsSinceEpoch:))
        }
        return event
    }

    static func fields(_ payload: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
    }

    static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let number as Int: Int64(number)
        case let number as Int64: number
        case let number as NSNumber: number.int64Value
        default: nil
        }
    }
}
