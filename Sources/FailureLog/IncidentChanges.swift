public import Monitoring

extension EventKind {
    public static let incidentStatus = "incident.status"
    public static let incidentAcknowledged = "incident.acknowledged"
    public static let incidentNote = "incident.note"
    public static let incidentImpact = "incident.impact"
    public static let incidentTicket = "incident.ticket"
    public static let incidentLinked = "incident.linked"
}

/// Why a change to an incident was refused. Nothing is written when one is thrown.
public struct IncidentChangeError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An incident recorded by a person: as it happens (`manual`) or afterwards (`back-recorded`).
public struct ManualIncident: Sendable {
    public var site: String
    public var systems: [String]
    public var title: String
    public var by: String
    public var impact: IncidentImpact
    public var planned: Bool
    public var startedAt: Timestamp
    public var resolvedAt: Timestamp?
    /// Where a back-recorded outage is known from; nil for one recorded as it happens.
    public var source: String?
    public var tickets: [String]

    public init(site: String, systems: [String], title: String, by: String, impact: IncidentImpact, planned: Bool,
                startedAt: Timestamp, resolvedAt: Timestamp? = nil, source: String? = nil, tickets: [String] = []) {
        self.site = site
        self.systems = systems
        self.title = title
        self.by = by
        self.impact = impact
        self.planned = planned
        self.startedAt = startedAt
        self.resolvedAt = resolvedAt
        self.source = source
        self.tickets = tickets
    }

    public var origin: IncidentOrigin { source == nil ? .manual : .backRecorded }
}

/// The incident workflow's writes. Each appends an event (the record) and updates the derived tables (the
/// index) in the caller's transaction; the caller commits or nothing happens.
extension LogTransaction {
    /// Records a probe-opened incident (DOWN or FLAPPING) and returns its ID.
    mutating func openProbeIncident(site: String, probeID: String, system: String?, kind: IncidentKind, title: String,
                                    cause: String, impact: IncidentImpact, startedAt: Timestamp, at: Timestamp) throws
        -> Int64 {
        let id = try nextIncidentID()
        let seq = try append(kind: EventKind.incidentOpened, at: at, probeID: probeID, payload: [
            "incident": .integer(id),
            "kind": .string(kind.rawValue),
            "title": .string(title),
            "site": .string(site),
            "started_at_ms": .integer(startedAt.millisecondsSinceEpoch),
            "cause": .string(cause),
            "system": .optional(system),
            "systems": .array(system.map { [.string($0)] } ?? []),
            "impact": .string(impact.rawValue),
            "planned": .bool(false),
            "origin": .string(IncidentOrigin.probe.rawValue),
            "by": "courtwatch",
        ])
        try connection.execute(
            """
            INSERT INTO incidents (id, site_id, probe_id, system, title, cause, started_at_ms, opened_event, kind,
                status, impact, planned, origin, recorded_by, updated_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'investigating', ?, 0, 'probe', 'courtwatch', ?)
            """,
            [id, site, probeID, system, title, cause, startedAt.millisecondsSinceEpoch, seq, kind.rawValue,
             impact.rawValue, at.millisecondsSinceEpoch])
        if let system { try addScope(id, site: site, system: system) }
        try addUpdate(seq, incident: id, at: at, kind: "opened", by: "courtwatch", status: .investigating, text: cause)
        return id
    }

    /// Resolves a probe-opened incident on confirmed recovery, keeping the recovering result as evidence.
    /// Returns false when a person already resolved it.
    mutating func resolveProbeIncident(probeID: String, kind: IncidentKind, reason: String, evidence: JSONValue?,
                                       at: Timestamp) throws -> Bool {
        guard let id = try connection.firstRow(
            "SELECT id FROM incidents WHERE probe_id = ? AND kind = ? AND resolved_at_ms IS NULL ORDER BY id DESC LIMIT 1",
            [probeID, kind.rawValue], { $0.int(0) }) ?? nil
        else { return false }
        var payload: [String: JSONValue] = [
            "incident": .integer(id), "kind": .string(kind.rawValue), "reason": .string(reason), "by": "courtwatch",
        ]
        if let evidence { payload["evidence"] = evidence }
        let seq = try append(kind: EventKind.incidentResolved, at: at, probeID: probeID, payload: .object(payload))
        try markResolved(id, seq: seq, at: at, by: "courtwatch", text: reason)
        return true
    }

    /// Records an incident a person opened; returns its ID.
    public mutating func openManualIncident(_ incident: ManualIncident, at: Timestamp) throws -> Int64 {
        guard !incident.systems.isEmpty else { throw IncidentChangeError("an incident needs at least one --system") }
        if let resolvedAt = incident.resolvedAt, resolvedAt < incident.startedAt {
            throw IncidentChangeError("--resolved-at \(resolvedAt.iso8601) is before --started-at \(incident.startedAt.iso8601)")
        }
        if incident.startedAt > at + .seconds(60) {
            throw IncidentChangeError("--started-at \(incident.startedAt.iso8601) is in the future")
        }
        let id = try nextIncidentID()
        var payload: [String: JSONValue] = [
            "incident": .integer(id),
            "kind": "manual",
            "title": .string(incident.title),
            "site": .string(incident.site),
            "system": .string(incident.systems[0]),
            "systems": .array(incident.systems.map { .string($0) }),
            "started_at_ms": .integer(incident.startedAt.millisecondsSinceEpoch),
            "cause": .string(incident.title),
            "impact": .string(incident.impact.rawValue),
            "planned": .bool(incident.planned),
            "origin": .string(incident.origin.rawValue),
            "by": .string(incident.by),
            "source": .optional(incident.source),
        ]
        if let resolvedAt = incident.resolvedAt { payload["resolved_at_ms"] = .integer(resolvedAt.millisecondsSinceEpoch) }
        let seq = try append(kind: EventKind.incidentOpened, at: at, payload: .object(payload))
        try connection.execute(
            """
            INSERT INTO incidents (id, site_id, probe_id, system, title, cause, started_at_ms, opened_event, kind,
                status, impact, planned, origin, recorded_by, source, updated_at_ms)
            VALUES (?, ?, NULL, ?, ?, ?, ?, ?, 'manual', 'investigating', ?, ?, ?, ?, ?, ?)
            """,
            [id, incident.site, incident.systems[0], incident.title, incident.title,
             incident.startedAt.millisecondsSinceEpoch, seq, incident.impact.rawValue, incident.planned,
             incident.origin.rawValue, incident.by, incident.source, at.millisecondsSinceEpoch])
        for system in incident.systems { try addScope(id, site: incident.site, system: system) }
        let opening = incident.source.map { "back-recorded from \($0): \(incident.title)" } ?? incident.title
        try addUpdate(seq, incident: id, at: at, kind: "opened", by: incident.by, status: .investigating, text: opening)
        for ticket in incident.tickets { try addTicket(id, reference: ticket, by: incident.by, at: at) }
        if let resolvedAt = incident.resolvedAt {
            let resolved = try append(kind: EventKind.incidentResolved, at: at, payload: [
                "incident": .integer(id), "by": .string(incident.by), "reason": "back-recorded",
                "resolved_at_ms": .integer(resolvedAt.millisecondsSinceEpoch),
                "text": .string("resolved at \(resolvedAt.iso8601) per \(incident.source ?? "the person recording it")"),
            ])
            try markResolved(id, seq: resolved, at: resolvedAt, by: incident.by, text: "back-recorded as resolved",
                             recordedAt: at)
        }
        return id
    }

    /// Moves an open incident to investigating, identified or monitoring.
    public mutating func setIncidentStatus(_ id: Int64, to status: IncidentStatus, by: String, text: String?,
                                           at: Timestamp) throws {
        guard status != .resolved else {
            throw IncidentChangeError("use 'courtwatch incidents resolve' to resolve an incident (it needs a note)")
        }
        try requireOpen(id)
        let seq = try append(kind: EventKind.incidentStatus, at: at, payload: [
            "incident": .integer(id), "by": .string(by), "status": .string(status.rawValue), "text": .optional(text),
        ])
        try connection.execute("UPDATE incidents SET status = ?, updated_at_ms = ? WHERE id = ?",
                               [status.rawValue, at.millisecondsSinceEpoch, id])
        try addUpdate(seq, incident: id, at: at, kind: "status", by: by, status: status, text: text)
    }

    /// Acknowledges an open incident: someone owns it, so re-notification stops until `expiresAt`.
    public mutating func acknowledgeIncident(_ id: Int64, by: String, expiresAt: Timestamp?, at: Timestamp) throws {
        try requireOpen(id)
        if let expiresAt, expiresAt <= at { throw IncidentChangeError("the acknowledgement expiry is not in the future") }
        let seq = try append(kind: EventKind.incidentAcknowledged, at: at, payload: [
            "incident": .integer(id), "by": .string(by),
            "expires_at_ms": .optional(expiresAt?.millisecondsSinceEpoch),
        ])
        try connection.execute(
            """
            UPDATE incidents SET acknowledged_by = ?, acknowledged_at_ms = ?, acknowledgement_expires_ms = ?,
                updated_at_ms = ? WHERE id = ?
            """,
            [by, at.millisecondsSinceEpoch, expiresAt?.millisecondsSinceEpoch, at.millisecondsSinceEpoch, id])
        let until = expiresAt.map { " until \($0.iso8601)" } ?? ""
        try addUpdate(seq, incident: id, at: at, kind: "acknowledged", by: by, status: nil, text: "acknowledged\(until)")
    }

    /// Adds a note to the timeline; resolved incidents take notes too (corrections are new events).
    public mutating func addIncidentNote(_ id: Int64, by: String, text: String, at: Timestamp) throws {
        try requireExists(id)
        let seq = try append(kind: EventKind.incidentNote, at: at, payload: [
            "incident": .integer(id), "by": .string(by), "text": .string(text),
        ])
        try connection.execute("UPDATE incidents SET updated_at_ms = ? WHERE id = ?", [at.millisecondsSinceEpoch, id])
        try addUpdate(seq, incident: id, at: at, kind: "note", by: by, status: nil, text: text)
    }

    /// Sets impact and planned/unplanned; allowed after resolution, as a correction with who and when.
    public mutating func setIncidentImpact(_ id: Int64, impact: IncidentImpact?, planned: Bool?, by: String,
                                           at: Timestamp) throws {
        let current = try requireExists(id)
        let newImpact = impact ?? current.impact
        let newPlanned = planned ?? current.planned
        let seq = try append(kind: EventKind.incidentImpact, at: at, payload: [
            "incident": .integer(id), "by": .string(by), "impact": .string(newImpact.rawValue),
            "planned": .bool(newPlanned),
        ])
        try connection.execute("UPDATE incidents SET impact = ?, planned = ?, updated_at_ms = ? WHERE id = ?",
                               [newImpact.rawValue, newPlanned, at.millisecondsSinceEpoch, id])
        try addUpdate(seq, incident: id, at: at, kind: "impact", by: by, status: nil,
                      text: "impact \(newImpact.rawValue), \(newPlanned ? "planned" : "unplanned")")
    }

    /// Adds affected systems (and sites) beyond the incident's own.
    public mutating func addIncidentScope(_ id: Int64, site: String, systems: [String], by: String, at: Timestamp) throws {
        try requireExists(id)
        let seq = try append(kind: EventKind.incidentNote, at: at, payload: [
            "incident": .integer(id), "by": .string(by), "site": .string(site),
            "systems_added": .array(systems.map { .string($0) }),
            "text": .string("also affects \(systems.joined(separator: ", ")) at \(site)"),
        ])
        for system in systems { try addScope(id, site: site, system: system) }
        try addUpdate(seq, incident: id, at: at, kind: "note", by: by, status: nil,
                      text: "also affects \(systems.joined(separator: ", ")) at \(site)")
    }

    /// Records a helpdesk or supplier ticket reference.
    public mutating func addIncidentTicket(_ id: Int64, reference: String, by: String, at: Timestamp) throws {
        try requireExists(id)
        try addTicket(id, reference: reference, by: by, at: at)
    }

    /// Links a staff report or a probe result (by event sequence number) to an incident as evidence.
    public mutating func linkIncidentEvidence(_ id: Int64, event: Int64, by: String, at: Timestamp) throws {
        try requireExists(id)
        guard let kind = try connection.firstRow("SELECT kind FROM events WHERE seq = ?", [event], { $0.text(0) }) ?? nil
        else { throw IncidentChangeError("there is no event \(event) in the failure log") }
        let role = kind == EventKind.userReport ? "staff-report" : "evidence"
        let seq = try append(kind: EventKind.incidentLinked, at: at, payload: [
            "incident": .integer(id), "by": .string(by), "event": .integer(event), "role": .string(role),
        ])
        try connection.execute("INSERT OR IGNORE INTO incident_evidence (incident_id, event_seq, role) VALUES (?, ?, ?)",
                               [id, event, role])
        try addUpdate(seq, incident: id, at: at, kind: "link", by: by, status: nil, text: "linked \(role) event \(event) (\(kind))")
    }

    /// Links a staff report to every open incident on its system at `site`, as evidence recorded by courtwatch.
    mutating func linkStaffReport(_ seq: Int64, system: String, site: String, at: Timestamp) throws {
        let open = try connection.rows(
            """
            SELECT DISTINCT i.id FROM incidents i JOIN incident_scope s ON s.incident_id = i.id
            WHERE i.resolved_at_ms IS NULL AND s.system = ? AND s.site_id = ? ORDER BY i.id
            """, [system, site]) { $0.int(0) ?? 0 }
        for id in open {
            let linked = try append(kind: EventKind.incidentLinked, at: at, payload: [
                "incident": .integer(id), "by": "courtwatch", "event": .integer(seq), "role": "staff-report",
            ])
            try connection.execute("INSERT OR IGNORE INTO incident_evidence (incident_id, event_seq, role) VALUES (?, ?, ?)",
                                   [id, seq, "staff-report"])
            try addUpdate(linked, incident: id, at: at, kind: "link", by: "courtwatch", status: nil,
                          text: "staff report about \(system) (event \(seq))")
        }
    }

    /// Resolves an open incident by hand; the note says why (a person's resolve always needs one).
    public mutating func resolveIncident(_ id: Int64, by: String, text: String, resolvedAt: Timestamp? = nil,
                                         at: Timestamp) throws {
        guard !text.isEmpty else { throw IncidentChangeError("resolving by hand needs a note (--text) saying why") }
        let incident = try requireOpen(id)
        let when = resolvedAt ?? at
        guard when >= incident.startedAt else {
            throw IncidentChangeError("the resolution time \(when.iso8601) is before the incident started (\(incident.startedAt.iso8601))")
        }
        var payload: [String: JSONValue] = [
            "incident": .integer(id), "by": .string(by), "reason": "resolved by hand", "text": .string(text),
        ]
        if let resolvedAt { payload["resolved_at_ms"] = .integer(resolvedAt.millisecondsSinceEpoch) }
        let seq = try append(kind: EventKind.incidentResolved, at: at, probeID: incident.probeID, payload: .object(payload))
        try markResolved(id, seq: seq, at: when, by: by, text: text, recordedAt: at)
    }

    // MARK: helpers

    struct IncidentRow {
        var probeID: String?
        var startedAt: Timestamp
        var resolved: Bool
        var impact: IncidentImpact
        var planned: Bool
    }

    @discardableResult
    private func requireExists(_ id: Int64) throws -> IncidentRow {
        guard let row = try connection.firstRow(
            "SELECT probe_id, started_at_ms, resolved_at_ms IS NOT NULL, impact, planned FROM incidents WHERE id = ?", [id],
            { IncidentRow(probeID: $0.text(0), startedAt: Timestamp(millisecondsSinceEpoch: $0.int(1) ?? 0),
                          resolved: ($0.int(2) ?? 0) != 0, impact: IncidentImpact(rawValue: $0.text(3) ?? "") ?? .major,
                          planned: ($0.int(4) ?? 0) != 0) })
        else { throw IncidentChangeError("there is no incident \(id)") }
        return row
    }

    @discardableResult
    private func requireOpen(_ id: Int64) throws -> IncidentRow {
        let row = try requireExists(id)
        if row.resolved { throw IncidentChangeError("incident \(id) is already resolved; add a note to correct it") }
        return row
    }

    private func nextIncidentID() throws -> Int64 {
        (try connection.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM incidents")) ?? 1
    }

    private func addScope(_ id: Int64, site: String, system: String) throws {
        try connection.execute("INSERT OR IGNORE INTO incident_scope (incident_id, site_id, system) VALUES (?, ?, ?)",
                               [id, site, system])
    }

    private mutating func addTicket(_ id: Int64, reference: String, by: String, at: Timestamp) throws {
        let seq = try append(kind: EventKind.incidentTicket, at: at, payload: [
            "incident": .integer(id), "by": .string(by), "reference": .string(reference),
        ])
        try connection.execute("INSERT OR IGNORE INTO incident_tickets (incident_id, reference, added_event) VALUES (?, ?, ?)",
                               [id, reference, seq])
        try addUpdate(seq, incident: id, at: at, kind: "ticket", by: by, status: nil, text: reference)
    }

    private func markResolved(_ id: Int64, seq: Int64, at: Timestamp, by: String, text: String,
                              recordedAt: Timestamp? = nil) throws {
        try connection.execute(
            """
            UPDATE incidents SET resolved_at_ms = ?, resolved_event = ?, status = 'resolved', resolved_by = ?,
                updated_at_ms = ? WHERE id = ?
            """,
            [at.millisecondsSinceEpoch, seq, by, (recordedAt ?? at).millisecondsSinceEpoch, id])
        try addUpdate(seq, incident: id, at: recordedAt ?? at, kind: "resolved", by: by, status: .resolved, text: text)
    }

    private func addUpdate(_ seq: Int64, incident: Int64, at: Timestamp, kind: String, by: String,
                           status: IncidentStatus?, text: String?) throws {
        try connection.execute(
            "INSERT INTO incident_updates (event_seq, incident_id, at_ms, kind, by, status, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [seq, incident, at.millisecondsSinceEpoch, kind, by, status?.rawValue, text])
    }
}
