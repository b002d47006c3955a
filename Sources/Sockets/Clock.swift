#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Readings of the system clocks: monotonic for scheduling, wall for records.
public enum SystemClock {
    /// Nanoseconds on the monotonic clock, which never jumps.
    public static func monotonicNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Milliseconds since the Unix epoch on the wall clock.
    public static func wallMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
