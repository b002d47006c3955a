import Monitoring
import Testing

@Suite struct ProbeStateMachineTests {
    let policy = DetectionPolicy(failuresToDown: 3, successesToUp: 2)

    func observation(_ second: Int64, ok: Bool) -> Observation {
        Observation(probeID: "cp", at: Timestamp(millisecondsSinceEpoch: second * 1000),
                    failure: ok ? nil : FailureEvidence(failureClass: .httpStatus, message: "HTTP 503 (expected 200)"),
                    latencyMicroseconds: 1000)
    }

    func transitions(_ actions: [ProbeAction]) -> [String] {
        actions.compactMap {
            if case .recordTransition(let t) = $0 { return "\(t.from.rawValue)->\(t.to.rawValue)" }
            return nil
        }
    }

    @Test func firstSuccessMovesFromUnknownToUp() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        #expect(transitions(machine.observe(observation(0, ok: true))) == ["unknown->up"])
        #expect(machine.state == .up)
        #expect(machine.observe(observation(30, ok: true)).isEmpty)
    }

    @Test func threeFailuresInARowOpenOneIncidentDatedFromTheFirstFailure() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        _ = machine.observe(observation(0, ok: true))
        #expect(transitions(machine.observe(observation(30, ok: false))) == ["up->suspect"])
        #expect(machine.observe(observation(35, ok: false)).isEmpty)
        let actions = machine.observe(observation(40, ok: false))
        #expect(transitions(actions) == ["suspect->down"])
        let opened = actions.compactMap { action -> Timestamp? in
            if case .openIncident(_, let startedAt, _) = action { return startedAt }
            return nil
        }
        #expect(opened == [Timestamp(millisecondsSinceEpoch: 30_000)])
        // Further failures change nothing and open nothing.
        #expect(machine.observe(observation(70, ok: false)).isEmpty)
    }

    @Test func aSingleBlipReturnsToUpWithoutAnIncident() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        _ = machine.observe(observation(0, ok: true))
        _ = machine.observe(observation(30, ok: false))
        let actions = machine.observe(observation(35, ok: true))
        #expect(transitions(actions) == ["suspect->up"])
        #expect(!actions.contains { if case .openIncident = $0 { true } else { false } })
    }

    @Test func recoveryNeedsConsecutiveSuccessesAndAFailureSendsItBackDown() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        for second in [0, 5, 10] { _ = machine.observe(observation(Int64(second), ok: false)) }
        #expect(machine.state == .down)
        #expect(transitions(machine.observe(observation(15, ok: true))) == ["down->recovering"])
        #expect(transitions(machine.observe(observation(20, ok: false))) == ["recovering->down"])
        _ = machine.observe(observation(25, ok: true))
        let actions = machine.observe(observation(30, ok: true))
        #expect(transitions(actions) == ["recovering->up"])
        #expect(actions.contains { if case .resolveIncident = $0 { true } else { false } })
    }

    @Test func thresholdsOfOneGoStraightDownAndStraightUp() {
        var machine = ProbeStateMachine(probeID: "cp", policy: DetectionPolicy(failuresToDown: 1, successesToUp: 1))
        let down = machine.observe(observation(0, ok: false))
        #expect(transitions(down) == ["unknown->down"])
        #expect(down.contains { if case .openIncident = $0 { true } else { false } })
        let up = machine.observe(observation(1, ok: true))
        #expect(transitions(up) == ["down->up"])
        #expect(up.contains { if case .resolveIncident = $0 { true } else { false } })
    }

    @Test func aRestartKeepsAnOpenIncidentOpenUntilRecoveryIsConfirmed() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy, restoring: .down,
                                        since: Timestamp(millisecondsSinceEpoch: 0))
        #expect(machine.observe(observation(100, ok: false)).isEmpty)  // no second incident
        _ = machine.observe(observation(105, ok: true))
        let actions = machine.observe(observation(110, ok: true))
        #expect(actions.contains { if case .resolveIncident = $0 { true } else { false } })
    }

    @Test func retryIntervalIsUsedOnlyWhileConfirming() {
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        _ = machine.observe(observation(0, ok: true))
        #expect(machine.nextDelay(interval: .seconds(30), retryInterval: .seconds(5)) == .seconds(30))
        _ = machine.observe(observation(30, ok: false))
        #expect(machine.nextDelay(interval: .seconds(30), retryInterval: .seconds(5)) == .seconds(5))
        _ = machine.observe(observation(35, ok: false))
        _ = machine.observe(observation(40, ok: false))
        #expect(machine.nextDelay(interval: .seconds(30), retryInterval: .seconds(5)) == .seconds(30))
    }

    /// A year of 30 s results with random outages: every incident opened is resolved once, incidents never
    /// overlap, and the count equals the number of failure runs at least `failuresToDown` long.
    @Test func aYearOfRandomOutagesOpensExactlyOneIncidentPerLongFailureRun() {
        var generator = SplitMix(seed: 2019)
        var machine = ProbeStateMachine(probeID: "cp", policy: policy)
        var failing = false
        var run = 0
        var expectedIncidents = 0
        var opened = 0
        var resolved = 0
        var openNow = false
        var successRun = 0
        for step in 0..<(365 * 24 * 120) {
            if generator.next() % 1000 < (failing ? 150 : 2) { failing.toggle() }
            let ok = !failing
            if ok {
                successRun += 1
                if openNow && successRun == policy.successesToUp { openNow = false }
                run = 0
            } else {
                successRun = 0
                run += 1
                if run == policy.failuresToDown && !openNow {
                    expectedIncidents += 1
                    openNow = true
                }
            }
            for action in machine.observe(observation(Int64(step) * 30, ok: ok)) {
                switch action {
                case .openIncident: opened += 1
                case .resolveIncident: resolved += 1
                case .recordTransition: break
                }
            }
            if opened - resolved != (openNow ? 1 : 0) {
                Issue.record("at step \(step): \(opened) opened, \(resolved) resolved, model says open=\(openNow)")
                return
            }
        }
        #expect(opened == expectedIncidents)
        #expect(opened > 50)
    }
}

/// A small deterministic generator so long timelines are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
