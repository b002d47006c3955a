import Foundation
import FailureLog
import Monitoring
import SQLite

/// Writes the rollups of "quiet" samples — successes of a probe that is UP with nothing pending, which the
/// daemon's `LogWriter` would only count into `sample_minutes` — without a `LogRecord` each.
///
/// A quiet stretch of one probe is samples `first, first + 30 s, ..., last`, all successes, each with the
/// latency `BenchFleet.latency` gives its 30-second slot. They are summed here exactly as `LogWriter` sums a
/// minute (count, failures 0, min, max, sum, the nine latency buckets) and upserted with the writer's own
/// statement, so they add to whatever the writer wrote for the same minute (edge minutes shared with samples
/// that went through the writer).
///
/// Samples before `minuteRowsFrom` are summed per *hour* and upserted into `sample_hours` exactly as
/// `LogPruner`'s fold would (same columns, same sums, the same ON CONFLICT addition): writing 1.44 million
/// minute rows a day for a year only for retention to fold them two days later would take hours, and the
/// fold of those rows is arithmetic the pruner does anyway on the writer's own minute rows every day. The
/// benchmark sets `minuteRowsFrom` to three days before the end, so the last days are written as minute rows
/// and folded by the pruner as in production, leaving the minute table (and its freed pages) as a running
/// daemon's would be. `StorageBenchmarkTests.bulkRollupsEqualFeedingEverySampleThroughTheWriter` checks both
/// paths against feeding every sample.
final class BulkRollups {
    let connection: Connection
    let fleet: BenchFleet
    let minuteRowsFrom: Int64
    private var rows: [EdgeKey: EdgeRollup] = [:]
    /// The last quiet sample of each probe whose latest sample was quiet (for its `probes.last_*` columns).
    private(set) var lastQuiet: [Int: Int64] = [:]
    private(set) var samples: Int64 = 0
    private(set) var minuteRowsWritten: Int64 = 0
    private(set) var hourRowsWritten: Int64 = 0

    init(connection: Connection, fleet: BenchFleet, minuteRowsFrom: Int64) {
        self.connection = connection
        self.fleet = fleet
        self.minuteRowsFrom = minuteRowsFrom
    }

    /// Counts the samples `first, first + 30 s, ..., last` of probe `index` (all successes).
    func addStretch(_ index: Int, first: Int64, last: Int64) {
        guard last >= first else { return }
        samples += (last - first) / 30_000 + 1
        lastQuiet[index] = max(lastQuiet[index] ?? .min, last)
        var at = first
        var key = EdgeKey(index: index, start: -1, hour: false)
        var rollup = EdgeRollup()
        while at <= last {
            let hour = at < minuteRowsFrom
            let sampleKey = EdgeKey(index: index, start: hour ? Self.floor(at, 3_600_000) : Self.floor(at, 60_000),
                                    hour: hour)
            if sampleKey != key {
                if rollup.count > 0 { rows[key, default: EdgeRollup()].merge(rollup) }
                key = sampleKey
                rollup = EdgeRollup()
            }
            rollup.add(fleet.latency(index, slot: at / 30_000))
            at += 30_000
        }
        if rollup.count > 0 { rows[key, default: EdgeRollup()].merge(rollup) }
    }

    /// The probe's latest sample went through the writer, which set its `probes.last_*` columns.
    func forgetLastQuiet(_ index: Int) { lastQuiet[index] = nil }

    static func floor(_ at: Int64, _ unit: Int64) -> Int64 { at - ((at % unit) + unit) % unit }

    /// Writes everything counted so far (in time order, in transactions of at most 50,000 rows, as a
    /// writer committing as it goes would) and sets `probes.last_*` as the writer would have for probes whose
    /// latest sample was quiet.
    func write() throws {
        let ordered = rows.sorted { ($0.key.start, $0.key.index) < ($1.key.start, $1.key.index) }
        var offset = 0
        repeat {
            let chunk = ordered[offset..<min(offset + 50_000, ordered.count)]
            try connection.transaction {
                for (key, rollup) in chunk {
                    var values: [any DatabaseValueConvertible] = [fleet.probes[key.index].id, key.start, rollup.count,
                                                                  Int64(0), rollup.minimum, rollup.maximum, rollup.sum]
                    values += rollup.buckets.map { $0 as any DatabaseValueConvertible }
                    try connection.execute(key.hour ? Self.hourUpsertSQL : Self.upsertSQL, values)
                    if key.hour { hourRowsWritten += 1 } else { minuteRowsWritten += 1 }
                }
                if offset + 50_000 >= ordered.count {
                    for (index, at) in lastQuiet {
                        let latency = fleet.latency(index, slot: at / 30_000)
                        try connection.execute(
                            "UPDATE probes SET last_check_ms = ?, last_latency_us = ?, last_ok = ?, last_result = ? WHERE id = ?",
                            [at, latency, true, fleet.successSummary(index, latency: latency), fleet.probes[index].id])
                    }
                }
            }
            offset += 50_000
        } while offset < ordered.count
        rows.removeAll(keepingCapacity: true)
        lastQuiet.removeAll(keepingCapacity: true)
    }

    /// The writer's own upsert into `sample_minutes`.
    static let upsertSQL = LogWriter.rollupUpsert(into: "sample_minutes", key: "minute")

    /// The same into `sample_hours`, as LogPruner's fold adds a folded hour to an existing row.
    static let hourUpsertSQL = LogWriter.rollupUpsert(into: "sample_hours", key: "hour")
}

private struct EdgeKey: Hashable {
    var index: Int
    var start: Int64
    var hour: Bool
}

/// One minute's (or hour's) quiet samples, summed as `MinuteRollup` in LogWriter does.
private struct EdgeRollup {
    var count: Int64 = 0
    var minimum = Int64.max
    var maximum: Int64 = 0
    var sum: Int64 = 0
    var buckets = [Int64](repeating: 0, count: 9)

    static let bounds: [Int64] = [10, 25, 50, 100, 250, 500, 1000, 2500]

    mutating func add(_ latency: Int64) {
        count += 1
        minimum = min(minimum, latency)
        maximum = max(maximum, latency)
        sum += latency
        let milliseconds = latency / 1000
        buckets[Self.bounds.firstIndex { milliseconds < $0 } ?? Self.bounds.count] += 1
    }

    mutating func merge(_ other: EdgeRollup) {
        count += other.count
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        sum += other.sum
        for index in buckets.indices { buckets[index] += other.buckets[index] }
    }
}
