import Foundation
public import Monitoring
public import Diagnostics
public import SQLite

/// The only writer of the failure log. It owns the write connection on its own thread, takes records from
/// any thread, and commits them in batches. A record is durable once `flush()` returns after it.
public final class LogWriter: @unchecked Sendable {
    // @unchecked: `connection`, `chain` and `batchState` are touched only on the writer thread (after
    // init, which finishes before the thread starts); everything shared is guarded by `condition`.

    private var connection: Connection
    /// Opens a fresh write connection. After repeated failures the writer closes its connection and calls
    /// this: a filesystem that went read-only and was repaired and mounted again (or a replaced disk) is
    /// only reached through new file descriptors.
    private let reopen: (@Sendable () throws -> Connection)?
    private let logger: Logger
    private let condition = NSCondition()
    private var pending: [LogRecord] = []
    private var enqueued = 0
    private var committed = 0
    private var stopping = false
    private var finished = false
    private var lastFailure: String?
    private var thread: Thread?

    private var siteID = ""
    private var probeNames: [String: ProbeLabel] = [:]

    /// The most records held while the database cannot be written; past that the oldest are dropped
    /// and the loss is reported.
    public let maximumBuffered: Int
    private var dropped = 0
    /// Commit times and failed batches, for /metrics.
    private let statistics = LogWriteStatistics()

    public init(connection: Connection, logger: Logger, maximumBuffered: Int = 1_000_000,
                reopen: (@Sendable () throws -> Connection)? = nil) throws {
        self.connection = connection
        self.reopen = reopen
        self.logger = logger
        self.maximumBuffered = maximumBuffered
        if let site = try connection.firstRow("SELECT id FROM sites LIMIT 1", [], { $0.text(0) }) {
            siteID = site ?? ""
        }
    }

    /// The states recorded for each active probe: restored into the state machines after a restart.
    public func recordedStates() throws -> [String: (state: ProbeState, since: Timestamp?)] {
        let rows = try connection.rows("SELECT id, state, state_since_ms FROM probes WHERE active = 1") { row in
            (row.text(0) ?? "", ProbeState(rawValue: row.text(1) ?? "") ?? .unknown,
             row.int(2).map { Timestamp(millisecondsSinceEpoch: $0) })
        }
        return Dictionary(rows.map { ($0.0, (state: $0.1, since: $0.2)) }, uniquingKeysWith: { first, _ in first })
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "courtwatch-log-writer"
        self.thread = thread
        thread.start()
    }

    /// Queues records; never blocks on the disk.
    public func record(_ records: [LogRecord]) {
        guard !records.isEmpty else { return }
        condition.lock()
        pending.append(contentsOf: records)
        enqueued += records.count
        if pending.count > maximumBuffered {
            let excess = pending.count - maximumBuffered
            pending.removeFirst(excess)
            dropped += excess
            committed += excess  // so flush() does not wait for records that no longer exist
        }
        condition.signal()
        condition.unlock()
    }

    public func record(_ record: LogRecord) { self.record([record]) }

    /// Waits until everything recorded before this call is committed, or `timeout` passes.
    /// Returns false on timeout (the database is failing; see `health`).
    @discardableResult
    public func flush(timeout: Duration = .seconds(30)) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.milliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        let target = enqueued
        while committed < target && !finished {
            if !condition.wait(until: deadline) { return committed >= target }
        }
        return committed >= target
    }

    /// Commits what is queued (waiting up to `timeout`), stops the thread and closes the connection.
    public func close(timeout: Duration = .seconds(10)) {
        flush(timeout: timeout)
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        let left = pending.count
        condition.unlock()
        if left > 0 { logger.error("\(left) log records could not be written before shutdown") }
        do {
            try connection.close()
        } catch {
            logger.error("closing the failure log: \(error)")
        }
    }

    /// Why writing is failing right now, or nil when it is healthy.
    public var health: String? {
        condition.lock()
        defer { condition.unlock() }
        if let lastFailure { return "failure log not writable, \(pending.count) records buffered: \(lastFailure)" }
        if dropped > 0 { return "\(dropped) records were dropped while the failure log was not writable" }
        return nil
    }

    /// How long commits take, how many failed, and how many records wait to be written. Safe from any thread.
    public var writeStatistics: LogWriteStatistics.Snapshot {
        condition.lock()
        let buffered = pending.count
        condition.unlock()
        return statistics.snapshot(buffered: buffered)
    }

    // MARK: The writer thread

    private func run() {
        var backoff = 0.05
        var consecutiveFailures = 0
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty && stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(pending.prefix(5000))
            condition.unlock()

            do {
                if consecutiveFailures >= 2, let reopen {
                    try? connection.close()
                    connection = try reopen()
                    logger.notice("failure log reopened after \(consecutiveFailures) failed attempts")
                }
                // The whole transaction, commit (and its fsync) included, on a monotonic clock.
                let elapsed = try ContinuousClock().measure { try write(batch) }
                statistics.recordCommit(elapsed)
                consecutiveFailures = 0
                condition.lock()
                pending.removeFirst(min(batch.count, pending.count))
                committed += batch.count
                if lastFailure != nil { logger.notice("failure log writable again; buffered records committed") }
                lastFailure = nil
                condition.broadcast()
                condition.unlock()
                backoff = 0.05
            } catch {
                statistics.recordFailure()
                consecutiveFailures += 1
                condition.lock()
                let firstFailure = lastFailure == nil
                lastFailure = String(describing: error)
                let giveUp = stopping
                if giveUp {
                    finished = true
                    condition.broadcast()
                }
                condition.unlock()
                if firstFailure {
                    logger.error("cannot write the failure log; buffering in memory and retrying: \(error)")
                }
                if giveUp { return }
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }

    /// Writes one batch in one transaction. Nothing in memory changes unless it commits.
    private func write(_ batch: [LogRecord]) throws {
        var names = probeNames
        var site = siteID
        var rollups: [MinuteKey: MinuteRollup] = [:]

        try LogTransaction.run(on: connection) { transaction in
            for record in batch {
                switch record {
                case let .configuration(definition, probes):
                    site = definition.id
                    try writeConfiguration(definition, probes)
                    names = Dictionary(probes.map { ($0.id, ProbeLabel(name: $0.name, system: $0.system, critical: $0.critical)) },
                                       uniquingKeysWith: { a, _ in a })

                case let .event(kind, at, probeID, payload):
                    let seq = try transaction.append(kind: kind, at: at, probeID: probeID, payload: payload)
                    if kind == EventKind.userReport, case let .object(fields) = payload,
                       case let .string(system)? = fields["system"] {
                        try transaction.linkStaffReport(seq, system: system, site: site, at: at)
                    }

                case let .outcome(outcome):
                    let observation = outcome.observation
                    rollups[MinuteKey(observation), default: MinuteRollup()].add(observation)
                    if let failure = observation.failure {
                        try transaction.append(kind: EventKind.probeFailed, at: observation.at, probeID: observation.probeID,
                                               payload: Self.evidence(observation, failure))
                    }
                    for action in outcome.actions {
                        try apply(action, observation: observation, site: site, names: names, in: &transaction)
                    }
                    try connection.execute(
                        """
                        UPDATE probes SET last_check_ms = ?, last_latency_us = ?, last_ok = ?, last_result = ?
                        WHERE id = ?
                        """,
                        [observation.at.millisecondsSinceEpoch, observation.latencyMicroseconds,
                         observation.succeeded, observation.summary, observation.probeID])
                }
            }
            for (key, rollup) in rollups { try writeRollup(key, rollup) }
        }
        probeNames = names
        siteID = site
    }

    private func apply(_ action: ProbeAction, observation: Observation, site: String, names: [String: ProbeLabel],
                       in transaction: inout LogTransaction) throws {
        switch action {
        case let .recordTransition(transition):
            var payload: [String: JSONValue] = [
                "from": .string(transition.from.rawValue),
                "to": .string(transition.to.rawValue),
                "cause": .string(transition.cause.summary),
            ]
            if transition.cause.probeID != transition.probeID { payload["cause_probe"] = .string(transition.cause.probeID) }
            if let note = transition.note { payload["note"] = .string(note) }
            try transaction.append(kind: EventKind.probeTransition, at: transition.at, probeID: transition.probeID,
                                   payload: .object(payload))
            try connection.execute("UPDATE probes SET state = ?, state_since_ms = ? WHERE id = ?",
                                   [transition.to.rawValue, transition.at.millisecondsSinceEpoch, transition.probeID])
        case let .openIncident(probeID, kind, startedAt, cause, at):
            let label = names[probeID]
            let name = label?.name ?? probeID
            try transaction.openProbeIncident(
                site: site, probeID: probeID, system: label?.system, kind: kind,
                title: kind == .down ? "\(name) is down" : "\(name) is flapping", cause: cause,
                impact: .forProbe(critical: label?.critical ?? false, kind: kind), startedAt: startedAt, at: at)
        case let .resolveIncident(probeID, kind, at, reason):
            // The result that completed the recovery is the evidence; a person may have resolved it already.
            let evidence: JSONValue? = observation.probeID == probeID
                ? ["at_ms": .integer(observation.at.millisecondsSinceEpoch), "result": .string(observation.summary),
                   "latency_us": .integer(observation.latencyMicroseconds)]
                : nil
            try transaction.resolveProbeIncident(probeID: probeID, kind: kind, reason: reason, evidence: evidence, at: at)
        case let .linkToIncident(parentID, childID, at):
            let open = try openIncident(probeID: parentID, kind: .down)
            let seq = try transaction.append(kind: EventKind.incidentChildLinked, at: at, probeID: childID, payload: [
                "incident": .optional(open),
                "parent": .string(parentID),
            ])
            if let open {
                try connection.execute(
                    "INSERT OR IGNORE INTO incident_children (incident_id, probe_id, linked_event) VALUES (?, ?, ?)",
                    [open, childID, seq])
                if let system = names[childID]?.system {
                    try connection.execute(
                        "INSERT OR IGNORE INTO incident_scope (incident_id, site_id, system) VALUES (?, ?, ?)",
                        [open, site, system])
                }
            }
        case .probeSoon:
            break  // a scheduling hint for the engine; nothing to record
        case let .proberOfflineBegan(at):
            try noteProberOffline(true, at: at, in: &transaction)
        case let .proberOfflineEnded(at):
            try noteProberOffline(false, at: at, in: &transaction)
        }
    }

    private func noteProberOffline(_ began: Bool, at: Timestamp, in transaction: inout LogTransaction) throws {
        try transaction.append(kind: began ? EventKind.proberOffline : EventKind.proberOnline, at: at, payload: [
            "note": .string(began
                ? "every reference probe is down: courtwatch is cut off; results until it returns are not outages"
                : "a reference probe answers again: courtwatch can see the site's systems"),
        ])
    }

    private func openIncident(probeID: String, kind: IncidentKind) throws -> Int64? {
        try connection.firstRow(
            "SELECT id FROM incidents WHERE probe_id = ? AND kind = ? AND resolved_at_ms IS NULL ORDER BY id DESC LIMIT 1",
            [probeID, kind.rawValue]) { $0.int(0) } ?? nil
    }

    private func writeConfiguration(_ site: SiteDefinition, _ probes: [ProbeDefinition]) throws {
        try connection.execute(
            "INSERT INTO sites (id, name, time_zone) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone",
            [site.id, site.name, site.timeZone])
        try connection.execute("UPDATE probes SET active = 0", [])
        for probe in probes {
            try connection.execute(
                """
                INSERT INTO probes (id, site_id, name, kind, target, system, critical, interval_ms, active, depends_on,
                    is_reference)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name, kind = excluded.kind,
                    target = excluded.target, system = excluded.system, critical = excluded.critical,
                    interval_ms = excluded.interval_ms, active = 1, depends_on = excluded.depends_on,
                    is_reference = excluded.is_reference
                """,
                [probe.id, site.id, probe.name, probe.check.kindName, probe.check.target, probe.system, probe.critical,
                 probe.interval.milliseconds, probe.dependsOn.joined(separator: ","), probe.isReference])
        }
    }

    private func writeRollup(_ key: MinuteKey, _ rollup: MinuteRollup) throws {
        var values: [any DatabaseValueConvertible] = [key.probeID, key.minute, rollup.count, rollup.failures,
                                                      rollup.minimum, rollup.maximum, rollup.sum]
        values += rollup.buckets.map { $0 as any DatabaseValueConvertible }
        try connection.execute(Self.minuteUpsert, values)
    }

    static let minuteUpsert = rollupUpsert(into: "sample_minutes", key: "minute")

    /// Adds one rollup row (probe, bucket start, count, failures, latency min/max/sum, h0...h8) to `table`,
    /// summing into the row already there: how the writer adds a minute and how rollups are accumulated.
    public static func rollupUpsert(into table: String, key: String) -> String {
        let buckets = (0...8).map { "h\($0)" }
        return """
            INSERT INTO \(table) (probe_id, \(key), count, failures, latency_min_us, latency_max_us, latency_sum_us,
                \(buckets.joined(separator: ", ")))
            VALUES (?, ?, ?, ?, ?, ?, ?, \(buckets.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT (probe_id, \(key)) DO UPDATE SET
                count = count + excluded.count, failures = failures + excluded.failures,
                latency_min_us = min(latency_min_us, excluded.latency_min_us),
                latency_max_us = max(latency_max_us, excluded.latency_max_us),
                latency_sum_us = latency_sum_us + excluded.latency_sum_us,
                \(buckets.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", "))
            """
    }

    static func evidence(_ observation: Observation, _ failure: FailureEvidence) -> JSONValue {
        var payload: [String: JSONValue] = [
            "class": .string(failure.failureClass.rawValue),
            "message": .string(failure.message),
            "latency_us": .integer(observation.latencyMicroseconds),
        ]
        if let code = failure.errorCode { payload["error_code"] = .integer(Int64(code)) }
        if let status = observation.httpStatus { payload["http_status"] = .integer(Int64(status)) }
        if let timings = observation.timings {
            payload["timings_us"] = [
                "dns": .integer(timings.dns), "connect": .integer(timings.connect), "tls": .integer(timings.tls),
                "first_byte": .integer(timings.firstByte), "total": .integer(timings.total),
            ]
        }
        return .object(payload)
    }
}

/// What the writer needs to know about a probe to title and rate its incidents.
struct ProbeLabel {
    var name: String
    var system: String?
    var critical: Bool
}

/// One probe's minute.
struct MinuteKey: Hashable {
    var probeID: String
    var minute: Int64

    init(_ observation: Observation) {
        probeID = observation.probeID
        let milliseconds = observation.at.millisecondsSinceEpoch
        minute = milliseconds - ((milliseconds % 60_000) + 60_000) % 60_000
    }
}

/// Counts and latency of the samples in one minute, added to the stored row on commit.
struct MinuteRollup {
    var count: Int64 = 0
    var failures: Int64 = 0
    var minimum = Int64.max
    var maximum: Int64 = 0
    var sum: Int64 = 0
    var buckets = [Int64](repeating: 0, count: Schema.latencyBucketBoundsMilliseconds.count + 1)

    mutating func add(_ observation: Observation) {
        let latency = observation.latencyMicroseconds
        count += 1
        if !observation.succeeded { failures += 1 }
        minimum = min(minimum, latency)
        maximum = max(maximum, latency)
        sum += latency
        let milliseconds = latency / 1000
        let bucket = Schema.latencyBucketBoundsMilliseconds.firstIndex { milliseconds < $0 }
            ?? Schema.latencyBucketBoundsMilliseconds.count
        buckets[bucket] += 1
    }
}
