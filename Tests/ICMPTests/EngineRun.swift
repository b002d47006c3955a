import Diagnostics
import Foundation
import Monitoring
import Probing
import Synchronization
import TestSupport

/// Runs ICMP probes once on the real ProbeEngine and hands back each probe's first outcome.
enum EngineRun {
    private final class Collector: Sendable {
        let outcomes = Mutex<[String: ProbeOutcome]>([:])
        func add(_ batch: [ProbeOutcome]) {
            outcomes.withLock { outcomes in
                for outcome in batch where outcomes[outcome.observation.probeID] == nil {
                    outcomes[outcome.observation.probeID] = outcome
                }
            }
        }
    }

    /// Each probe's outcome, keyed by ID, and how long the run took. Fails the test if a probe has not
    /// answered within `limit`.
    static func once(_ probes: [ProbeDefinition], limit: Duration = .seconds(20)) throws
        -> (outcomes: [String: ProbeOutcome], elapsed: Duration)
    {
        let collector = Collector()
        let engine = try ProbeEngine(probes: probes, mode: .once, logger: Logger(label: "icmp-test", sink: .discard)) {
            collector.add($0)
        }
        let clock = ContinuousClock()
        let started = clock.now
        engine.start()
        let finished = eventually(timeout: limit) { collector.outcomes.withLock { $0.count } >= probes.count }
        let elapsed = clock.now - started
        engine.stop(grace: .seconds(2))
        guard finished else {
            throw TestNetworkError(message: "the engine did not report every probe within \(limit)")
        }
        return (collector.outcomes.withLock { $0 }, elapsed)
    }

    /// A `Kind=icmp` probe with test-sized timings.
    static func probe(_ id: String, host: String, count: Int = 3, spacing: Duration = .milliseconds(50),
                      maxLoss: Int = 20, timeout: Duration = .seconds(1), failuresToDown: Int = 3) -> ProbeDefinition {
        ProbeDefinition(id: id, name: id, check: .icmp(ICMPCheck(host: host, count: count, spacing: spacing,
                                                                 maxLossPercent: maxLoss)),
                        interval: .seconds(30), timeout: timeout,
                        policy: DetectionPolicy(failuresToDown: failuresToDown, successesToUp: 2))
    }
}
