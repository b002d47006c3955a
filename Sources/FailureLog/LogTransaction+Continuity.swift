public import Monitoring

/// Continuity writes: each appends its event(s) to the chain and updates the derived tables in the same
/// transaction. Callers check the state first (inside the same transaction) and decide; these only record.
extension LogTransaction {
    /// Records an invocation and the level change it causes; returns the new invocation's ID.
    @discardableResult
    public mutating func recordInvocation(site: String, level: String, by: String, reason: String, automatic: Bool,
                                          systems: [String], recommended: String, why: [String], incidents: [Int64],
                                          at time: Timestamp) throws -> Int64 {
        let previous = try ContinuityLog.state(site: site, on: connection).level
        let id = (try connection.scalarInt("SELECT max(id) FROM continuity_invocations") ?? 0) + 1
        let seq = try append(kind: EventKind.continuityInvoked, at: time, payload: [
            "site": .string(site), "invocation": .integer(id), "level": .string(level), "previous": .string(previous),
            "by": .string(by), "reason": .string(reason), "auto": .bool(automatic),
            "systems": .array(systems.map { .string($0) }), "recommended": .string(recommended),
            "why": .array(why.map { .string($0) }), "incidents": .array(incidents.map { .integer($0) }),
        ])
        try connection.execute(
            """
            INSERT INTO continuity_invocations (id, site_id, level, invoked_by, invoked_reason, invoked_at_ms, auto,
                systems, invoked_event)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [id, site, level, by, reason, time.millisecondsSinceEpoch, automatic, systems.joined(separator: ","), seq])
        try recordLevel(site: site, level: level, previous: previous, by: by, reason: reason, automatic: automatic,
                        invocation: id, at: time)
        return id
    }

    /// Moves an open invocation to another paper-mode level (contingency to major, or back).
    public mutating func recordEscalation(site: String, invocation: Int64, level: String, by: String, reason: String,
                                          automatic: Bool, at time: Timestamp) throws {
        let previous = try ContinuityLog.state(site: site, on: connection).level
        try connection.execute("UPDATE continuity_invocations SET level = ? WHERE id = ?", [level, invocation])
        try recordLevel(site: site, level: level, previous: previous, by: by, reason: reason, automatic: automatic,
                        invocation: invocation, at: time)
    }

    /// Records a stand-down back to normal; `override` and `openItems` say what was waived.
    public mutating func recordStandDown(site: String, invocation: ContinuityInvocationRow, by: String, reason: String,
                                         override: String?, openItems: [String], at time: Timestamp) throws {
        let previous = try ContinuityLog.state(site: site, on: connection).level
        let seq = try append(kind: EventKind.continuityStoodDown, at: time, payload: [
            "site": .string(site), "invocation": .integer(invocation.id), "level": "normal",
            "previous": .string(previous), "by": .string(by), "reason": .string(reason), "auto": false,
            "override": .optional(override), "open_items": .array(openItems.map { .string($0) }),
            "invoked_at_ms": .integer(invocation.invokedAt.millisecondsSinceEpoch),
            "duration_ms": .integer((time - invocation.invokedAt).milliseconds),
        ])
        try connection.execute(
            """
            UPDATE continuity_invocations SET stood_down_by = ?, stood_down_reason = ?, override_reason = ?,
                overridden_items = ?, stood_down_at_ms = ?, stood_down_event = ?
            WHERE id = ?
            """,
            [by, reason, override, override == nil ? nil : openItems.joined(separator: ","),
             time.millisecondsSinceEpoch, seq, invocation.id])
        try recordLevel(site: site, level: "normal", previous: previous, by: by, reason: reason, automatic: false,
                        invocation: invocation.id, at: time)
    }

    /// Records one checklist item of an invocation (a later record of the same item replaces the row).
    public mutating func recordChecklistItem(site: String, invocation: Int64, item: String, by: String, note: String?,
                                             at time: Timestamp) throws {
        let seq = try append(kind: EventKind.continuityChecklist, at: time, payload: [
            "site": .string(site), "invocation": .integer(invocation), "item": .string(item), "by": .string(by),
            "note": .optional(note),
        ])
        try connection.execute(
            """
            INSERT INTO continuity_checklist (invocation_id, item, by, at_ms, note, event_seq) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (invocation_id, item) DO UPDATE SET by = excluded.by, at_ms = excluded.at_ms,
                note = excluded.note, event_seq = excluded.event_seq
            """, [invocation, item, by, time.millisecondsSinceEpoch, note, seq])
    }

    /// Records a changed recommendation.
    public mutating func recordRecommendation(site: String, level: String, why: [String], systems: [String],
                                              at time: Timestamp) throws {
        let previous = try ContinuityLog.state(site: site, on: connection).recommendedLevel
        let reasons = JSONValue.array(why.map { .string($0) })
        let seq = try append(kind: EventKind.continuityRecommendation, at: time, payload: [
            "site": .string(site), "level": .string(level), "previous": .string(previous), "why": reasons,
            "systems": .array(systems.map { .string($0) }),
        ])
        try connection.execute(
            """
            INSERT INTO continuity_levels (site_id, recommended_level, recommended_why, recommended_at_ms,
                recommendation_event)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (site_id) DO UPDATE SET recommended_level = excluded.recommended_level,
                recommended_why = excluded.recommended_why, recommended_at_ms = excluded.recommended_at_ms,
                recommendation_event = excluded.recommendation_event
            """, [site, level, reasons.canonicalText, time.millisecondsSinceEpoch, seq])
    }

    private mutating func recordLevel(site: String, level: String, previous: String, by: String, reason: String,
                                      automatic: Bool, invocation: Int64, at time: Timestamp) throws {
        let seq = try append(kind: EventKind.continuityLevel, at: time, payload: [
            "site": .string(site), "level": .string(level), "previous": .string(previous), "by": .string(by),
            "reason": .string(reason), "auto": .bool(automatic), "invocation": .integer(invocation),
        ])
        let open: Int64? = level == "normal" ? nil : invocation
        try connection.execute(
            """
            INSERT INTO continuity_levels (site_id, level, since_ms, invocation_id, changed_event)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (site_id) DO UPDATE SET level = excluded.level, since_ms = excluded.since_ms,
                invocation_id = excluded.invocation_id, changed_event = excluded.changed_event
            """, [site, level, time.millisecondsSinceEpoch, open, seq])
    }
}
