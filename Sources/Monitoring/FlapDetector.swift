/// Flap detection as Nagios and Icinga do it: the weighted percentage of state changes over the last
/// `window` results (recent changes weigh more, 0.8 to 1.2), with hysteresis — flapping starts above
/// `high` percent and stops only below `low`. The defaults are Icinga 2's (30 % and 25 %).
public struct FlapDetector: Sendable, Hashable {
    public struct Policy: Sendable, Hashable {
        public var window: Int
        public var high: Double
        public var low: Double

        public init(window: Int = 21, high: Double = 30, low: Double = 25) {
            precondition(window >= 3 && low < high)
            self.window = window
            self.high = high
            self.low = low
        }
    }

    public let policy: Policy
    private var history: [Bool] = []
    public private(set) var isFlapping = false
    /// Flapping was carried over a restart or reload with no history: it ends only once a full window of
    /// new results says so, not at the first result (whose percentage of an empty history is 0).
    private var resumed = false

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// The weighted state-change percentage of the results seen so far.
    public var changePercentage: Double {
        guard history.count >= 2 else { return 0 }
        var weighted = 0.0
        let steps = Double(policy.window - 2)
        for index in 1..<history.count where history[index] != history[index - 1] {
            // Oldest change in a full window weighs 0.8, the newest 1.2.
            let position = Double(index - 1 + (policy.window - history.count))
            weighted += 0.8 + 0.4 * position / max(1, steps)
        }
        return weighted / Double(policy.window - 1) * 100
    }

    /// After a restart or reload while flapping: start as flapping, so the open FLAPPING incident is closed
    /// by a full window of results rather than left open, or closed by the first one.
    mutating func resumeFlapping() {
        isFlapping = true
        resumed = true
    }

    /// Records whether the probe answered; returns true when `isFlapping` changed.
    public mutating func record(answered: Bool) -> Bool {
        history.append(answered)
        if history.count > policy.window { history.removeFirst(history.count - policy.window) }
        if resumed {
            guard history.count >= policy.window else { return false }
            resumed = false
        }
        let percentage = changePercentage
        if !isFlapping && percentage > policy.high {
            isFlapping = true
            return true
        }
        if isFlapping && percentage < policy.low {
            isFlapping = false
            return true
        }
        return false
    }
}
