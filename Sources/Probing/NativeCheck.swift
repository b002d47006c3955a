import Monitoring
import Sockets

/// A check that runs on the engine's loop with its own non-blocking socket (DNS, ICMP): the engine watches
/// its descriptor with epoll and calls it back; it never blocks and never starts a thread.
protocol NativeCheck: AnyObject {
    /// Opens the socket and sends the first request. Returns the descriptor to watch for reading.
    /// A thrown error becomes a failed observation (`internal`), so the probe still reports.
    func start(now: Int64) throws -> Int32
    /// When it next needs `tick` (monotonic nanoseconds): the next request, or its deadline.
    var wakeAt: Int64 { get }
    /// The descriptor is readable. Returns the observation once the check is complete.
    func readable(now: Int64) -> Observation?
    /// `wakeAt` has passed. Returns the observation once the check is complete.
    func tick(now: Int64) -> Observation?
    /// Releases the socket. Called once, after completion or at shutdown.
    func close()
    /// The descriptor to watch now and for what, when it is no longer the one `start` returned for reading:
    /// a DNS run moves to a TCP socket after a truncated UDP reply. The engine follows after every call.
    var watching: (descriptor: Int32, readiness: Readiness)? { get }
}

extension NativeCheck {
    var watching: (descriptor: Int32, readiness: Readiness)? { nil }
}

/// Which probe kinds run as native checks, and how to make one for a run.
enum NativeChecks {
    /// A check for one run of `probe` started at `startedAt`, or nil for kinds that libcurl runs.
    static func make(for probe: ProbeDefinition, startedAt: Timestamp) -> (any NativeCheck)? {
        switch probe.check {
        case .dns(let check): DNSProbeRun(probe: probe, check: check, startedAt: startedAt)
        case .icmp(let check): ICMPProbeRun(probe: probe, check: check, startedAt: startedAt)
        case .tcp(let endpoint) where probe.expectBanner != nil:
            TCPBannerRun(probe: probe, endpoint: endpoint, banner: probe.expectBanner ?? "", startedAt: startedAt)
        default: nil
        }
    }
}
