import Diagnostics
import FailureLog
import Monitoring
import SQLite
import TestSupport
import Testing

/// The writer's commit-time histogram and queue length, as /metrics shows them.
@Suite struct LogWriteStatisticsTests {
    let logger = Logger(label: "test", sink: .discard)

    func event(_ index: Int) -> LogRecord {
        .event(kind: "test.event", at: Timestamp(millisecondsSinceEpoch: 1_763_800_000_000 + Int64(index)),
               payload: ["n": .integer(Int64(index))])
    }

    /// The histogram's invariants: cumulative buckets never go down, the last is the count.
    func expectWellFormed(_ snapshot: LogWriteStatistics.Snapshot) {
        let cumulative = snapshot.cumulativeCounts
        #expect(cumulative.count == LogWriteStatistics.bucketBounds.count + 1)
        #expect(zip(cumulative, cumulative.dropFirst()).allSatisfy { $0 <= $1 }, "\(cumulative)")
        #expect(cumulative.last == snapshot.count)
    }

    @Test func everyCommittedBatchIsTimedAndTheHistogramStaysCumulative() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        let writer = try LogWriter(connection: try store.openWriter(), logger: logger)
        writer.start()
        defer { writer.close() }
        let before = writer.writeStatistics
        #expect(before.count == 0)
        var previous = before
        for round in 0..<5 {
            writer.record((0..<10).map { event(round * 10 + $0) })
            #expect(writer.flush())
            let now = writer.writeStatistics
            // At least one more transaction; the records may have gone in one batch or several.
            #expect(now.count > previous.count, "round \(round)")
            #expect(now.sumNanoseconds > previous.sumNanoseconds, "round \(round)")
            #expect(zip(now.cumulativeCounts, previous.cumulativeCounts).allSatisfy { $0 >= $1 }, "round \(round)")
            #expect(now.buffered == 0)
            #expect(now.failures == 0)
            expectWellFormed(now)
            previous = now
        }
    }

    @Test func aLockedDatabaseShowsAsFailedBatchesAndBufferedEvents() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        _ = try store.openWriter()
        let writer = try LogWriter(connection: try Connection(path: store.databasePath, busyTimeoutMilliseconds: 20),
                                   logger: logger)
        let intruder = try Connection(path: store.databasePath)
        try intruder.execute("BEGIN EXCLUSIVE")
        writer.start()
        defer { writer.close() }
        writer.record((0..<25).map(event))
        #expect(eventually { writer.writeStatistics.failures > 0 })
        let blocked = writer.writeStatistics
        #expect(blocked.buffered == 25)
        #expect(blocked.count == 0)
        try intruder.execute("ROLLBACK")
        #expect(writer.flush(timeout: .seconds(20)))
        let after = writer.writeStatistics
        #expect(after.buffered == 0)
        #expect(after.count >= 1)
        #expect(after.failures >= blocked.failures)
        expectWellFormed(after)
    }

    @Test func aCommitLandsInTheFirstBucketWhoseBoundItDoesNotExceed() {
        let statistics = LogWriteStatistics()
        statistics.recordCommit(.microseconds(400))      // ≤ 0.001
        statistics.recordCommit(.milliseconds(1))        // = 0.001: `le` includes the bound
        statistics.recordCommit(.milliseconds(3))        // ≤ 0.005
        statistics.recordCommit(.milliseconds(700))      // ≤ 1
        statistics.recordCommit(.seconds(9))             // +Inf only
        let bounds = LogWriteStatistics.bucketBounds
        let snapshot = statistics.snapshot()
        #expect(snapshot.bucketCounts[bounds.firstIndex(of: 0.001)!] == 2)
        #expect(snapshot.bucketCounts[bounds.firstIndex(of: 0.005)!] == 1)
        #expect(snapshot.bucketCounts[bounds.firstIndex(of: 1)!] == 1)
        #expect(snapshot.bucketCounts.last == 1)
        #expect(snapshot.count == 5)
        #expect(snapshot.sumNanoseconds == 400_000 + 1_000_000 + 3_000_000 + 700_000_000 + 9_000_000_000)
        #expect(snapshot.cumulativeCounts == [2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 5])
    }
}
