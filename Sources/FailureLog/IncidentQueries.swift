public import Monitoring
import SQLite

/// An incident as lists, exports and reports show it.
public struct IncidentSummary: Sendable, Equatable {
    public var id: Int64
    public var site: String
    public var probeID: String?
    public var system: String?
    /// Every affected system, the incident's own first.
    public var systems: [String]
    public var kind: String
    public var title: String
    public var cause: String
    public var startedAt: Timestamp
    public var resolvedAt: Timestamp?
    public var status: IncidentStatus
    public var impact: IncidentImpact
    public var planned: Bool
    public var origin: IncidentOrigin
    public var recordedBy: String?
    public var source: String?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Timestamp?
    public var acknowledgementExpires: Timestamp?
    public var resolvedBy: String?
    public var openedEvent: Int64
    public var resolvedEvent: Int64?

    /// Whether someone owns it at `now` (an acknowledgement with an expiry lapses).
    public func isAcknowledged(at now: Timestamp) -> Bool {
        guard acknowledgedBy != nil, resolvedAt == nil else { return false }
        if let expires = acknowledgementExpires { return now < expires }
        return true
    }

    /// How long it lasted, or has lasted until `now`.
    public func duration(until now: Timestamp) -> Duration { (resolvedAt ?? now) - startedAt }
}

/// One step on an incident's timeline.
public struct IncidentUpdate: Sendable, Equatable {
    public var eventSeq: Int64
    public var at: Timestamp
    public var kind: String
    public var by: String
    public var status: IncidentStatus?
    public var text: String?
}

/// An incident with everything attached to it.
public struct IncidentDetail: Sendable, Equatable {
    public var summary: IncidentSummary
    public var timeline: [IncidentUpdate]
    public var tickets: [String]
    /// Probes that were UNREACHABLE behind this incident's probe: listed here, not separate incidents.
    public var children: [String]
    /// Linked staff reports and probe results: (event seq, role, kind, at).
    public var evidence: [(seq: Int64, role: String, kind: String, at: Timestamp)]

    public static func == (lhs: IncidentDetail, rhs: IncidentDetail) -> Bool {
        lhs.summary == rhs.summary && lhs.timeline == rhs.timeline && lhs.tickets == rhs.tickets
            && lhs.children == rhs.children && lhs.evidence.map(\.seq) == rhs.evidence.map(\.seq)
    }
}

/// Which incidents to list: those overlapping [from, to), at a site, touching a system, planned or not.
public struct IncidentFilter: Sendable {
    public var from: Timestamp?
    public var to: Timestamp?
    public var site: String?
    public var system: String?
    public var planned: Bool?
    public var openOnly: Bool

    public init(from: Timestamp? = nil, to: Timestamp? = nil, site: String? = nil, system: String? = nil,
                planned: Bool? = nil, openOnly: Bool = false) {
        self.from = from
        self.to = to
        self.site = site
        self.system = system
        self.planned = planned
        self.openOnly = openOnly
    }
}

extension LogReader {
    static let incidentColumns = """
        i.id, i.site_id, i.probe_id, i.system, i.kind, i.title, i.cause, i.started_at_ms, i.resolved_at_ms, i.status,
        i.impact, i.planned, i.origin, i.recorded_by, i.source, i.acknowledged_by, i.acknowledged_at_ms,
        i.acknowledgement_expires_ms, i.resolved_by, i.opened_event, i.resolved_event,
        (SELECT group_concat(system, char(31)) FROM (SELECT system FROM incident_scope s WHERE s.incident_id = i.id
            ORDER BY system))
        """

    /// Incidents matching `filter`, oldest first.
    public func incidents(_ filter: IncidentFilter = IncidentFilter()) throws -> [IncidentSummary] {
        var conditions: [String] = []
        var values: [any DatabaseValueConvertible] = []
        if filter.openOnly { conditions.append("i.resolved_at_ms IS NULL") }
        if let from = filter.from {
            conditions.append("(i.resolved_at_ms IS NULL OR i.resolved_at_ms > ?)")
            values.append(from.millisecondsSinceEpoch)
        }
        if let to = filter.to {
            conditions.append("i.started_at_ms < ?")
            values.append(to.millisecondsSinceEpoch)
        }
        if let site = filter.site {
            conditions.append("(i.site_id = ? OR EXISTS (SELECT 1 FROM incident_scope s WHERE s.incident_id = i.id AND s.site_id = ?))")
            values += [site, site]
        }
        if let system = filter.system {
            conditions.append("(i.system = ? OR EXISTS (SELECT 1 FROM incident_scope s WHERE s.incident_id = i.id AND s.system = ?))")
            values += [system, system]
        }
        if let planned = filter.planned {
            conditions.append("i.planned = ?")
            values.append(planned)
        }
        let clause = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        return try connection.rows(
            "SELECT \(Self.incidentColumns) FROM incidents i WHERE \(clause) ORDER BY i.started_at_ms, i.id", values,
            Self.incidentSummary)
    }

    public func incident(_ id: Int64) throws -> IncidentDetail? {
        guard let summary = try connection.firstRow(
            "SELECT \(Self.incidentColumns) FROM incidents i WHERE i.id = ?", [id], Self.incidentSummary)
        else { return nil }
        let timeline = try incidentNotes([id])[id] ?? []
        let tickets = try incidentTickets([id])[id] ?? []
        let children = try connection.rows(
            "SELECT probe_id FROM incident_children WHERE incident_id = ? ORDER BY linked_event", [id]) { $0.text(0) ?? "" }
        let evidence = try connection.rows(
            """
            SELECT v.event_seq, v.role, e.kind, e.at_ms FROM incident_evidence v JOIN events e ON e.seq = v.event_seq
            WHERE v.incident_id = ? ORDER BY v.event_seq
            """, [id]
        ) { row in
            (seq: row.int(0) ?? 0, role: row.text(1) ?? "", kind: row.text(2) ?? "",
             at: Timestamp(millisecondsSinceEpoch: row.int(3) ?? 0))
        }
        return IncidentDetail(summary: summary, timeline: timeline, tickets: tickets, children: children, evidence: evidence)
    }

    static func incidentSummary(_ row: Row) -> IncidentSummary {
        let system = row.text(3)
        var systems = (row.text(21) ?? "").split(separator: "\u{1F}").map(String.init)
        if let system, let index = systems.firstIndex(of: system) {
            systems.remove(at: index)
            systems.insert(system, at: 0)
        }
        return IncidentSummary(
            id: row.int(0) ?? 0, site: row.text(1) ?? "", probeID: row.text(2), system: system, systems: systems,
            kind: row.text(4) ?? "down", title: row.text(5) ?? "", cause: row.text(6) ?? "",
            startedAt: Timestamp(millisecondsSinceEpoch: row.int(7) ?? 0),
            resolvedAt: row.int(8).map(Timestamp.init(millisecondsSinceEpoch:)),
            status: IncidentStatus(rawValue: row.text(9) ?? "") ?? .investigating,
            impact: IncidentImpact(rawValue: row.text(10) ?? "") ?? .major, planned: row.int(11) == 1,
            origin: IncidentOrigin(rawValue: row.text(12) ?? "") ?? .probe, recordedBy: row.text(13),
            source: row.text(14), acknowledgedBy: row.text(15),
            acknowledgedAt: row.int(16).map(Timestamp.init(millisecondsSinceEpoch:)),
            acknowledgementExpires: row.int(17).map(Timestamp.init(millisecondsSinceEpoch:)),
            resolvedBy: row.text(18), openedEvent: row.int(19) ?? 0, resolvedEvent: row.int(20))
    }
}
