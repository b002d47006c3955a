import Monitoring
import SQLite

/// Writes the per-minute rollups of "quiet" samples — successes of a probe that is UP with nothing pending,
/// which the daemon's `LogWriter` would only count into `sample_minutes` — without a `LogRecord` each.
///
/// A quiet stretch of one probe is samples `first, first + 30 s, ..., last`. Every minute strictly between
/// the stretch's first and last minute holds exactly two of its samples, in 30-second slots 2m and 2m+1
/// (m = minute / 60 s), whatever the probe's phase; their latencies are `BenchFleet.latency` of those slots.
/// Those minutes are written by one SQL statement per simulated hour that computes the same hash in SQL and
/// upserts rows of the writer's shape (count, failures 0, min, max, sum, the nine latency buckets). The first
/// and last minute of each stretch (which may share a minute with samples that went through the writer) are
/// computed sample by sample here and upserted with the writer's own statement. Upserts add, so the order
/// relative to the writer's rows does not matter. `BulkRollupEquivalenceTests` checks all this against
/// feeding every sample through the writer.
final class BulkRollups {
    let connection: Connection
    let fleet: BenchFleet
    private var ranges: [(index: Int, low: Int64, high: Int64)] = []
    private var edges: [EdgeKey: EdgeRollup] = [:]
    /// The last quiet sample of each probe whose latest sample was quiet (for its `probes.last_*` columns).
    private(set) var lastQuiet: [Int: Int64] = [:]
    private(set) var samples: Int64 = 0
    private(set) var rowsWritten: Int64 = 0

    init(connection: Connection, fleet: BenchFleet) throws {
        self.connection = connection
        self.fleet = fleet
        try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS bench_quiet (probe_id TEXT NOT NULL, idx INTEGER NOT NULL,
                base INTEGER NOT NULL, spread INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL)
            """)
    }

    /// Counts the samples `first, first + 30 s, ..., last` of probe `index` (all successes).
    func addStretch(_ index: Int, first: Int64, last: Int64) {
        guard last >= first else { return }
        samples += (last - first) / 30_000 + 1
        lastQuiet[index] = max(lastQuiet[index] ?? .min, last)
        let firstMinute = Self.minute(first)
        let lastMinute = Self.minute(last)
        var at = first
        while at <= last && Self.minute(at) == firstMinute {
            addEdge(index, at)
            at += 30_000
        }
        guard lastMinute > firstMinute else { return }
        if firstMinute + 60_000 <= lastMinute - 60_000 {
            ranges.append((index, firstMinute + 60_000, lastMinute - 60_000))
        }
        at = last
        while at >= first && Self.minute(at) == lastMinute { at -= 30_000 }
        at += 30_000
        while at <= last {
            addEdge(index, at)
            at += 30_000
        }
    }

    /// The probe's latest sample went through the writer, which set its `probes.last_*` columns.
    func forgetLastQuiet(_ index: Int) { lastQuiet[index] = nil }

    private func addEdge(_ index: Int, _ at: Int64) {
        edges[EdgeKey(index: index, minute: Self.minute(at)), default: EdgeRollup()]
            .add(fleet.latency(index, slot: at / 30_000))
    }

    static func minute(_ at: Int64) -> Int64 { at - ((at % 60_000) + 60_000) % 60_000 }

    /// Writes everything counted for [dayStart, dayEnd), an hour per transaction, and sets `probes.last_*`
    /// as the writer would have for probes whose latest sample was quiet.
    func write(dayStart: Int64, dayEnd: Int64) throws {
        try connection.transaction {
            try connection.execute("DELETE FROM temp.bench_quiet")
            for range in ranges {
                try connection.execute("INSERT INTO temp.bench_quiet VALUES (?, ?, ?, ?, ?, ?)",
                                       [fleet.probes[range.index].id, range.index, fleet.base[range.index],
                                        fleet.spread[range.index], range.low, range.high])
            }
        }
        var hour = dayStart
        while hour < dayEnd {
            try connection.transaction {
                try connection.execute(Self.bulkSQL, [hour, min(hour + 3_600_000, dayEnd)])
                rowsWritten += Int64(connection.changes)
            }
            hour += 3_600_000
        }
        try connection.transaction {
            for (key, rollup) in edges {
                var values: [any DatabaseValueConvertible] = [fleet.probes[key.index].id, key.minute, rollup.count,
                                                              Int64(0), rollup.minimum, rollup.maximum, rollup.sum]
                values += rollup.buckets.map { $0 as any DatabaseValueConvertible }
                try connection.execute(Self.upsertSQL, values)
                rowsWritten += 1
            }
            for (index, at) in lastQuiet {
                let latency = fleet.latency(index, slot: at / 30_000)
                try connection.execute(
                    "UPDATE probes SET last_check_ms = ?, last_latency_us = ?, last_ok = ?, last_result = ? WHERE id = ?",
                    [at, latency, true, fleet.successSummary(index, latency: latency), fleet.probes[index].id])
            }
        }
        ranges.removeAll(keepingCapacity: true)
        edges.removeAll(keepingCapacity: true)
        lastQuiet.removeAll(keepingCapacity: true)
    }

    /// The writer's upsert into `sample_minutes` (LogWriter.writeRollup), unchanged.
    static let upsertSQL = """
        INSERT INTO sample_minutes (probe_id, minute, count, failures, latency_min_us, latency_max_us,
            latency_sum_us, h0, h1, h2, h3, h4, h5, h6, h7, h8)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (probe_id, minute) DO UPDATE SET
            count = count + excluded.count, failures = failures + excluded.failures,
            latency_min_us = min(latency_min_us, excluded.latency_min_us),
            latency_max_us = max(latency_max_us, excluded.latency_max_us),
            latency_sum_us = latency_sum_us + excluded.latency_sum_us,
            h0 = h0 + excluded.h0, h1 = h1 + excluded.h1, h2 = h2 + excluded.h2, h3 = h3 + excluded.h3,
            h4 = h4 + excluded.h4, h5 = h5 + excluded.h5, h6 = h6 + excluded.h6, h7 = h7 + excluded.h7,
            h8 = h8 + excluded.h8
        """

    /// The interior minutes of every stretch in [?1, ?2): two samples each, latency hashed as in
    /// `BenchFleet.latency` (SQLite has no XOR: a ^ b = (a | b) - (a & b)), bucketed as the writer does.
    static let bulkSQL = """
        WITH RECURSIVE minutes(m) AS (SELECT ?1 UNION ALL SELECT m + 60000 FROM minutes WHERE m + 60000 < ?2),
        s1 AS (SELECT q.probe_id, minutes.m, q.base, q.spread,
                   (((minutes.m / 30000) + slot.k) * 2654435761 + q.idx * 40503) % 4294967296 AS x
               FROM minutes JOIN temp.bench_quiet q ON minutes.m BETWEEN q.lo AND q.hi
               CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) slot),
        s2 AS (SELECT probe_id, m, base, spread, (((x | (x >> 15)) - (x & (x >> 15))) * 73244475) % 4294967296 AS y
               FROM s1),
        s3 AS (SELECT probe_id, m, base, spread, (y | (y >> 16)) - (y & (y >> 16)) AS z FROM s2),
        s4 AS (SELECT probe_id, m, base + z % spread + CASE WHEN z % 211 = 0 THEN base * 6 ELSE 0 END AS l FROM s3),
        s5 AS (SELECT probe_id, m, l, CASE WHEN l < 10000 THEN 0 WHEN l < 25000 THEN 1 WHEN l < 50000 THEN 2
                   WHEN l < 100000 THEN 3 WHEN l < 250000 THEN 4 WHEN l < 500000 THEN 5 WHEN l < 1000000 THEN 6
                   WHEN l < 2500000 THEN 7 ELSE 8 END AS b FROM s4)
        INSERT INTO sample_minutes (probe_id, minute, count, failures, latency_min_us, latency_max_us,
            latency_sum_us, h0, h1, h2, h3, h4, h5, h6, h7, h8)
        SELECT probe_id, m, count(*), 0, min(l), max(l), sum(l), sum(b = 0), sum(b = 1), sum(b = 2), sum(b = 3),
            sum(b = 4), sum(b = 5), sum(b = 6), sum(b = 7), sum(b = 8)
        FROM s5 WHERE true GROUP BY probe_id, m
        ON CONFLICT (probe_id, minute) DO UPDATE SET
            count = count + excluded.count, failures = failures + excluded.failures,
            latency_min_us = min(latency_min_us, excluded.latency_min_us),
            latency_max_us = max(latency_max_us, excluded.latency_max_us),
            latency_sum_us = latency_sum_us + excluded.latency_sum_us,
            h0 = h0 + excluded.h0, h1 = h1 + excluded.h1, h2 = h2 + excluded.h2, h3 = h3 + excluded.h3,
            h4 = h4 + excluded.h4, h5 = h5 + excluded.h5, h6 = h6 + excluded.h6, h7 = h7 + excluded.h7,
            h8 = h8 + excluded.h8
        """
}

private struct EdgeKey: Hashable {
    var index: Int
    var minute: Int64
}

/// One minute's quiet samples, summed as `MinuteRollup` in LogWriter does.
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
}
