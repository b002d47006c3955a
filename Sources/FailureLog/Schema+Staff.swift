import SQLite

extension Schema {
    /// Staff records, self-logged entries and sharing (issue #6).
    ///
    /// Personal data is kept out of the hashed bytes: a `staff.entry` event carries the entry's skeleton
    /// (ID, pseudonymous staff ID, kind, times, systems) and a salted SHA-256 commitment to its personal
    /// fields; the fields and the salt live in `staff_entry_fields` / `staff_entry_salts`, which erasure
    /// deletes. The chain still verifies, and without the salt the commitment reveals nothing.
    static let staff = Migration(version: 6, name: "staff", sql: """
        CREATE TABLE staff_entries (
            id TEXT PRIMARY KEY,
            event_seq INTEGER NOT NULL REFERENCES events (seq),
            staff_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            at_ms INTEGER NOT NULL,
            end_ms INTEGER,
            -- Comma-separated system names.
            systems TEXT NOT NULL,
            commitment TEXT NOT NULL,
            recorded_at_ms INTEGER NOT NULL,
            erased_event INTEGER REFERENCES events (seq)
        );
        CREATE INDEX staff_entries_by_person ON staff_entries (staff_id, at_ms);

        -- The personal fields (never hashed into the chain) and the salt of the commitment.
        CREATE TABLE staff_entry_fields (
            entry_id TEXT NOT NULL REFERENCES staff_entries (id),
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (entry_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE staff_entry_salts (
            entry_id TEXT PRIMARY KEY REFERENCES staff_entries (id),
            salt BLOB NOT NULL
        );

        -- Incidents an entry overlaps in time and system (found when it is logged), kept private to the
        -- person: they are not added to the site's incident evidence. No foreign key to incidents: retention
        -- removes old incidents on the site's schedule, while the person's entry (and the record that it
        -- matched an incident) is kept on theirs.
        CREATE TABLE staff_entry_incidents (
            entry_id TEXT NOT NULL REFERENCES staff_entries (id),
            incident_id INTEGER NOT NULL,
            PRIMARY KEY (entry_id, incident_id)
        ) WITHOUT ROWID;

        -- Who may see a person's report: manager, union-rep or a named person, until a time or revoked.
        CREATE TABLE staff_shares (
            staff_id TEXT NOT NULL,
            grantee TEXT NOT NULL,
            until_ms INTEGER,
            granted_event INTEGER NOT NULL REFERENCES events (seq),
            revoked_event INTEGER REFERENCES events (seq),
            PRIMARY KEY (staff_id, grantee, granted_event)
        ) WITHOUT ROWID;

        -- Every view and export of a person's data (report, export, aggregate), with who asked.
        CREATE TABLE staff_access (
            event_seq INTEGER PRIMARY KEY REFERENCES events (seq),
            staff_id TEXT NOT NULL,
            viewer TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            at_ms INTEGER NOT NULL
        );
        CREATE INDEX staff_access_by_person ON staff_access (staff_id, at_ms);

        -- People whose personal data was erased on request.
        CREATE TABLE staff_erasures (
            staff_id TEXT PRIMARY KEY,
            event_seq INTEGER NOT NULL REFERENCES events (seq),
            at_ms INTEGER NOT NULL
        );
        """)
}
