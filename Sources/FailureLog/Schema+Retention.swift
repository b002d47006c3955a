import SQLite

extension Schema {
    /// Retention: older minute rollups fold into hours, older hours into days; pruned events are summarised by
    /// signed `log.checkpoint` events so the chain still verifies (issue #4).
    static let retention = Migration(version: 7, name: "retention", sql: """
        \(rollupTable("sample_hours", key: "hour"))
        \(rollupTable("sample_days", key: "day"))
        -- The two bulk kinds (failed samples and transitions) are most of the events; an index on their kind
        -- cost 100 MiB a year in the storage benchmark for queries that run once a day (retention), so only
        -- the rarer kinds keep one. Retention and exports scan instead.
        DROP INDEX events_by_kind;
        CREATE INDEX events_by_rare_kind ON events (kind, at_ms) WHERE kind NOT IN ('probe.failed', 'probe.transition');
        -- With foreign keys on, every event retention deletes makes SQLite look for rows that refer to it;
        -- without these, each look is a full scan (the storage benchmark's days of pruning grew to 20 s).
        -- Columns that are mostly NULL get partial indexes: a lookup `col = ?` implies `col IS NOT NULL`.
        CREATE INDEX incidents_opened_event ON incidents (opened_event);
        CREATE INDEX incidents_resolved_event ON incidents (resolved_event) WHERE resolved_event IS NOT NULL;
        CREATE INDEX incident_children_event ON incident_children (linked_event);
        CREATE INDEX incident_tickets_event ON incident_tickets (added_event);
        CREATE INDEX incident_evidence_event ON incident_evidence (event_seq);
        CREATE INDEX continuity_levels_recommendation ON continuity_levels (recommendation_event)
            WHERE recommendation_event IS NOT NULL;
        CREATE INDEX continuity_levels_changed ON continuity_levels (changed_event) WHERE changed_event IS NOT NULL;
        CREATE INDEX continuity_invocations_invoked ON continuity_invocations (invoked_event);
        CREATE INDEX continuity_invocations_stood_down ON continuity_invocations (stood_down_event)
            WHERE stood_down_event IS NOT NULL;
        CREATE INDEX continuity_checklist_event ON continuity_checklist (event_seq);
        CREATE INDEX staff_entries_event ON staff_entries (event_seq);
        CREATE INDEX staff_entries_erased ON staff_entries (erased_event) WHERE erased_event IS NOT NULL;
        CREATE INDEX staff_shares_granted ON staff_shares (granted_event);
        CREATE INDEX staff_shares_revoked ON staff_shares (revoked_event) WHERE revoked_event IS NOT NULL;
        CREATE INDEX staff_erasures_event ON staff_erasures (event_seq);
        """)

    /// A rollup table shaped like `sample_minutes` (v1), keyed by `key` (the bucket's start, ms).
    static func rollupTable(_ name: String, key: String) -> String {
        """
        CREATE TABLE \(name) (
            probe_id TEXT NOT NULL,
            \(key) INTEGER NOT NULL,
            count INTEGER NOT NULL,
            failures INTEGER NOT NULL,
            latency_min_us INTEGER NOT NULL,
            latency_max_us INTEGER NOT NULL,
            latency_sum_us INTEGER NOT NULL,
            h0 INTEGER NOT NULL, h1 INTEGER NOT NULL, h2 INTEGER NOT NULL, h3 INTEGER NOT NULL,
            h4 INTEGER NOT NULL, h5 INTEGER NOT NULL, h6 INTEGER NOT NULL, h7 INTEGER NOT NULL,
            h8 INTEGER NOT NULL,
            PRIMARY KEY (probe_id, \(key))
        ) WITHOUT ROWID;
        """
    }
}
