import SQLite

/// The failure log's schema: append-only migrations. A shipped migration never changes.
enum Schema {
    /// Every migration in order. Each subsystem's own tables live in their own file (Schema+*.swift).
    static let migrator = Migrator(migrations: base + [incidentsWorkflow, continuity, staff, retention])

    static let base: [Migration] = [
        Migration(version: 1, name: "failure-log-v1", sql: """
            -- Every piece of evidence, hash-chained: hash = SHA-256(prev_hash || canonical bytes).
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY,
                at_ms INTEGER NOT NULL,
                kind TEXT NOT NULL,
                probe_id TEXT,
                payload TEXT NOT NULL,
                prev_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE INDEX events_by_probe ON events (probe_id, at_ms);
            CREATE INDEX events_by_kind ON events (kind, at_ms);

            CREATE TABLE sites (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                time_zone TEXT NOT NULL
            );

            -- The probes as last configured, and each one's current state (derived from events).
            CREATE TABLE probes (
                id TEXT PRIMARY KEY,
                site_id TEXT NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                target TEXT NOT NULL,
                system TEXT,
                critical INTEGER NOT NULL,
                interval_ms INTEGER NOT NULL,
                active INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'unknown',
                state_since_ms INTEGER,
                last_check_ms INTEGER,
                last_latency_us INTEGER,
                last_ok INTEGER,
                last_result TEXT
            );

            CREATE TABLE incidents (
                id INTEGER PRIMARY KEY,
                site_id TEXT NOT NULL,
                probe_id TEXT,
                system TEXT,
                title TEXT NOT NULL,
                cause TEXT NOT NULL,
                started_at_ms INTEGER NOT NULL,
                resolved_at_ms INTEGER,
                opened_event INTEGER NOT NULL REFERENCES events (seq),
                resolved_event INTEGER REFERENCES events (seq)
            );
            CREATE INDEX incidents_open ON incidents (resolved_at_ms, probe_id);

            -- Every sample, successful or not, rolled up per probe per minute. Latency buckets (ms):
            -- h0 <10, h1 <25, h2 <50, h3 <100, h4 <250, h5 <500, h6 <1000, h7 <2500, h8 the rest.
            CREATE TABLE sample_minutes (
                probe_id TEXT NOT NULL,
                minute INTEGER NOT NULL,
                count INTEGER NOT NULL,
                failures INTEGER NOT NULL,
                latency_min_us INTEGER NOT NULL,
                latency_max_us INTEGER NOT NULL,
                latency_sum_us INTEGER NOT NULL,
                h0 INTEGER NOT NULL, h1 INTEGER NOT NULL, h2 INTEGER NOT NULL, h3 INTEGER NOT NULL,
                h4 INTEGER NOT NULL, h5 INTEGER NOT NULL, h6 INTEGER NOT NULL, h7 INTEGER NOT NULL,
                h8 INTEGER NOT NULL,
                PRIMARY KEY (probe_id, minute)
            ) WITHOUT ROWID;
            """),
        Migration(version: 2, name: "dependencies-and-flapping", sql: """
            -- DOWN incidents and FLAPPING incidents are kept apart; a probe may have one of each open.
            ALTER TABLE incidents ADD COLUMN kind TEXT NOT NULL DEFAULT 'down';
            -- Probes that became UNREACHABLE because this incident's probe was down: listed, not separate.
            CREATE TABLE incident_children (
                incident_id INTEGER NOT NULL REFERENCES incidents (id),
                probe_id TEXT NOT NULL,
                linked_event INTEGER NOT NULL REFERENCES events (seq),
                PRIMARY KEY (incident_id, probe_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 3, name: "probe-dependencies", sql: """
            -- What each probe depends on (comma-separated IDs), so status can say where a fault is.
            ALTER TABLE probes ADD COLUMN depends_on TEXT NOT NULL DEFAULT '';
            ALTER TABLE probes ADD COLUMN is_reference INTEGER NOT NULL DEFAULT 0;
            """),
    ]

    /// Upper bounds of the latency histogram buckets, in milliseconds.
    static let latencyBucketBoundsMilliseconds: [Int64] = [10, 25, 50, 100, 250, 500, 1000, 2500]
}

/// Names of event kinds. Readers match on these; they never change once shipped.
public enum EventKind {
    public static let daemonStarted = "daemon.started"
    public static let daemonStopped = "daemon.stopped"
    public static let probeFailed = "probe.failed"
    public static let probeTransition = "probe.transition"
    public static let incidentOpened = "incident.opened"
    public static let incidentResolved = "incident.resolved"
    public static let incidentChildLinked = "incident.child-linked"
    public static let proberOffline = "prober.offline"
    public static let proberOnline = "prober.online"
    /// A member of staff said a system is not working for them.
    public static let userReport = "user.report"
}
