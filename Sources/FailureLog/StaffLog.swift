public import Monitoring
public import SQLite
import Crypto

extension EventKind {
    /// A self-logged staff entry (skeleton and commitment only; see Schema.staff).
    public static let staffEntry = "staff.entry"
    public static let staffShared = "staff.shared"
    public static let staffRevoked = "staff.revoked"
    /// A person's report, export or data was viewed: who, in what role, what.
    public static let staffAccessed = "staff.accessed"
    /// A person's personal fields were erased on their request.
    public static let staffErased = "staff.erased"
}

/// Reads and writes staff entries, shares, access records and erasure in the failure log.
public enum StaffLog {
    /// A grant to see one person's report.
    public struct Share: Sendable, Equatable {
        public var staffID: String
        /// `manager`, `union-rep` or a person's name or ID.
        public var grantee: String
        public var until: Timestamp?
        public var grantedAt: Timestamp
        public var revoked: Bool

        public func isActive(at time: Timestamp) -> Bool { !revoked && (until.map { time < $0 } ?? true) }
    }

    /// One recorded view or export.
    public struct Access: Sendable, Equatable {
        public var at: Timestamp
        public var viewer: String
        public var role: String
        public var action: String
    }

    // MARK: entries

    /// Appends `draft` (its `id`, `incidentIDs` and `recordedAt` are filled in here) and links it to incidents
    /// at `site` that overlap it in time and system. Returns the stored entry.
    public static func append(_ draft: StaffEntry, site: String, at now: Timestamp,
                              in transaction: inout LogTransaction) throws -> StaffEntry {
        var entry = draft
        entry.id = "e\(transaction.lastSeq + 1)"
        entry.recordedAt = now
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let commitment = Self.commitment(salt: salt, fields: entry.fields)
        let seq = try transaction.append(kind: EventKind.staffEntry, at: now, payload: [
            "entry": .string(entry.id), "staff": .string(entry.staffID), "kind": .string(entry.kind.rawValue),
            "at_ms": .integer(entry.at.millisecondsSinceEpoch), "end_ms": .optional(entry.end?.millisecondsSinceEpoch),
            "systems": .array(entry.systems.map { .string($0) }), "site": .string(site),
            "commitment": .string(commitment),
        ])
        let connection = transaction.connection
        try connection.execute("""
            INSERT INTO staff_entries
                (id, event_seq, staff_id, kind, at_ms, end_ms, systems, commitment, recorded_at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [entry.id, seq, entry.staffID, entry.kind.rawValue, entry.at.millisecondsSinceEpoch,
                  entry.end?.millisecondsSinceEpoch, entry.systems.joined(separator: ","), commitment,
                  now.millisecondsSinceEpoch])
        try connection.execute("INSERT INTO staff_entry_salts (entry_id, salt) VALUES (?, ?)", [entry.id, salt])
        for (name, value) in entry.fields {
            try connection.execute("INSERT INTO staff_entry_fields (entry_id, name, value) VALUES (?, ?, ?)",
                                   [entry.id, name, value])
        }
        entry.incidentIDs = try overlappingIncidents(connection, site: site, systems: entry.systems, span: entry.span)
        for incident in entry.incidentIDs {
            try connection.execute("INSERT INTO staff_entry_incidents (entry_id, incident_id) VALUES (?, ?)",
                                   [entry.id, incident])
        }
        return entry
    }

    /// The salted commitment to an entry's personal fields: SHA-256 of the salt and their canonical JSON.
    public static func commitment(salt: [UInt8], fields: [String: String]) -> String {
        let text = JSONValue.object(fields.mapValues { .string($0) }).canonicalText
        return SHA256.hash(salt + Array(text.utf8)).hex
    }

    /// IDs of incidents at `site` on any of `systems` that overlap `span`.
    public static func overlappingIncidents(_ connection: Connection, site: String, systems: [String],
                                            span: TimeSpan) throws -> [Int64] {
        guard !systems.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: systems.count).joined(separator: ", ")
        let values: [any DatabaseValueConvertible] = [site] + systems
            + [span.end.millisecondsSinceEpoch, span.start.millisecondsSinceEpoch]
        return try connection.rows("""
            SELECT DISTINCT i.id FROM incidents i JOIN incident_scope s ON s.incident_id = i.id
            WHERE s.site_id = ? AND s.system IN (\(marks)) AND i.started_at_ms < ?
              AND (i.resolved_at_ms IS NULL OR i.resolved_at_ms > ?)
            ORDER BY i.id
            """, values) { $0.int(0) ?? 0 }
    }

    /// A person's entries whose time meets [from, to), oldest first, erased ones included (without fields).
    public static func entries(_ connection: Connection, staffID: String, from: Timestamp? = nil,
                               to: Timestamp? = nil) throws -> [StaffEntry] {
        var entries = try connection.rows("""
            SELECT id, kind, at_ms, end_ms, systems, recorded_at_ms, erased_event FROM staff_entries
            WHERE staff_id = ? AND at_ms < ? AND coalesce(end_ms, at_ms) >= ? ORDER BY at_ms, id
            """, [staffID, to?.millisecondsSinceEpoch ?? Int64.max, from?.millisecondsSinceEpoch ?? Int64.min]) { row in
            StaffEntry(id: row.text(0) ?? "", staffID: staffID,
                       kind: StaffEntry.Kind(rawValue: row.text(1) ?? "") ?? .timeLost,
                       at: Timestamp(millisecondsSinceEpoch: row.int(2) ?? 0),
                       end: row.int(3).map(Timestamp.init(millisecondsSinceEpoch:)),
                       systems: (row.text(4) ?? "").split(separator: ",").map(String.init),
                       recordedAt: Timestamp(millisecondsSinceEpoch: row.int(5) ?? 0), erased: row.int(6) != nil)
        }
        for index in entries.indices {
            let id = entries[index].id
            for (name, value) in try connection.rows("SELECT name, value FROM staff_entry_fields WHERE entry_id = ?",
                                                     [id], { ($0.text(0) ?? "", $0.text(1) ?? "") }) {
                entries[index].fields[name] = value
            }
            entries[index].incidentIDs = try connection.rows(
                "SELECT incident_id FROM staff_entry_incidents WHERE entry_id = ? ORDER BY incident_id", [id]) {
                $0.int(0) ?? 0
            }
        }
        return entries
    }

    /// True when the fields still held for `entryID` match the commitment in its chained event.
    public static func fieldsMatchCommitment(_ connection: Connection, entryID: String) throws -> Bool {
        guard let (commitment, payload) = try connection.firstRow("""
            SELECT e.commitment, ev.payload FROM staff_entries e JOIN events ev ON ev.seq = e.event_seq WHERE e.id = ?
            """, [entryID], { ($0.text(0) ?? "", $0.text(1) ?? "") }),
            let salt = try connection.firstRow("SELECT salt FROM staff_entry_salts WHERE entry_id = ?", [entryID],
                                               { $0.blob(0) ?? [] })
        else { return false }
        let fields = Dictionary(uniqueKeysWithValues: try connection.rows(
            "SELECT name, value FROM staff_entry_fields WHERE entry_id = ?", [entryID]) {
            ($0.text(0) ?? "", $0.text(1) ?? "")
        })
        return payload.contains("\"commitment\":\"\(commitment)\"")
            && Self.commitment(salt: salt, fields: fields) == commitment
    }

    // MARK: sharing and access

    public static func share(staffID: String, with grantee: String, until: Timestamp?, by: String, at now: Timestamp,
                             in transaction: inout LogTransaction) throws {
        let seq = try transaction.append(kind: EventKind.staffShared, at: now, payload: [
            "staff": .string(staffID), "with": .string(grantee), "until_ms": .optional(until?.millisecondsSinceEpoch),
            "by": .string(by),
        ])
        try transaction.connection.execute(
            "INSERT INTO staff_shares (staff_id, grantee, until_ms, granted_event) VALUES (?, ?, ?, ?)",
            [staffID, grantee, until?.millisecondsSinceEpoch, seq])
    }

    /// Revokes every live grant of `staffID` to `grantee`; returns how many there were.
    @discardableResult
    public static func revoke(staffID: String, from grantee: String, by: String, at now: Timestamp,
                              in transaction: inout LogTransaction) throws -> Int {
        let live = try transaction.connection.scalarInt(
            "SELECT count(*) FROM staff_shares WHERE staff_id = ? AND grantee = ? AND revoked_event IS NULL",
            [staffID, grantee]) ?? 0
        guard live > 0 else { return 0 }
        let seq = try transaction.append(kind: EventKind.staffRevoked, at: now, payload: [
            "staff": .string(staffID), "with": .string(grantee), "by": .string(by),
        ])
        try transaction.connection.execute(
            "UPDATE staff_shares SET revoked_event = ? WHERE staff_id = ? AND grantee = ? AND revoked_event IS NULL",
            [seq, staffID, grantee])
        return Int(live)
    }

    public static func shares(_ connection: Connection, staffID: String) throws -> [Share] {
        try connection.rows("""
            SELECT s.grantee, s.until_ms, e.at_ms, s.revoked_event FROM staff_shares s
            JOIN events e ON e.seq = s.granted_event WHERE s.staff_id = ? ORDER BY s.granted_event
            """, [staffID]) { row in
            Share(staffID: staffID, grantee: row.text(0) ?? "",
                  until: row.int(1).map(Timestamp.init(millisecondsSinceEpoch:)),
                  grantedAt: Timestamp(millisecondsSinceEpoch: row.int(2) ?? 0), revoked: row.int(3) != nil)
        }
    }

    /// Records a view or export of `staffID`'s data (the access log the research notes call for).
    public static func recordAccess(staffID: String, viewer: String, role: String, action: String, at now: Timestamp,
                                    in transaction: inout LogTransaction) throws {
        let seq = try transaction.append(kind: EventKind.staffAccessed, at: now, payload: [
            "staff": .string(staffID), "viewer": .string(viewer), "role": .string(role), "action": .string(action),
        ])
        try transaction.connection.execute(
            "INSERT INTO staff_access (event_seq, staff_id, viewer, role, action, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
            [seq, staffID, viewer, role, action, now.millisecondsSinceEpoch])
    }

    public static func accessLog(_ connection: Connection, staffID: String) throws -> [Access] {
        try connection.rows(
            "SELECT at_ms, viewer, role, action FROM staff_access WHERE staff_id = ? ORDER BY event_seq", [staffID]) {
            Access(at: Timestamp(millisecondsSinceEpoch: $0.int(0) ?? 0), viewer: $0.text(1) ?? "",
                   role: $0.text(2) ?? "", action: $0.text(3) ?? "")
        }
    }

    // MARK: erasure

    /// Deletes every personal field, salt, share and access record of `staffID` and marks their entries erased.
    /// Events are untouched, so the chain still verifies; each entry's event then shows only its skeleton.
    /// Returns how many entries lost their fields.
    @discardableResult
    public static func erase(staffID: String, by: String, at now: Timestamp,
                             in transaction: inout LogTransaction) throws -> Int {
        let connection = transaction.connection
        let count = try connection.scalarInt(
            "SELECT count(*) FROM staff_entries WHERE staff_id = ? AND erased_event IS NULL", [staffID]) ?? 0
        let seq = try transaction.append(kind: EventKind.staffErased, at: now, payload: [
            "staff": .string(staffID), "entries": .integer(count), "by": .string(by),
        ])
        let mine = "SELECT id FROM staff_entries WHERE staff_id = ?"
        try connection.execute("DELETE FROM staff_entry_fields WHERE entry_id IN (\(mine))", [staffID])
        try connection.execute("DELETE FROM staff_entry_salts WHERE entry_id IN (\(mine))", [staffID])
        try connection.execute("UPDATE staff_entries SET erased_event = ? WHERE staff_id = ? AND erased_event IS NULL",
                               [seq, staffID])
        try connection.execute("DELETE FROM staff_shares WHERE staff_id = ?", [staffID])
        try connection.execute("DELETE FROM staff_access WHERE staff_id = ?", [staffID])
        try connection.execute(
            "INSERT OR REPLACE INTO staff_erasures (staff_id, event_seq, at_ms) VALUES (?, ?, ?)",
            [staffID, seq, now.millisecondsSinceEpoch])
        return Int(count)
    }
}
