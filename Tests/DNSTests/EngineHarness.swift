import Diagnostics
import Monitoring
import Probing
import Synchronization
import TestSupport
import Testing

/// Runs the real ProbeEngine against loopback DNS servers and collects what it reports, with the time
/// each result arrived.
final class DNSCollector: Sendable {
    private let received = Mutex<[(outcome: ProbeOutcome, at: ContinuousClock.Instant)]>([])

    func add(_ batch: [ProbeOutcome]) {
        let now = ContinuousClock.now
        received.withLock { $0 += batch.map { ($0, now) } }
    }

    func of(_ id: String) -> [ProbeOutcome] {
        received.withLock { $0.filter { $0.outcome.observation.probeID == id }.map(\.outcome) }
    }

    /// When the first result for `id` arrived.
    func firstArrival(of id: String) -> ContinuousClock.Instant? {
        received.withLock { $0.first { $0.outcome.observation.probeID == id }?.at }
    }
}

enum DNSHarness {
    static func probe(_ id: String, server: TestDNSServer, query: String = "example.test",
                      type: DNSCheck.RecordType = .a, expect: String? = nil, expectRcode: String = "NOERROR",
                      compare: TestDNSServer? = nil, timeout: Duration = .seconds(2),
                      interval: Duration = .milliseconds(100)) -> ProbeDefinition {
        let check = DNSCheck(server: ResolverAddress(host: server.host, port: Int(server.port)), query: query,
                             type: type, expect: expect, expectRcode: expectRcode,
                             compare: compare.map { ResolverAddress(host: $0.host, port: Int($0.port)) })
        return ProbeDefinition(id: id, name: id, check: .dns(check), interval: interval, timeout: timeout,
                               retryInterval: .milliseconds(50),
                               policy: DetectionPolicy(failuresToDown: 3, successesToUp: 2))
    }

    /// Runs every probe once (`courtwatch sweep` mode) and returns the results, and when the engine started.
    static func runOnce(_ probes: [ProbeDefinition]) throws -> (DNSCollector, ContinuousClock.Instant) {
        try run(probes, mode: .once) { collector in probes.allSatisfy { !collector.of($0.id).isEmpty } }
    }

    /// Runs the engine until `done`, bounded by twice the longest timeout plus ten seconds, then stops it.
    static func run(_ probes: [ProbeDefinition], mode: ProbeEngine.Mode = .continuous,
                    until done: (DNSCollector) -> Bool) throws -> (DNSCollector, ContinuousClock.Instant) {
        let collector = DNSCollector()
        let engine = try ProbeEngine(probes: probes, mode: mode, logger: Logger(label: "test", sink: .discard)) {
            collector.add($0)
        }
        let started = ContinuousClock.now
        engine.start()
        let longest = probes.map(\.timeout).max() ?? .seconds(1)
        let finished = eventually(timeout: longest * 2 + .seconds(10)) { done(collector) }
        engine.stop(grace: .seconds(2))
        #expect(finished, "the engine did not produce the expected DNS results in time")
        return (collector, started)
    }
}
