import SQLite

extension Schema {
    /// Business-continuity levels, invocations, stand-down checklists and forms issued (issue #5).
    /// Every row is derived from a `continuity.*` event in the chain; the event is the record.
    static let continuity = Migration(version: 5, name: "continuity", sql: """
        -- Each site's declared level (normal until someone invokes) and courtwatch's latest recommendation.
        CREATE TABLE continuity_levels (
            site_id TEXT PRIMARY KEY,
            -- normal, contingency or major (watch and degraded are recommendations, not declared).
            level TEXT NOT NULL DEFAULT 'normal',
            since_ms INTEGER,
            invocation_id INTEGER REFERENCES continuity_invocations (id),
            changed_event INTEGER REFERENCES events (seq),
            recommended_level TEXT NOT NULL DEFAULT 'normal',
            -- The reasons as a JSON array of sentences.
            recommended_why TEXT NOT NULL DEFAULT '[]',
            recommended_at_ms INTEGER,
            recommendation_event INTEGER REFERENCES events (seq)
        ) WITHOUT ROWID;

        -- Who invoked contingency, when and why; who stood down, and whether they overrode open items.
        CREATE TABLE continuity_invocations (
            id INTEGER PRIMARY KEY,
            site_id TEXT NOT NULL,
            level TEXT NOT NULL,
            invoked_by TEXT NOT NULL,
            invoked_reason TEXT NOT NULL,
            invoked_at_ms INTEGER NOT NULL,
            auto INTEGER NOT NULL,
            -- Comma-separated systems behind it (from the recommendation), possibly empty.
            systems TEXT NOT NULL DEFAULT '',
            invoked_event INTEGER NOT NULL REFERENCES events (seq),
            stood_down_by TEXT,
            stood_down_reason TEXT,
            override_reason TEXT,
            -- Comma-separated checklist items still open when an override was used.
            overridden_items TEXT,
            stood_down_at_ms INTEGER,
            stood_down_event INTEGER REFERENCES events (seq)
        );
        CREATE INDEX continuity_invocations_by_site ON continuity_invocations (site_id, invoked_at_ms);

        -- Stand-down checklist items recorded by people; the latest record of an item is kept here.
        CREATE TABLE continuity_checklist (
            invocation_id INTEGER NOT NULL REFERENCES continuity_invocations (id),
            item TEXT NOT NULL,
            by TEXT NOT NULL,
            at_ms INTEGER NOT NULL,
            note TEXT,
            event_seq INTEGER NOT NULL REFERENCES events (seq),
            PRIMARY KEY (invocation_id, item)
        ) WITHOUT ROWID;

        -- Paper forms issued (IDs and counts, never case data), so back-recording can be tracked.
        CREATE TABLE continuity_forms_issued (
            event_seq INTEGER PRIMARY KEY REFERENCES events (seq),
            site_id TEXT NOT NULL,
            invocation_id INTEGER REFERENCES continuity_invocations (id),
            incident_id INTEGER,
            form_id TEXT NOT NULL,
            form_version TEXT NOT NULL,
            copies INTEGER NOT NULL,
            issued_by TEXT NOT NULL,
            at_ms INTEGER NOT NULL
        );
        """)
}
