import Synchronization

/// How long the writer's transactions take to commit, as a cumulative histogram for /metrics, plus the
/// batches that failed. Written by the writer thread, read by the web thread: every access takes the lock,
/// which is held only to add or copy a few integers.
public final class LogWriteStatistics: Sendable {
    /// Upper bounds of the histogram's buckets in seconds (`le`), ascending; `+Inf` is implied. From a
    /// millisecond (a small batch on an idle SSD) to 5 s (a disk that is failing or a lock held by a CLI).
    public static let bucketBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    /// One reading of the statistics.
    public struct Snapshot: Sendable, Equatable {
        /// Commits per bucket, not cumulative; one more entry than `bucketBounds` (the `+Inf` overflow).
        public var bucketCounts: [Int64]
        /// Commits measured, and their total time in nanoseconds.
        public var count: Int64
        public var sumNanoseconds: Int64
        /// Batches whose transaction failed (disk full, read-only, locked); they are retried.
        public var failures: Int64
        /// Records queued but not yet committed when this was read.
        public var buffered: Int

        /// Commits at or under each bound, then all of them: the histogram's `_bucket` values.
        public var cumulativeCounts: [Int64] {
            var running: Int64 = 0
            return bucketCounts.map { count in
                running += count
                return running
            }
        }
    }

    private struct State {
        var bucketCounts = [Int64](repeating: 0, count: LogWriteStatistics.bucketBounds.count + 1)
        var count: Int64 = 0
        var sumNanoseconds: Int64 = 0
        var failures: Int64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds one committed transaction that took `duration` (measured on a monotonic clock).
    public func recordCommit(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let bucket = Self.bucketBounds.firstIndex { Double(nanoseconds) / 1e9 <= $0 } ?? Self.bucketBounds.count
        state.withLock {
            $0.bucketCounts[bucket] += 1
            $0.count += 1
            $0.sumNanoseconds += nanoseconds
        }
    }

    /// Counts a batch whose transaction failed.
    public func recordFailure() {
        state.withLock { $0.failures += 1 }
    }

    /// The statistics now, with `buffered` as the writer reports it.
    public func snapshot(buffered: Int = 0) -> Snapshot {
        state.withLock {
            Snapshot(bucketCounts: $0.bucketCounts, count: $0.count, sumNanoseconds: $0.sumNanoseconds,
                     failures: $0.failures, buffered: buffered)
        }
    }
}
