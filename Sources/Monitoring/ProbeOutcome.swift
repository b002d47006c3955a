/// One finished probe run as the engine hands it to the log: what was seen, what the state machine
/// decided, and the state it is in afterwards.
public struct ProbeOutcome: Hashable, Sendable {
    public var observation: Observation
    public var actions: [ProbeAction]
    public var state: ProbeState
    public var stateSince: Timestamp?

    public init(observation: Observation, actions: [ProbeAction], state: ProbeState, stateSince: Timestamp?) {
        self.observation = observation
        self.actions = actions
        self.state = state
        self.stateSince = stateSince
    }
}
