import FailureLog
import Foundation
import Monitoring
import SQLite
import TestSupport
import Testing

/// The storage benchmark of issue #4 ("a simulated year of 1,000 probes at 30 s ... well under 1 GiB") and
/// the check that its shortcut for quiet samples writes exactly what the daemon would.
@Suite(.serialized) struct StorageBenchmarkTests {
    static let start: Int64 = 1_735_689_600_000  // 2025-01-01T00:00:00Z
    static let day: Int64 = 86_400_000
    static let environment = ProcessInfo.processInfo.environment

    /// One day of 50 probes with a dense failure model (outages, isolated failures, a flapping probe, a
    /// segment outage, the prober cut off), simulated twice: every sample through the monitor and the writer,
    /// and quiet samples in bulk (as hour rows for the first 12 hours, as minute rows after). Retention runs
    /// every 6 hours with minute rollups kept 6 hours, so the pruner folds both runs' minutes into hours.
    /// Every table must come out identical. About 10 s in release, a minute or more in debug: it runs with the
    /// benchmark (`make bench-storage-smoke`), not in `make test`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["COURTWATCH_STORAGE_BENCH_DAYS"] != nil))
    func bulkRollupsEqualFeedingEverySampleThroughTheWriter() throws {
        let fleet = BenchFleet(count: 50, segments: 3)
        let model = BenchFailureModel(outagesPerMonth: 20, isolatedFailureRate: 0.01, flapsPerMonth: 150,
                                      segmentOutagesPerYear: 3 * 365, proberOutagesPerYear: 2 * 365, seed: 7)
        let quarter = Self.day / 4
        let end = Self.start + Self.day
        let disturbances = model.disturbances(for: fleet, from: Self.start, to: end)
        let policy = RetentionPolicy(minuteRollups: .seconds(6 * 3600))
        let directory = TemporaryDirectory()
        var dumps: [[String: [String]]] = []
        var fed: [Int64] = []
        var exercised: [(String, Int64)] = []
        for (name, mode) in [("every", BenchSimulation.Mode.everySample), ("bulk", .quietInBulk)] {
            let simulation = try BenchSimulation(fleet: fleet, disturbances: disturbances, mode: mode,
                                                 stateDirectory: directory.subpath(name), start: Self.start,
                                                 minuteRowsFrom: Self.start + 2 * quarter, policy: policy)
            for part in Int64(0)..<4 {
                try simulation.runDay(Self.start + part * quarter, Self.start + (part + 1) * quarter)
            }
            simulation.close()
            fed.append(simulation.counters.fedSamples)
            if mode == .quietInBulk {
                #expect(simulation.bulk.samples > 100_000, "most samples are quiet: \(simulation.bulk.samples)")
                #expect(simulation.bulk.hourRowsWritten > 500 && simulation.bulk.minuteRowsWritten > 10_000,
                        "both paths: \(simulation.bulk.hourRowsWritten) hour rows, \(simulation.bulk.minuteRowsWritten) minute rows")
                #expect(simulation.counters.fedSamples + simulation.bulk.samples == fed[0],
                        "the same samples, split differently")
            }
            dumps.append(try Self.dump(simulation.session.connection))
            let verification = try LogReader(connection: simulation.session.connection).verifyChain()
            #expect(verification.firstBroken == nil, "\(name): \(String(describing: verification.firstBroken))")
            if mode == .everySample {
                for (what, condition) in [("DOWN", "payload LIKE '%\"to\":\"down\"%'"),
                                          ("UNREACHABLE", "payload LIKE '%\"to\":\"unreachable\"%'"),
                                          ("FLAPPING", "payload LIKE '%\"to\":\"flapping\"%'"),
                                          ("PROBER-OFFLINE", "kind = 'prober.offline'"),
                                          ("child linked to an incident", "kind = 'incident.child-linked'"),
                                          ("folded hour", "0 < (SELECT count(*) FROM sample_hours)")] {
                    exercised.append((what, try simulation.session.connection.scalarInt(
                        "SELECT count(*) FROM events WHERE \(condition)") ?? 0))
                }
            }
            simulation.session.close()
        }
        #expect(fed[0] > 50 * 2880, "every probe every 30 s, plus retries")
        for table in dumps[0].keys.sorted() {
            let every = dumps[0][table] ?? []
            let bulk = dumps[1][table] ?? []
            #expect(every.count == bulk.count, "\(table): \(every.count) rows fed one by one, \(bulk.count) in bulk")
            let differing = zip(every, bulk).first { $0 != $1 }
            #expect(differing == nil, "\(table) differs: \(differing.map { "\($0.0)\n  vs \($0.1)" } ?? "")")
        }
        // The model must have exercised what it claims to, or the comparison proves little.
        for (what, count) in exercised {
            #expect(count > 0, "the dense model produced no \(what)")
        }
    }

    /// Every row of every table of the failure log, as text, ordered by all columns. Event sequence numbers,
    /// hashes and columns that refer to them are left out: `SiteMonitor` orders the transitions of probes
    /// that change in the same instant by iterating a `Set`, so their order (not their content) can differ
    /// between two runs; each run's own chain is verified instead.
    static func dump(_ connection: Connection) throws -> [String: [String]] {
        let tables = try connection.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'"
        ) { $0.text(0) ?? "" }
        var result: [String: [String]] = [:]
        for table in tables {
            let columns = try connection.rows("SELECT name FROM pragma_table_info('\(table)')") { $0.text(0) ?? "" }
                .filter { !["seq", "hash", "prev_hash", "event_seq"].contains($0) && !$0.hasSuffix("_event") }
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let order = (1...columns.count).map(String.init).joined(separator: ", ")
            result[table] = try connection.rows("SELECT \(list) FROM \"\(table)\" ORDER BY \(order)") { row in
                (0..<columns.count).map { "\(row[$0])" }.joined(separator: " | ")
            }
        }
        return result
    }

    /// The full benchmark: `COURTWATCH_STORAGE_BENCH_DAYS` simulated days (365 for `make bench-storage`) of
    /// `COURTWATCH_STORAGE_BENCH_PROBES` probes (1,000), retention run at the end of each day. Prints the
    /// figures; fails only if the hash chain does not verify at the end (nothing about speed or size).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["COURTWATCH_STORAGE_BENCH_DAYS"] != nil))
    func simulatedYearOfProbesStaysSmall() throws {
        let days = Int(Self.environment["COURTWATCH_STORAGE_BENCH_DAYS"] ?? "") ?? 7
        let probeCount = Int(Self.environment["COURTWATCH_STORAGE_BENCH_PROBES"] ?? "") ?? 1000
        let temporary = TemporaryDirectory("courtwatch-storage-bench")
        let stateDirectory = (Self.environment["COURTWATCH_STORAGE_BENCH_DIR"] ?? temporary.path) + "/state"
        let wall = Date()
        let fleet = BenchFleet(count: probeCount, segments: 20)
        let model = BenchFailureModel()
        let end = Self.start + Int64(days) * Self.day
        let disturbances = model.disturbances(for: fleet, from: Self.start, to: end)
        // Quiet samples become minute rows for the last three days only (see BulkRollups).
        let simulation = try BenchSimulation(fleet: fleet, disturbances: disturbances, mode: .quietInBulk,
                                             stateDirectory: stateDirectory, start: Self.start,
                                             minuteRowsFrom: end - 3 * Self.day)
        let databasePath = simulation.store.databasePath
        print("storage benchmark: \(probeCount) probes (\(fleet.gateways.count) segments) at 30 s for \(days) days; "
              + Self.describe(model, disturbances))
        for dayIndex in 0..<days {
            let dayStart = Self.start + Int64(dayIndex) * Self.day
            try simulation.runDay(dayStart, dayStart + Self.day)
            if (dayIndex + 1) % 30 == 0 || dayIndex + 1 == days {
                let events = try simulation.session.connection.scalarInt("SELECT count(*) FROM events") ?? 0
                print("  day \(dayIndex + 1): " + String(format: "%.0f s", Date().timeIntervalSince(wall))
                      + ", events \(events), database \(Self.mebibytes(Self.fileSize(databasePath)))"
                      + " (+ WAL \(Self.mebibytes(Self.fileSize(databasePath + "-wal"))))")
            }
        }
        simulation.close()
        let counters = simulation.counters
        let connection = simulation.session.connection
        let written = try connection.scalarInt("SELECT max(seq) FROM events") ?? 0
        let remaining = try connection.scalarInt("SELECT count(*) FROM events") ?? 0
        let verification = try LogReader(connection: connection).verifyChain()
        let integrity = try LogReader(connection: connection).integrityCheck()

        var lines: [String] = []
        lines.append("samples: \(counters.fedSamples + simulation.bulk.samples) (\(counters.fedSamples) through "
                     + "SiteMonitor and LogWriter, \(simulation.bulk.samples) quiet successes as bulk rollups; "
                     + "\(counters.replayedSamples) replayed to the monitor on \(counters.activations) activations; bulk wrote "
                     + "\(simulation.bulk.hourRowsWritten) hour rows and \(simulation.bulk.minuteRowsWritten) minute rows)")
        lines.append("events written: \(written); remaining: \(remaining); removed by retention: "
                     + "\(counters.removedEvents) in \(counters.checkpoints) signed checkpoints")
        let kinds = try connection.rows("SELECT kind, count(*) FROM events GROUP BY kind ORDER BY 2 DESC") {
            "\($0.text(0) ?? "") \($0.int(1) ?? 0)"
        }
        lines.append("events remaining by kind: " + kinds.joined(separator: ", "))
        let tables = try connection.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
            $0.text(0) ?? ""
        }
        var counts: [String] = []
        for table in tables {
            counts.append("\(table) \(try connection.scalarInt("SELECT count(*) FROM \"\(table)\"") ?? 0)")
        }
        lines.append("rows per table: " + counts.joined(separator: ", "))
        if let sizes = try? connection.rows(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12", [], {
                "\($0.text(0) ?? "") \(Self.mebibytes($0.int(1) ?? 0))"
            }) {
            lines.append("bytes per table and index (dbstat): " + sizes.joined(separator: ", "))
        }
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let unvacuumed = Self.fileSize(databasePath)
        let freePages = try connection.scalarInt("PRAGMA freelist_count") ?? 0
        let pageSize = try connection.scalarInt("PRAGMA page_size") ?? 0
        let vacuumStart = Date()
        try connection.execute("VACUUM")
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let vacuumed = Self.fileSize(databasePath)
        lines.append("database file after wal_checkpoint(TRUNCATE): \(Self.mebibytes(unvacuumed)) "
                     + "(\(unvacuumed) bytes; \(Self.mebibytes(freePages * pageSize)) of it free pages); "
                     + "after VACUUM: \(Self.mebibytes(vacuumed)) (\(vacuumed) bytes; VACUUM took "
                     + String(format: "%.0f s)", Date().timeIntervalSince(vacuumStart)))
        lines.append("chain: \(verification.firstBroken == nil ? "verifies" : "BROKEN") "
                     + "(\(verification.eventsChecked) events checked, head \(verification.lastSeq)); integrity \(integrity)")
        lines.append(String(format: "wall time: %.0f s (simulation %.0f, writer flush waits %.0f, bulk rollups %.0f, "
                            + "retention %.0f)", Date().timeIntervalSince(wall), counters.simulateSeconds,
                            counters.flushSeconds, counters.bulkSeconds, counters.pruneSeconds))
        for line in lines { print("  " + line) }
        simulation.session.close()
        #expect(verification.firstBroken == nil, "\(String(describing: verification.firstBroken))")
        #expect(integrity == "ok")
    }

    static func describe(_ model: BenchFailureModel, _ disturbances: [[Disturbance]]) -> String {
        var outages = 0
        var singles = 0
        var flaps = 0
        for list in disturbances {
            for disturbance in list {
                switch disturbance.mode {
                case .down: outages += 1
                case .single: singles += 1
                case .flap: flaps += 1
                }
            }
        }
        return "failure model (seed \(model.seed)): \(model.outagesPerMonth) outages/probe/month of 5-90 min, "
            + "isolated failures \(model.isolatedFailureRate * 100) %, \(model.flapsPerMonth) flapping episodes/month, "
            + "\(model.segmentOutagesPerYear) segment outages/year, \(model.proberOutagesPerYear) prober cut-offs/year "
            + "=> \(outages) probe outage periods (segment and prober outages counted per probe), "
            + "\(singles) isolated failures, \(flaps) flapping episodes"
    }

    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func mebibytes(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}
