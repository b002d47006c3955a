import Monitoring
import Testing

/// Helpers shared by the monitoring tests: results at whole seconds, and readable action lists.
enum Timeline {
    static func at(_ second: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: second * 1000) }

    static func result(_ probe: String, _ second: Int64, _ kind: ResultClass) -> Observation {
        switch kind {
        case .ok: Observation(probeID: probe, at: at(second), latencyMicroseconds: 1000)
        case .slow: Observation(probeID: probe, at: at(second), slowness: "answered in 2300 ms; MaxLatency=1s",
                                latencyMicroseconds: 2_300_000)
        case .failed: Observation(probeID: probe, at: at(second),
                                  failure: FailureEvidence(failureClass: .httpStatus, message: "HTTP 503 (expected 200)"))
        }
    }

    /// "probe:from->to" for each transition.
    static func transitions(_ actions: [ProbeAction]) -> [String] {
        actions.compactMap {
            if case .recordTransition(let t) = $0 { return "\(t.probeID):\(t.from.rawValue)->\(t.to.rawValue)" }
            return nil
        }
    }

    /// "open probe kind", "resolve probe kind", "link parent child".
    static func incidents(_ actions: [ProbeAction]) -> [String] {
        actions.compactMap {
            switch $0 {
            case let .openIncident(probe, kind, _, _, _): "open \(probe) \(kind.rawValue)"
            case let .resolveIncident(probe, kind, _, _): "resolve \(probe) \(kind.rawValue)"
            case let .linkToIncident(parent, child, _): "link \(parent) \(child)"
            case .recordTransition, .probeSoon, .proberOfflineBegan, .proberOfflineEnded: nil
            }
        }
    }
}

@Suite struct ProbeStateMachineTests {
    let policy = DetectionPolicy(failuresToDown: 3, successesToUp: 2)

    func run(_ results: [ResultClass], policy: DetectionPolicy? = nil) -> [ProbeState] {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy ?? self.policy)
        return results.enumerated().map { index, result in
            _ = machine.observe(result, at: Timeline.at(Int64(index)))
            return machine.state
        }
    }

    @Test func confirmsFailuresBeforeDownAndSuccessesBeforeUp() {
        #expect(run([.ok, .failed, .failed, .failed, .failed, .ok, .failed, .ok, .ok]) ==
                [.up, .suspect, .suspect, .down, .down, .recovering, .down, .recovering, .up])
    }

    @Test func aBlipGoesBackToUpAtOnce() {
        #expect(run([.ok, .failed, .ok]) == [.up, .suspect, .up])
    }

    @Test func slownessIsConfirmedLikeFailureAndClearedLikeRecovery() {
        #expect(run([.ok, .slow, .slow, .slow, .ok, .slow, .ok, .ok]) ==
                [.up, .up, .up, .degraded, .degraded, .degraded, .degraded, .up])
        // Slow answers are answers: a suspect probe that answers slowly is degraded, not down.
        #expect(run([.ok, .failed, .slow]) == [.up, .suspect, .degraded])
    }

    @Test func thresholdsOfOneGoStraightDownAndStraightUp() {
        #expect(run([.failed, .ok], policy: DetectionPolicy(failuresToDown: 1, successesToUp: 1)) == [.down, .up])
    }

    @Test func retryIntervalIsUsedOnlyWhileConfirming() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        _ = machine.observe(.ok, at: Timeline.at(0))
        #expect(machine.nextDelay(interval: .seconds(30), retryInterval: .seconds(5)) == .seconds(30))
        _ = machine.observe(.failed, at: Timeline.at(30))
        #expect(machine.nextDelay(interval: .seconds(30), retryInterval: .seconds(5)) == .seconds(5))
        _ = machine.observe(.failed, at: Timeline.at(35))
        _ = machine.observe(.failed, at: Timeline.at(40))
        #expect(machine.nextDelay(interval: .seconds(30), retryInterval: .seconds(5)) == .seconds(30))
    }
}

@Suite struct FlapDetectorTests {
    @Test func alternatingResultsStartFlappingAndSteadyOnesStopItWithHysteresis() {
        var detector = FlapDetector()
        var started: Int?
        for index in 0..<21 where detector.record(answered: index % 2 == 0) && started == nil { started = index }
        #expect(detector.isFlapping)
        #expect(started != nil && started! < 15)
        // Steady results bring the percentage down; it must pass below 25 %, not just below 50 %.
        var stoppedAfter = 0
        for index in 1...21 {
            if detector.record(answered: true) {
                stoppedAfter = index
                break
            }
            #expect(detector.isFlapping)
        }
        #expect(!detector.isFlapping)
        #expect(stoppedAfter > 5)
    }

    @Test func recentChangesWeighMoreThanOldOnes() {
        var early = FlapDetector()
        var late = FlapDetector()
        for index in 0..<21 {
            _ = early.record(answered: index >= 4 || index % 2 == 0)  // changes at the start
            _ = late.record(answered: index < 17 || index % 2 == 0)   // the same number at the end
        }
        #expect(late.changePercentage > early.changePercentage)
    }
}
