public import Monitoring
import Crypto
import SQLite

extension EventKind {
    /// Summarises what a retention run removed and pins what it kept; signed with the state directory's key.
    public static let logCheckpoint = "log.checkpoint"
}

/// What one retention run did.
public struct PruneSummary: Sendable, Equatable {
    public var removedEvents: [String: Int64]
    public var removedIncidents: Int64
    public var foldedMinuteRows: Int64
    public var foldedHourRows: Int64
    public var removedDayRows: Int64
    /// People whose entries' personal details were erased because their newest entry passed `staffEntries`.
    public var erasedStaff = 0
    /// The checkpoint event written, nil when nothing was removed.
    public var checkpointSeq: Int64?

    public var totalRemovedEvents: Int64 { removedEvents.values.reduce(0, +) }
}

/// Applies a `RetentionPolicy` without breaking verification. Removed events leave gaps in the sequence; a
/// `log.checkpoint` event appended in the same transaction records, for every event up to the head at that
/// moment, how many are kept and the SHA-256 of their hashes in order (so any later removal or change of a
/// kept event is detected), how many were removed and the SHA-256 of the removed hashes (so a backup or an
/// earlier export can be matched), and an Ed25519 signature over all of it.
///
/// Only kinds this module knows are removed; events other subsystems own (continuity, staff, forms) are
/// never touched here, and an event a remaining row refers to (an incident's evidence, its timeline) stays.
public struct LogPruner {
    /// Kinds removed after `rawSamples`: failed samples and notification attempts.
    static let rawKinds = [EventKind.probeFailed, "notification.sent", "notification.retrying", "notification.failed"]
    /// A transition between UP and SUSPECT: one failed check that the next result cleared. It is raw-sample
    /// evidence (the failed sample beside it goes after `rawSamples` too); transitions that reached DOWN,
    /// DEGRADED, UNREACHABLE, FLAPPING, MAINTENANCE or UNKNOWN stay with the incident log.
    static let blip = """
        (kind = 'probe.transition' AND json_extract(payload, '$.from') IN ('up', 'suspect') \
        AND json_extract(payload, '$.to') IN ('up', 'suspect'))
        """

    /// Kinds removed after `incidentLog`, apart from those of incidents (removed with their incident). The
    /// daemon's starts and stops and the prober's offline/online marks stay as long as incidents: reports
    /// need them to tell UNKNOWN time from outage.
    static let incidentLogKinds = [EventKind.probeTransition, EventKind.userReport, EventKind.daemonStarted,
                                   EventKind.daemonStopped, EventKind.proberOffline, EventKind.proberOnline]

    public let policy: RetentionPolicy
    public let signer: ExportSigner

    public init(policy: RetentionPolicy, signer: ExportSigner) {
        self.policy = policy
        self.signer = signer
    }

    /// Runs retention as of `now` in one transaction of `session`.
    public func prune(_ session: LogSession, now: Timestamp) throws -> PruneSummary {
        try session.write { transaction in try prune(&transaction, now: now) }
    }

    func prune(_ transaction: inout LogTransaction, now: Timestamp) throws -> PruneSummary {
        let connection = transaction.connection
        var summary = PruneSummary(removedEvents: [:], removedIncidents: 0, foldedMinuteRows: 0, foldedHourRows: 0,
                                   removedDayRows: 0, checkpointSeq: nil)
        var removed = RemovedEvents()
        let hourMs: Int64 = 3_600_000
        let dayMs: Int64 = 86_400_000
        func cutoff(_ keep: Duration, alignedTo unit: Int64) -> Int64 {
            let raw = now.millisecondsSinceEpoch - keep.milliseconds
            return raw - ((raw % unit) + unit) % unit
        }

        // Rollups: minutes into hours, hours into days, old days away.
        let minuteCutoff = cutoff(policy.minuteRollups, alignedTo: hourMs)
        summary.foldedMinuteRows = try fold(from: "sample_minutes", key: "minute", into: "sample_hours", intoKey: "hour",
                                            unit: hourMs, before: minuteCutoff, connection)
        let hourCutoff = cutoff(policy.hourRollups, alignedTo: dayMs)
        summary.foldedHourRows = try fold(from: "sample_hours", key: "hour", into: "sample_days", intoKey: "day",
                                          unit: dayMs, before: hourCutoff, connection)
        try connection.execute("DELETE FROM sample_days WHERE day < ?", [cutoff(policy.dayRollups, alignedTo: dayMs)])
        summary.removedDayRows = Int64(connection.changes)

        // Incidents resolved before the incident-log cutoff go with everything hanging off them.
        let incidentCutoff = now.millisecondsSinceEpoch - policy.incidentLog.milliseconds
        let old = "SELECT id FROM incidents WHERE resolved_at_ms IS NOT NULL AND resolved_at_ms < \(incidentCutoff)"
        summary.removedIncidents = try connection.scalarInt("SELECT count(*) FROM (\(old))") ?? 0
        if summary.removedIncidents > 0 {
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS pruned_incidents (id INTEGER PRIMARY KEY)")
            try connection.execute("DELETE FROM pruned_incidents")
            try connection.execute("INSERT INTO pruned_incidents \(old)")
            for table in ["incident_updates", "incident_tickets", "incident_evidence", "incident_scope", "incident_children"] {
                try connection.execute("DELETE FROM \(table) WHERE incident_id IN (SELECT id FROM pruned_incidents)")
            }
            try connection.execute("DELETE FROM incidents WHERE id IN (SELECT id FROM pruned_incidents)")
            try removeEvents(
                "kind LIKE 'incident.%' AND json_extract(payload, '$.incident') IN (SELECT id FROM pruned_incidents)",
                [], removed: &removed, connection)
        }
        let referenced = """
            NOT EXISTS (SELECT 1 FROM incident_evidence v WHERE v.event_seq = events.seq)
            AND NOT EXISTS (SELECT 1 FROM incident_updates u WHERE u.event_seq = events.seq)
            """
        let raw = Self.rawKinds.map { "'\($0)'" }.joined(separator: ",")
        try removeEvents("(kind IN (\(raw)) OR \(Self.blip)) AND at_ms < ? AND \(referenced)",
                         [now.millisecondsSinceEpoch - policy.rawSamples.milliseconds], removed: &removed, connection)
        let logKinds = Self.incidentLogKinds.map { "'\($0)'" }.joined(separator: ",")
        try removeEvents("kind IN (\(logKinds)) AND at_ms < ? AND \(referenced)", [incidentCutoff],
                         removed: &removed, connection)

        summary.removedEvents = removed.kinds

        // People who have logged nothing for `staffEntries`: their personal details go, as on request.
        let staffCutoff = now.millisecondsSinceEpoch - policy.staffEntries.milliseconds
        let idle = try connection.rows(
            """
            SELECT staff_id FROM staff_entries GROUP BY staff_id
            HAVING max(at_ms) < ? AND sum(erased_event IS NULL) > 0 ORDER BY staff_id
            """, [staffCutoff]) { $0.text(0) ?? "" }
        for person in idle {
            _ = try StaffLog.erase(staffID: person, by: "courtwatch retention", at: now, in: &transaction)
        }
        summary.erasedStaff = idle.count
        guard summary.totalRemovedEvents > 0 else { return summary }  // erasures need no checkpoint: no gaps
        summary.checkpointSeq = try appendCheckpoint(&transaction, summary: summary, removed: removed, now: now)
        return summary
    }

    /// Adds `from` rows older than `before` into `into` (grouped by `unit`) and deletes them.
    private func fold(from: String, key: String, into: String, intoKey: String, unit: Int64, before: Int64,
                      _ connection: Connection) throws -> Int64 {
        let buckets = (0...8).map { "h\($0)" }
        let sums = buckets.map { "sum(\($0))" }.joined(separator: ", ")
        let updates = buckets.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        try connection.execute(
            """
            INSERT INTO \(into) (probe_id, \(intoKey), count, failures, latency_min_us, latency_max_us, latency_sum_us,
                \(buckets.joined(separator: ", ")))
            SELECT probe_id, \(key) - ((\(key) % \(unit)) + \(unit)) % \(unit), sum(count), sum(failures),
                min(latency_min_us), max(latency_max_us), sum(latency_sum_us), \(sums)
            FROM \(from) WHERE \(key) < ? GROUP BY 1, 2
            ON CONFLICT (probe_id, \(intoKey)) DO UPDATE SET count = count + excluded.count,
                failures = failures + excluded.failures,
                latency_min_us = min(latency_min_us, excluded.latency_min_us),
                latency_max_us = max(latency_max_us, excluded.latency_max_us),
                latency_sum_us = latency_sum_us + excluded.latency_sum_us, \(updates)
            """, [before])
        try connection.execute("DELETE FROM \(from) WHERE \(key) < ?", [before])
        return Int64(connection.changes)
    }

    private func removeEvents(_ condition: String, _ values: [any DatabaseValueConvertible],
                              removed: inout RemovedEvents, _ connection: Connection) throws {
        let rows = try connection.rows("SELECT seq, kind, hash FROM events WHERE \(condition)", values) {
            (seq: $0.int(0) ?? 0, kind: $0.text(1) ?? "", hash: $0.blob(2) ?? [])
        }
        for row in rows {
            removed.kinds[row.kind, default: 0] += 1
            removed.hashes[row.seq] = row.hash
        }
        try connection.execute("DELETE FROM events WHERE \(condition)", values)
    }

    private func appendCheckpoint(_ transaction: inout LogTransaction, summary: PruneSummary, removed: RemovedEvents,
                                  now: Timestamp) throws -> Int64 {
        let through = transaction.lastSeq
        let pinned = try Self.keptDigest(transaction.connection, through: through)
        var removedDigest = SHA256()
        for seq in removed.hashes.keys.sorted() { removedDigest.update(removed.hashes[seq] ?? []) }
        var payload: [String: JSONValue] = [
            "through_seq": .integer(through),
            "kept_count": .integer(pinned.count),
            "kept_digest": .string(pinned.digest),
            "removed_total": .integer(through - pinned.count),
            "removed_now": .integer(summary.totalRemovedEvents),
            "removed_digest": .string(removedDigest.finalize().hex),
            "removed_kinds": .object(summary.removedEvents.mapValues { .integer($0) }),
            "removed_incidents": .integer(summary.removedIncidents),
            "policy_days": [
                "raw_samples": .integer(policy.rawSamples.milliseconds / 86_400_000),
                "incident_log": .integer(policy.incidentLog.milliseconds / 86_400_000),
            ],
            "public_key": .string(HexEncoding.encode(signer.publicKey.rawBytes)),
        ]
        let signed = JSONValue.object(payload).canonicalText
        payload["signature"] = .string(HexEncoding.encode(try signer.signature(for: Array(signed.utf8))))
        return try transaction.append(kind: EventKind.logCheckpoint, at: now, payload: .object(payload))
    }

    /// How many events with seq ≤ `through` remain and the SHA-256 of their hashes in order.
    static func keptDigest(_ connection: Connection, through: Int64) throws -> (count: Int64, digest: String) {
        var digest = SHA256()
        var count: Int64 = 0
        let statement = try connection.prepare("SELECT hash FROM events WHERE seq <= ? ORDER BY seq")
        try statement.forEachRow([through]) { row in
            digest.update(row.blob(0) ?? [])
            count += 1
            return true
        }
        return (count, digest.finalize().hex)
    }
}


/// What a prune removed: counts per kind and each removed event's hash by sequence number.
struct RemovedEvents {
    var kinds: [String: Int64] = [:]
    var hashes: [Int64: [UInt8]] = [:]
}
