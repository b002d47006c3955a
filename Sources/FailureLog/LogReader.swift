import Crypto
public import Monitoring
public import SQLite

/// One probe as `courtwatch status` shows it.
public struct ProbeStatus: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var target: String
    public var system: String?
    public var critical: Bool
    public var state: ProbeState
    public var since: Timestamp?
    public var lastCheck: Timestamp?
    public var lastLatencyMicroseconds: Int64?
    public var lastResult: String?
    public var dependsOn: [String] = []
    public var isReference = false
}

/// The result of walking the hash chain.
public struct ChainVerification: Sendable, Equatable {
    public var eventsChecked: Int64
    public var lastSeq: Int64
    /// The first event that does not verify, and why; nil when the whole chain holds.
    public var firstBroken: (seq: Int64, reason: String)?

    public init(eventsChecked: Int64, lastSeq: Int64, firstBroken: (seq: Int64, reason: String)?) {
        self.eventsChecked = eventsChecked
        self.lastSeq = lastSeq
        self.firstBroken = firstBroken
    }

    public static func == (lhs: ChainVerification, rhs: ChainVerification) -> Bool {
        lhs.eventsChecked == rhs.eventsChecked && lhs.lastSeq == rhs.lastSeq
            && lhs.firstBroken?.seq == rhs.firstBroken?.seq && lhs.firstBroken?.reason == rhs.firstBroken?.reason
    }
}

/// Read-only queries over the failure log. Each reader has its own connection; the daemon keeps writing.
public final class LogReader {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    public convenience init(store: FailureLogStore) throws(FailureLogStore.Failure) {
        self.init(connection: try store.openReader())
    }

    public func site() throws -> SiteDefinition? {
        try connection.firstRow("SELECT id, name, time_zone FROM sites LIMIT 1") {
            SiteDefinition(id: $0.text(0) ?? "", name: $0.text(1) ?? "", timeZone: $0.text(2) ?? "UTC")
        }
    }

    /// Every configured probe with its current state, ordered by ID.
    public func probeStatuses() throws -> [ProbeStatus] {
        try connection.rows(
            """
            SELECT id, name, kind, target, system, critical, state, state_since_ms, last_check_ms, last_latency_us,
                last_result, depends_on, is_reference
            FROM probes WHERE active = 1 ORDER BY id
            """
        ) { row in
            ProbeStatus(
                id: row.text(0) ?? "", name: row.text(1) ?? "", kind: row.text(2) ?? "", target: row.text(3) ?? "",
                system: row.text(4), critical: row.int(5) == 1,
                state: ProbeState(rawValue: row.text(6) ?? "") ?? .unknown,
                since: row.int(7).map(Timestamp.init(millisecondsSinceEpoch:)),
                lastCheck: row.int(8).map(Timestamp.init(millisecondsSinceEpoch:)),
                lastLatencyMicroseconds: row.int(9), lastResult: row.text(10),
                dependsOn: (row.text(11) ?? "").split(separator: ",").map(String.init), isReference: row.int(12) == 1)
        }
    }

    public func openIncidents() throws -> [IncidentSummary] {
        try incidents(IncidentFilter(openOnly: true))
    }

    public func eventCount() throws -> Int64 {
        try connection.scalarInt("SELECT count(*) FROM events") ?? 0
    }

    /// Walks every event in order and checks sequence, links and hashes; names the first broken event.
    /// Events removed by retention leave gaps, allowed only up to the newest `log.checkpoint`, which pins the
    /// count and hashes of every event it covers; every checkpoint's signature is checked too.
    public func verifyChain() throws -> ChainVerification {
        let checkpoint = try connection.firstRow(
            "SELECT seq, payload FROM events WHERE kind = ? ORDER BY seq DESC LIMIT 1", [EventKind.logCheckpoint]) {
            ($0.int(0) ?? 0, Checkpoint(payload: $0.text(1) ?? ""))
        }
        let through = checkpoint?.1?.throughSeq ?? 0
        var pinned = SHA256()
        var pinnedCount: Int64 = 0
        let statement = try connection.prepare(
            "SELECT seq, at_ms, kind, probe_id, payload, prev_hash, hash FROM events ORDER BY seq")
        var previous = EventChain.genesis
        var result = ChainVerification(eventsChecked: 0, lastSeq: 0, firstBroken: nil)
        try statement.forEachRow { row in
            let seq = row.int(0) ?? -1
            let expected = result.lastSeq + 1
            let stored = row.blob(5) ?? []
            let hash = row.blob(6) ?? []
            var reason: String?
            if seq < expected {
                reason = "sequence number out of order (expected \(expected))"
            } else if seq > expected && seq - 1 > through {
                reason = "events \(expected)...\(seq - 1) are missing (deleted?)"
                    + (through > 0 ? "; retention checkpoints only cover events up to \(through)" : "")
            } else if seq == expected && stored != previous {
                reason = "prev_hash does not match the hash of event \(seq - 1) (an earlier event was altered or replaced)"
            } else if EventChain.hash(previous: stored, seq: seq, atMilliseconds: row.int(1) ?? 0, kind: row.text(2) ?? "",
                                      probeID: row.text(3), payload: row.text(4) ?? "") != hash {
                reason = "hash does not match the event's contents (the event was altered)"
            } else if row.text(2) == EventKind.logCheckpoint, Checkpoint(payload: row.text(4) ?? "")?.isSigned != true {
                reason = "retention checkpoint's signature does not verify (the checkpoint was forged or altered)"
            }
            if let reason {
                result.firstBroken = (seq, reason)
                return false
            }
            if seq <= through {
                pinned.update(hash)
                pinnedCount += 1
            }
            previous = hash
            result.eventsChecked += 1
            result.lastSeq = seq
            return true
        }
        if result.firstBroken == nil, let (seq, parsed) = checkpoint {
            guard let parsed else {
                result.firstBroken = (seq, "retention checkpoint is unreadable")
                return result
            }
            let digest = pinned.finalize().hex
            if pinnedCount != parsed.keptCount || digest != parsed.keptDigest {
                result.firstBroken = (seq, "the events up to \(through) do not match retention checkpoint \(seq) "
                    + "(\(pinnedCount) present, \(parsed.keptCount) kept when it was written): an event was removed or "
                    + "altered after it")
            }
        }
        return result
    }
}

/// The parts of a `log.checkpoint` payload verification needs.
struct Checkpoint {
    var throughSeq: Int64
    var keptCount: Int64
    var keptDigest: String
    var isSigned: Bool

    init?(payload: String) {
        guard let value = JSONValue(parsing: payload), case let .object(fields) = value,
              case let .integer(through)? = fields["through_seq"], case let .integer(kept)? = fields["kept_count"],
              case let .string(digest)? = fields["kept_digest"], case let .string(signature)? = fields["signature"],
              case let .string(key)? = fields["public_key"]
        else { return nil }
        throughSeq = through
        keptCount = kept
        keptDigest = digest
        var unsigned = fields
        unsigned["signature"] = nil
        if let keyBytes = HexEncoding.decode(key), let signatureBytes = HexEncoding.decode(signature),
           let publicKey = try? Ed25519PublicKey(rawBytes: keyBytes) {
            isSigned = publicKey.isValidSignature(signatureBytes, for: Array(JSONValue.object(unsigned).canonicalText.utf8))
        } else {
            isSigned = false
        }
    }
}

/// One event as stored, for listings.
public struct StoredEvent: Sendable, Equatable {
    public var seq: Int64
    public var at: Timestamp
    public var kind: String
    public var probeID: String?
    public var payload: String

    public init(seq: Int64, at: Timestamp, kind: String, probeID: String?, payload: String) {
        self.seq = seq
        self.at = at
        self.kind = kind
        self.probeID = probeID
        self.payload = payload
    }
}

extension LogReader {
    /// The newest events of the given kinds, newest first.
    public func recentEvents(kinds: [String], limit: Int) throws -> [StoredEvent] {
        let placeholders = kinds.map { _ in "?" }.joined(separator: ", ")
        var values: [any DatabaseValueConvertible] = kinds
        values.append(limit)
        return try connection.rows(
            "SELECT seq, at_ms, kind, probe_id, payload FROM events WHERE kind IN (\(placeholders)) ORDER BY seq DESC LIMIT ?",
            values
        ) { row in
            StoredEvent(seq: row.int(0) ?? 0, at: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0),
                        kind: row.text(2) ?? "", probeID: row.text(3), payload: row.text(4) ?? "")
        }
    }

    /// `PRAGMA integrity_check`: "ok", or SQLite's list of problems.
    public func integrityCheck() throws -> String {
        try connection.rows("PRAGMA integrity_check") { $0.text(0) ?? "" }.joined(separator: "; ")
    }
}
