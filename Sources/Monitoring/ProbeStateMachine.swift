/// What a probe is known to be, as status, the log and reports show it.
public enum ProbeState: String, Sendable, Hashable, CaseIterable {
    /// No result yet (just started, or the probe is new).
    case unknown
    case up
    /// Answering, but slower than `MaxLatency=` (confirmed like a failure).
    case degraded
    /// Failing, not yet confirmed: probed again at the retry interval.
    case suspect
    /// Confirmed failing: an incident is open.
    case down
    /// Answering again after DOWN, not yet confirmed.
    case recovering
    /// Failing while something it depends on is DOWN: the parent's incident covers it.
    case unreachable
    /// Changing state too often to call; one FLAPPING incident instead of many.
    case flapping
    /// Inside a planned maintenance window: failures are logged as planned, no incident.
    case maintenance
    /// courtwatch's own reference probes all fail: the prober is cut off, nothing is known about the rest.
    case proberOffline = "prober-offline"

    /// Whether the probe is being re-checked at the retry interval.
    public var isConfirming: Bool { self == .suspect || self == .recovering }
    /// A raw state that means "not answering".
    public var isFailing: Bool { self == .suspect || self == .down || self == .recovering }
}

/// A change of reported state, with the observation that caused it.
public struct Transition: Hashable, Sendable {
    public var probeID: String
    public var from: ProbeState
    public var to: ProbeState
    public var at: Timestamp
    /// The observation that caused it: the probe's own, or its parent's when a dependency changed.
    public var cause: Observation
    /// Why, when the cause is not this probe's own result (e.g. "site-gateway is DOWN").
    public var note: String?

    public init(probeID: String, from: ProbeState, to: ProbeState, at: Timestamp, cause: Observation,
                note: String? = nil) {
        self.probeID = probeID
        self.from = from
        self.to = to
        self.at = at
        self.cause = cause
        self.note = note
    }

    /// One line: the note if there is one, else the observation's summary.
    public var reason: String { note ?? cause.summary }
}

/// What kind of incident: a confirmed outage, or a probe that will not settle.
public enum IncidentKind: String, Sendable, Hashable {
    case down
    case flapping
}

/// What the caller must do after an observation. The monitor does no I/O itself.
public enum ProbeAction: Hashable, Sendable {
    /// Record the change of reported state.
    case recordTransition(Transition)
    /// Open an incident for this probe.
    case openIncident(probeID: String, kind: IncidentKind, startedAt: Timestamp, cause: String, at: Timestamp)
    /// Resolve the probe's open incident of this kind.
    case resolveIncident(probeID: String, kind: IncidentKind, at: Timestamp, reason: String)
    /// `childID` became unreachable because `parentID` is down: list it on the parent's incident.
    case linkToIncident(parentID: String, childID: String, at: Timestamp)
    /// Run this probe as soon as possible (a child is waiting on it before calling an outage).
    case probeSoon(probeID: String)
    /// Every reference probe is DOWN: from here results say nothing about the services.
    case proberOfflineBegan(at: Timestamp)
    case proberOfflineEnded(at: Timestamp)
}

/// How one result reads for the state machine.
public enum ResultClass: Sendable, Hashable {
    case ok
    /// Answered correctly, but too slowly.
    case slow
    case failed

    public init(_ observation: Observation) {
        self = observation.failure != nil ? .failed : (observation.slowness != nil ? .slow : .ok)
    }
}

/// The pure per-probe state machine on the probe's own results:
/// UP ⇄ DEGRADED, UP/DEGRADED → SUSPECT → DOWN → RECOVERING → UP. Values in, state out; no clock, no I/O.
public struct ProbeStateMachine: Sendable, Hashable {
    public let probeID: String
    public let policy: DetectionPolicy
    public private(set) var state: ProbeState
    /// When the current state began.
    public private(set) var since: Timestamp?
    /// Consecutive results pushing toward the next state.
    public private(set) var streak = 0
    /// When the current run of failures began: an incident's start.
    public private(set) var firstFailureAt: Timestamp?

    public init(probeID: String, policy: DetectionPolicy) {
        self.probeID = probeID
        self.policy = policy
        self.state = .unknown
    }

    /// A machine that resumes a state recorded before a restart (an outage stays an outage).
    public init(probeID: String, policy: DetectionPolicy, restoring state: ProbeState, since: Timestamp?) {
        self.init(probeID: probeID, policy: policy)
        switch state {
        case .down, .recovering, .unreachable:
            // A restart does not confirm recovery: the probe must earn UP again.
            self.state = .down
            self.since = since
        case .up, .degraded:
            self.state = state
            self.since = since
        default:
            // Suspicion, flapping and maintenance are not carried across a restart; results decide again.
            self.state = .unknown
        }
    }

    /// Feeds one result; returns the previous state when the state changed.
    public mutating func observe(_ result: ResultClass, at: Timestamp) -> ProbeState? {
        let before = state
        switch (state, result) {
        case (.unknown, .ok): move(to: .up, at: at)
        case (.unknown, .slow): advance(to: .degraded, at: at, needed: policy.failuresToDown, else: .up)
        case (.up, .ok): streak = 0
        case (.up, .slow): advance(to: .degraded, at: at, needed: policy.failuresToDown, else: nil)
        case (.degraded, .slow): streak = 0
        case (.degraded, .ok): advance(to: .up, at: at, needed: policy.successesToUp, else: nil)
        case (.unknown, .failed), (.up, .failed), (.degraded, .failed):
            firstFailureAt = at
            if policy.failuresToDown == 1 { move(to: .down, at: at) } else { move(to: .suspect, at: at, streak: 1) }
        case (.suspect, .ok): move(to: .up, at: at)
        case (.suspect, .slow): move(to: .degraded, at: at)
        case (.suspect, .failed):
            streak += 1
            if streak >= policy.failuresToDown { move(to: .down, at: at) }
        case (.down, .ok), (.down, .slow):
            if policy.successesToUp == 1 { move(to: result == .ok ? .up : .degraded, at: at) }
            else { move(to: .recovering, at: at, streak: 1) }
        case (.down, .failed): break
        case (.recovering, .ok), (.recovering, .slow):
            streak += 1
            if streak >= policy.successesToUp { move(to: result == .ok ? .up : .degraded, at: at) }
        case (.recovering, .failed): move(to: .down, at: at)
        default: break
        }
        return state == before ? nil : before
    }

    /// Counts toward `target`; moves there after `needed` results in a row. `else` is where a first
    /// result goes when it cannot wait (a new probe must show something).
    private mutating func advance(to target: ProbeState, at: Timestamp, needed: Int, else fallback: ProbeState?) {
        streak += 1
        if streak >= needed {
            move(to: target, at: at)
        } else if let fallback, state != fallback {
            let kept = streak
            move(to: fallback, at: at)
            streak = kept
        }
    }

    private mutating func move(to newState: ProbeState, at: Timestamp, streak newStreak: Int = 0) {
        state = newState
        since = at
        streak = newStreak
        if newState == .up || newState == .degraded { firstFailureAt = nil }
    }

    /// How long until the next run: the retry interval while confirming, the normal interval otherwise.
    public func nextDelay(interval: Duration, retryInterval: Duration) -> Duration {
        state.isConfirming ? retryInterval : interval
    }
}
