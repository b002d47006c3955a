import Foundation
public import Sockets
import Synchronization

/// The small simulated court site that `courtwatch demo` watches, all on loopback:
/// - a "case platform" that answers its sign-in page, then fails with 503 for `outage` out of every `cycle`;
/// - a slow "document store" that answers in about 1.5 s, and now and then too late;
/// - a TCP "site gateway" that accepts connections.
public final class DemoSite: @unchecked Sendable {
    // @unchecked: immutable after init; each server is itself thread-safe.
    public static let platformPort: UInt16 = 47801
    public static let slowPort: UInt16 = 47802
    public static let gatewayPort: UInt16 = 47803

    public let cycle: Duration
    public let outage: Duration
    private let startedAt: Int64
    private var servers: [LoopbackServer] = []

    /// Starts the three servers. Fails (naming the port) when one is taken.
    public init(host: String = "127.0.0.1", platformPort: UInt16 = DemoSite.platformPort,
                slowPort: UInt16 = DemoSite.slowPort, gatewayPort: UInt16 = DemoSite.gatewayPort,
                cycle: Duration = .seconds(120), outage: Duration = .seconds(40)) throws(SystemError) {
        self.cycle = cycle
        self.outage = outage
        let startedAt = SystemClock.monotonicNanoseconds()
        self.startedAt = startedAt
        let cycleNanoseconds = cycle.nanoseconds
        let upNanoseconds = (cycle - outage).nanoseconds
        servers.append(try LoopbackServer(host: host, port: platformPort) { request in
            let phase = (SystemClock.monotonicNanoseconds() - startedAt) % cycleNanoseconds
            if phase >= upNanoseconds {
                return .http(status: 503, body: "<html><body><h1>Service Unavailable</h1></body></html>")
            }
            if request?.path.hasPrefix("/signin") == true {
                return .http(status: 200, body: "<html><body><h1>Common Platform</h1><p>Sign in</p></body></html>")
            }
            return .http(status: 200, body: "<html><body><h1>Common Platform</h1><p>Case list</p></body></html>")
        })
        let slowRequests = Atomic<Int>(0)
        servers.append(try LoopbackServer(host: host, port: slowPort) { _ in
            let count = slowRequests.add(1, ordering: .relaxed).newValue
            let delay: Duration = count % 7 == 0 ? .milliseconds(4500) : .milliseconds(1500)
            return .http(status: 200, body: "<html><body>Document store: ok</body></html>", delay: delay)
        })
        servers.append(try LoopbackServer(host: host, port: gatewayPort, mode: .onAccept) { _ in .close })
    }

    /// Whether the platform is in its outage right now.
    public var platformIsDown: Bool {
        let phase = (SystemClock.monotonicNanoseconds() - startedAt) % (cycle.nanoseconds)
        return phase >= (cycle - outage).nanoseconds
    }

    public func stop() {
        for server in servers { server.stop() }
    }
}
