/// What a probe is known to be.
public enum ProbeState: String, Sendable, Hashable, CaseIterable {
    /// No result yet (just started, or the probe is new).
    case unknown
    case up
    /// Failing, not yet confirmed: probed again at the retry interval.
    case suspect
    /// Confirmed failing: an incident is open.
    case down
    /// Answering again after DOWN, not yet confirmed.
    case recovering

    /// Whether the probe is being re-checked at the retry interval.
    public var isConfirming: Bool { self == .suspect || self == .recovering }
}

/// A change of state, with the observation that caused it.
public struct Transition: Hashable, Sendable {
    public var probeID: String
    public var from: ProbeState
    public var to: ProbeState
    public var at: Timestamp
    public var cause: Observation
}

/// What the caller must do after an observation. The state machine does no I/O itself.
public enum ProbeAction: Hashable, Sendable {
    /// Record the change of state.
    case recordTransition(Transition)
    /// Open an incident for this probe, started when the first failure of the run of failures was seen.
    case openIncident(probeID: String, startedAt: Timestamp, cause: Observation)
    /// Resolve the probe's open incident; `evidence` is the success that confirmed recovery.
    case resolveIncident(probeID: String, at: Timestamp, evidence: Observation)
}

/// The pure per-probe state machine: UP → SUSPECT → DOWN → RECOVERING → UP.
/// Values in (observations), actions out; it never reads a clock.
public struct ProbeStateMachine: Sendable, Hashable {
    public let probeID: String
    public let policy: DetectionPolicy
    public private(set) var state: ProbeState
    /// When the current state began.
    public private(set) var since: Timestamp?
    /// Consecutive failures (while UP/SUSPECT) or successes (while RECOVERING).
    public private(set) var streak = 0
    /// When the current run of failures began: an incident's start.
    public private(set) var firstFailureAt: Timestamp?

    public init(probeID: String, policy: DetectionPolicy) {
        self.probeID = probeID
        self.policy = policy
        self.state = .unknown
    }

    /// A machine that resumes a state recorded before a restart (an open incident stays open).
    public init(probeID: String, policy: DetectionPolicy, restoring state: ProbeState, since: Timestamp?) {
        self.init(probeID: probeID, policy: policy)
        switch state {
        case .down, .recovering:
            // A restart does not confirm recovery: the probe must earn UP again.
            self.state = .down
            self.since = since
        case .up:
            self.state = .up
            self.since = since
        case .unknown, .suspect:
            // Suspicion is not carried across a restart; the next result decides.
            self.state = .unknown
        }
    }

    public mutating func observe(_ observation: Observation) -> [ProbeAction] {
        precondition(observation.probeID == probeID, "observation for \(observation.probeID) fed to \(probeID)")
        var actions: [ProbeAction] = []
        let at = observation.at
        if observation.succeeded {
            switch state {
            case .unknown, .suspect:
                move(to: .up, at: at, cause: observation, into: &actions)
            case .up:
                break
            case .down:
                if policy.successesToUp == 1 {
                    move(to: .up, at: at, cause: observation, into: &actions)
                    actions.append(.resolveIncident(probeID: probeID, at: at, evidence: observation))
                } else {
                    move(to: .recovering, at: at, cause: observation, into: &actions)
                    streak = 1
                }
            case .recovering:
                streak += 1
                if streak >= policy.successesToUp {
                    move(to: .up, at: at, cause: observation, into: &actions)
                    actions.append(.resolveIncident(probeID: probeID, at: at, evidence: observation))
                }
            }
        } else {
            switch state {
            case .unknown, .up:
                firstFailureAt = at
                if policy.failuresToDown == 1 {
                    confirmDown(observation, into: &actions)
                } else {
                    move(to: .suspect, at: at, cause: observation, into: &actions)
                    streak = 1
                }
            case .suspect:
                streak += 1
                if streak >= policy.failuresToDown { confirmDown(observation, into: &actions) }
            case .recovering:
                move(to: .down, at: at, cause: observation, into: &actions)
            case .down:
                break
            }
        }
        return actions
    }

    private mutating func confirmDown(_ observation: Observation, into actions: inout [ProbeAction]) {
        let startedAt = firstFailureAt ?? observation.at
        move(to: .down, at: observation.at, cause: observation, into: &actions)
        actions.append(.openIncident(probeID: probeID, startedAt: startedAt, cause: observation))
    }

    private mutating func move(to newState: ProbeState, at: Timestamp, cause: Observation,
                               into actions: inout [ProbeAction]) {
        let transition = Transition(probeID: probeID, from: state, to: newState, at: at, cause: cause)
        state = newState
        since = at
        streak = 0
        if newState == .up { firstFailureAt = nil }
        actions.append(.recordTransition(transition))
    }

    /// How long until the next run: the retry interval while confirming, the normal interval otherwise.
    public func nextDelay(interval: Duration, retryInterval: Duration) -> Duration {
        state.isConfirming ? retryInterval : interval
    }
}
