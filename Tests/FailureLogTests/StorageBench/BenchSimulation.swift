import Diagnostics
import FailureLog
import Foundation
import Monitoring
import SQLite

/// Drives the real `SiteMonitor` and `LogWriter` (and, once per simulated day, the real `LogPruner`) over a
/// simulated fleet, like the daemon's engine but on simulated time: results are instantaneous at their
/// scheduled time, the next run is `SiteMonitor.nextDelay` later (the 10 s retry interval while a result is
/// being confirmed), and `probeSoon` runs the named probe at once.
///
/// In `.everySample` mode every sample of every probe goes through the monitor and the writer. In
/// `.quietInBulk` mode a probe is *active* (its samples go through both) from its next disturbance until it
/// is UP again with nothing pending and no active dependant; a gateway is active while any probe behind it
/// is. Otherwise it is *quiet*: its samples are 30 s apart, all succeed, and the monitor would return no
/// actions for them, so they are only counted (`BulkRollups`). When a quiet probe becomes active, its last
/// quiet samples are fed to the monitor alone — as many as can still change its flap history (a window's
/// worth less the successes in a row it has seen), at least the last — so its flap history and last-result
/// time are exactly as if it had seen them all; any action they produce is an error.
final class BenchSimulation {
    enum Mode { case everySample, quietInBulk }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Counters {
        var fedSamples: Int64 = 0
        var replayedSamples: Int64 = 0
        var activations: Int64 = 0
        var bulkSeconds = 0.0
        var pruneSeconds = 0.0
        var simulateSeconds = 0.0
        var flushSeconds = 0.0
        var removedEvents: Int64 = 0
        var checkpoints = 0
    }

    let fleet: BenchFleet
    let mode: Mode
    let store: FailureLogStore
    let session: LogSession
    let writer: LogWriter
    let pruner: LogPruner
    let bulk: BulkRollups
    private(set) var counters = Counters()

    private var monitor: SiteMonitor
    private let disturbances: [[Disturbance]]
    private var nextDisturbance: [Int]
    private var inProgress: [[Disturbance]]
    private var active: [Bool]
    private var due: [Int64]
    /// The first quiet sample not yet counted into the bulk rollups.
    private var quietStart: [Int64]
    /// Successes in a row the monitor has seen from each probe (fed or replayed).
    private var okRun: [Int]
    /// The first quiet sample since the probe last went quiet.
    private var quietFrom: [Int64]
    private var activeChildren: [Int]
    private var samples = TimeHeap()
    private var activations = TimeHeap()
    private let flapWindow: Int

    static let interval: Int64 = 30_000

    /// `minuteRowsFrom`: see `BulkRollups`. `cacheKiB`: the page cache of the benchmark's connections
    /// (speed only; it changes nothing in the file).
    init(fleet: BenchFleet, disturbances: [[Disturbance]], mode: Mode, stateDirectory: String, start: Int64,
         minuteRowsFrom: Int64, policy: RetentionPolicy = RetentionPolicy(), indexForeignKeys: Bool = true,
         cacheKiB: Int = 131_072) throws {
        self.fleet = fleet
        self.mode = mode
        self.disturbances = disturbances
        let store = FailureLogStore(stateDirectory: stateDirectory)
        let session = try LogSession(store: store)
        try session.connection.execute("PRAGMA cache_size = -\(cacheKiB)")
        let connection = try store.openWriter()
        try connection.execute("PRAGMA cache_size = -\(cacheKiB)")
        if indexForeignKeys { try Self.indexForeignKeysToEvents(session.connection) }
        self.store = store
        self.session = session
        writer = try LogWriter(connection: connection, logger: Logger(label: "bench", sink: .discard))
        pruner = LogPruner(policy: policy, signer: try ExportSigner.loadOrCreate(stateDirectory: stateDirectory))
        bulk = BulkRollups(connection: session.connection, fleet: fleet, minuteRowsFrom: minuteRowsFrom)
        monitor = SiteMonitor(probes: fleet.probes)
        let count = fleet.probes.count
        nextDisturbance = Array(repeating: 0, count: count)
        inProgress = Array(repeating: [], count: count)
        active = Array(repeating: true, count: count)
        quietStart = Array(repeating: 0, count: count)
        quietFrom = Array(repeating: 0, count: count)
        okRun = Array(repeating: 0, count: count)
        activeChildren = fleet.children.map(\.count)
        flapWindow = fleet.probes.compactMap { $0.flapPolicy?.window }.max() ?? 0
        // Every probe starts active (UNKNOWN needs a first result); starts spread over the first interval.
        due = (0..<count).map { start + Int64($0) * Self.interval / Int64(count) }
        for index in 0..<count { samples.push(due[index], index) }
        writer.start()
        writer.record(.configuration(site: SiteDefinition(id: "bench-crown", name: "Benchmark Crown Court",
                                                          timeZone: "Europe/London"),
                                     probes: fleet.probes))
    }

    /// Simulates [dayStart, dayEnd) (any span: the check uses quarter days), writes its bulk rollups and runs
    /// retention as of `dayEnd`.
    func runDay(_ dayStart: Int64, _ dayEnd: Int64) throws {
        var clock = Date()
        while let time = nextTime(), time < dayEnd {
            if let activation = activations.peek, activation.time <= samples.peek?.time ?? .max {
                activations.pop()
                activate(activation.index, at: activation.time, firstSample: nil)
            } else if let sample = samples.pop() {
                try run(sample.index, at: sample.time)
            }
        }
        counters.simulateSeconds += Date().timeIntervalSince(clock)
        clock = Date()
        guard writer.flush(timeout: .seconds(600)) else {
            throw Failure(description: "the log writer did not commit: \(writer.health ?? "timeout")")
        }
        counters.flushSeconds += Date().timeIntervalSince(clock)
        clock = Date()
        for index in active.indices where !active[index] && quietStart[index] < dayEnd {
            let last = quietStart[index] + (dayEnd - 1 - quietStart[index]) / Self.interval * Self.interval
            bulk.addStretch(index, first: quietStart[index], last: last)
            quietStart[index] = last + Self.interval
        }
        try bulk.write()
        counters.bulkSeconds += Date().timeIntervalSince(clock)
        clock = Date()
        let summary = try pruner.prune(session, now: Timestamp(millisecondsSinceEpoch: dayEnd))
        counters.removedEvents += summary.totalRemovedEvents
        if summary.checkpointSeq != nil { counters.checkpoints += 1 }
        counters.pruneSeconds += Date().timeIntervalSince(clock)
    }

    /// Indexes every column that refers to `events(seq)` and has no index of its own. With `foreign_keys` on,
    /// each event retention deletes makes SQLite look for rows referring to it in every such table; without
    /// an index that is a full scan of `incidents`, `incident_children`, ... per deleted event, and from the
    /// 90th simulated day (when `probe.failed` events start going) a day's retention took 20 s and growing at
    /// 24,000 incidents a year. The benchmark adds these indexes (their size is in its figures) so it
    /// finishes; the schema should have them (see /work/briefs/readme-storage.md).
    static func indexForeignKeysToEvents(_ connection: Connection) throws {
        let references = try connection.rows(
            """
            SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
            WHERE m.type = 'table' AND f."table" = 'events'
            """) { ($0.text(0) ?? "", $0.text(1) ?? "") }
        for (table, column) in references {
            let indexed = try connection.scalarInt(
                """
                SELECT count(*) FROM pragma_index_list(?1) l, pragma_index_info(l.name) i
                WHERE i.seqno = 0 AND i.name = ?2
                """, [table, column]) ?? 0
            let rowid = try connection.scalarInt(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2 AND pk = 1 AND type = 'INTEGER'",
                [table, column]) ?? 0
            guard indexed == 0 && rowid == 0 else { continue }
            try connection.execute("CREATE INDEX IF NOT EXISTS bench_refs_\(table)_\(column) ON \(table) (\(column))")
        }
    }

    func close() {
        writer.close()
    }

    /// The earliest pending sample or activation, skipping entries that no longer apply.
    private func nextTime() -> Int64? {
        while let top = samples.peek, !active[top.index] || due[top.index] != top.time { samples.pop() }
        while let top = activations.peek, active[top.index] || nextStart(top.index) != top.time { activations.pop() }
        switch (samples.peek?.time, activations.peek?.time) {
        case let (sample?, activation?): return min(sample, activation)
        case let (sample?, nil): return sample
        case let (nil, activation?): return activation
        default: return nil
        }
    }

    private func nextStart(_ index: Int) -> Int64? {
        nextDisturbance[index] < disturbances[index].count ? disturbances[index][nextDisturbance[index]].start : nil
    }

    /// Makes a quiet probe active: its first active sample is `firstSample` (a `probeSoon`) or its next
    /// regular one at or after `at`. Its parents become active too.
    private func activate(_ index: Int, at: Int64, firstSample: Int64?) {
        guard !active[index] else { return }
        let first = firstSample ?? (at <= quietStart[index]
            ? quietStart[index]
            : quietStart[index] + (at - quietStart[index] + Self.interval - 1) / Self.interval * Self.interval)
        if first > quietStart[index] {
            let unwritten = (first - 1 - quietStart[index]) / Self.interval + 1
            bulk.addStretch(index, first: quietStart[index], last: quietStart[index] + (unwritten - 1) * Self.interval)
        }
        // Replay from the quiet samples since the probe went quiet (not only today's): the monitor must see
        // the same last results as if it had been fed every one.
        let quiet = first > quietFrom[index] ? (first - 1 - quietFrom[index]) / Self.interval + 1 : 0
        let last = quietFrom[index] + (quiet - 1) * Self.interval
        // Only as many as can still change the flap history (a window's worth less the successes it holds
        // already), and at least the last one, which sets the probe's last-result time.
        let replay = quiet == 0 ? 0 : max(1, min(quiet, Int64(flapWindow - okRun[index])))
        okRun[index] += Int(replay)
        for back in stride(from: replay - 1, through: 0, by: -1) {
            let replayed = fleet.success(index, at: last - back * Self.interval)
            let actions = monitor.observe(replayed)
            counters.replayedSamples += 1
            if !actions.isEmpty { replayFailure = "replaying \(replayed.probeID) at \(replayed.at): \(actions)" }
        }
        active[index] = true
        counters.activations += 1
        due[index] = first
        samples.push(first, index)
        for parent in fleet.parents[index] {
            activeChildren[parent] += 1
            activate(parent, at: at, firstSample: nil)
        }
    }

    /// Set when a replayed quiet sample produced an action: the bulk shortcut would then be wrong.
    private(set) var replayFailure: String?

    private func run(_ index: Int, at: Int64) throws {
        if let replayFailure { throw Failure(description: replayFailure) }
        let list = disturbances[index]
        while nextDisturbance[index] < list.count && list[nextDisturbance[index]].start <= at {
            inProgress[index].append(list[nextDisturbance[index]])
            nextDisturbance[index] += 1
        }
        var cause: BenchFailureCause?
        for disturbance in inProgress[index] {
            switch disturbance.mode {
            case .single:
                cause = cause ?? disturbance.cause
            case .down where at < disturbance.end:
                cause = cause ?? disturbance.cause
            case .flap where at < disturbance.end:
                var hash = SplitMixHash(UInt64(bitPattern: at) &+ UInt64(index) &* 0x9E37_79B9)
                if hash.next() & 1 == 0 { cause = cause ?? disturbance.cause }
            default:
                break
            }
        }
        // An isolated failure is used up by the sample it fails; outages and flapping end with their time.
        inProgress[index].removeAll { $0.mode == .single }
        inProgress[index].removeAll { $0.mode != .single && $0.end <= at + 1 }

        let observation = cause.map { fleet.failure(index, at: at, cause: $0) } ?? fleet.success(index, at: at)
        let actions = monitor.observe(observation)
        let state = monitor.state(of: fleet.probes[index].id)
        writer.record(.outcome(ProbeOutcome(observation: observation, actions: actions, state: state?.state ?? .unknown,
                                            stateSince: state?.since)))
        counters.fedSamples += 1
        okRun[index] = observation.succeeded ? okRun[index] + 1 : 0
        bulk.forgetLastQuiet(index)
        due[index] = at + monitor.nextDelay(forProbeAt: index).milliseconds
        samples.push(due[index], index)
        for case .probeSoon(let id) in actions {
            guard let other = monitor.index(of: id) else { continue }
            if active[other] {
                due[other] = at
                samples.push(at, other)
            } else {
                activate(other, at: at, firstSample: at)
            }
        }
        if mode == .quietInBulk && inProgress[index].isEmpty && state?.state == .up && activeChildren[index] == 0
            && due[index] == at + Self.interval {
            deactivate(index)
        }
    }

    private func deactivate(_ index: Int) {
        active[index] = false
        quietStart[index] = due[index]
        quietFrom[index] = due[index]
        for parent in fleet.parents[index] { activeChildren[parent] -= 1 }
        if let start = nextStart(index) { activations.push(start, index) }
    }
}

/// One SplitMix64 step as a hash (deterministic coin flips for flapping probes).
struct SplitMixHash {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
