import SQLite

extension Schema {
    /// Retention: older minute rollups fold into hours, older hours into days; pruned events are summarised by
    /// signed `log.checkpoint` events so the chain still verifies (issue #4).
    static let retention = Migration(version: 7, name: "retention", sql: """
        \(rollupTable("sample_hours", key: "hour"))
        \(rollupTable("sample_days", key: "day"))
        CREATE INDEX sample_minutes_by_time ON sample_minutes (minute);
        CREATE INDEX events_by_time ON events (at_ms);
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
