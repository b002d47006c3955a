import SQLite

extension Schema {
    /// The incident workflow (issue #4): Statuspage lifecycle, acknowledgement, impact, planned or not,
    /// hand-recorded and back-recorded incidents, a timeline of updates, tickets and links to evidence.
    /// Every row here is derived from an event in the chain; the event is the record, the row its index.
    static let incidentsWorkflow = Migration(version: 4, name: "incidents-workflow", sql: """
        -- investigating, identified, monitoring or resolved.
        ALTER TABLE incidents ADD COLUMN status TEXT NOT NULL DEFAULT 'investigating';
        -- none, minor, major or critical.
        ALTER TABLE incidents ADD COLUMN impact TEXT NOT NULL DEFAULT 'major';
        ALTER TABLE incidents ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;
        -- probe (opened by courtwatch), manual (opened by a person as it happened) or back-recorded
        -- (an outage known from elsewhere, recorded afterwards).
        ALTER TABLE incidents ADD COLUMN origin TEXT NOT NULL DEFAULT 'probe';
        ALTER TABLE incidents ADD COLUMN recorded_by TEXT;
        -- Where a back-recorded outage is known from: the site's paper log, a supplier's notice.
        ALTER TABLE incidents ADD COLUMN source TEXT;
        ALTER TABLE incidents ADD COLUMN acknowledged_by TEXT;
        ALTER TABLE incidents ADD COLUMN acknowledged_at_ms INTEGER;
        ALTER TABLE incidents ADD COLUMN acknowledgement_expires_ms INTEGER;
        ALTER TABLE incidents ADD COLUMN resolved_by TEXT;
        ALTER TABLE incidents ADD COLUMN updated_at_ms INTEGER;
        UPDATE incidents SET status = 'resolved', resolved_by = 'courtwatch' WHERE resolved_at_ms IS NOT NULL;
        UPDATE incidents SET impact = 'minor' WHERE kind = 'flapping';

        -- Systems and sites an incident affects, beyond its own probe's.
        CREATE TABLE incident_scope (
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            site_id TEXT NOT NULL,
            system TEXT NOT NULL,
            PRIMARY KEY (incident_id, site_id, system)
        ) WITHOUT ROWID;
        INSERT INTO incident_scope (incident_id, site_id, system)
            SELECT id, site_id, system FROM incidents WHERE system IS NOT NULL;

        -- The timeline: every step, who and when. kind is opened, status, acknowledged, note, impact,
        -- planned, ticket, link, resolved or reopened.
        CREATE TABLE incident_updates (
            event_seq INTEGER PRIMARY KEY REFERENCES events (seq),
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            at_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            by TEXT NOT NULL,
            status TEXT,
            text TEXT
        );
        CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id, at_ms);
        INSERT INTO incident_updates (event_seq, incident_id, at_ms, kind, by, status, text)
            SELECT opened_event, id, started_at_ms, 'opened', 'courtwatch', 'investigating', cause FROM incidents;
        INSERT INTO incident_updates (event_seq, incident_id, at_ms, kind, by, status, text)
            SELECT resolved_event, id, resolved_at_ms, 'resolved', 'courtwatch', 'resolved', 'recovered'
            FROM incidents WHERE resolved_event IS NOT NULL;

        -- Helpdesk and supplier ticket references.
        CREATE TABLE incident_tickets (
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            reference TEXT NOT NULL,
            added_event INTEGER NOT NULL REFERENCES events (seq),
            PRIMARY KEY (incident_id, reference)
        ) WITHOUT ROWID;

        -- Evidence linked to an incident: staff reports (user.report events) and probe results.
        CREATE TABLE incident_evidence (
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            event_seq INTEGER NOT NULL REFERENCES events (seq),
            role TEXT NOT NULL,
            PRIMARY KEY (incident_id, event_seq)
        ) WITHOUT ROWID;
        CREATE INDEX incidents_by_time ON incidents (site_id, started_at_ms);
        """)
}
