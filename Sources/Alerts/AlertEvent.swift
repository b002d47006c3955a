public import Monitoring

/// An event from the failure log that alerts may be sent about, with what routing needs to know.
/// The daemon builds it from the stored event and the incident tables; Alerts never reads the log itself.
public struct AlertEvent: Hashable, Sendable {
    /// The event's sequence number in the log: what notification records point back to.
    public var seq: Int64
    /// One of `AlertDefinition.routableEvents`.
    public var kind: String
    public var at: Timestamp
    /// The incident this event is about; nil for continuity events.
    public var incident: Int64?
    public var site: String
    /// Every affected system; empty when none is known (site-wide).
    public var systems: [String]
    public var impact: AlertDefinition.Impact
    public var planned: Bool
    /// The incident's title, or for continuity events a short description.
    public var title: String
    /// Who did it: "courtwatch" for what the daemon did by itself, else a person.
    public var by: String
    /// The cause, reason or note that came with the event.
    public var text: String
    /// True when the incident's probe sits behind another open incident's (a child in a dependency tree).
    public var isDependencyChild: Bool
    /// True when the incident began inside a maintenance window covering it.
    public var duringMaintenance: Bool
    /// True for an outage recorded afterwards (from a paper log or a supplier's notice): history, not news.
    public var isBackRecorded: Bool
    /// When an acknowledgement lapses (incident.acknowledged only); nil means until resolved.
    public var acknowledgedUntil: Timestamp?

    public init(seq: Int64, kind: String, at: Timestamp, incident: Int64? = nil, site: String, systems: [String] = [],
                impact: AlertDefinition.Impact = .major, planned: Bool = false, title: String,
                by: String = "courtwatch",
                text: String = "", isDependencyChild: Bool = false, duringMaintenance: Bool = false,
                isBackRecorded: Bool = false, acknowledgedUntil: Timestamp? = nil) {
        self.seq = seq
        self.kind = kind
        self.at = at
        self.incident = incident
        self.site = site
        self.systems = systems
        self.impact = impact
        self.planned = planned
        self.title = title
        self.by = by
        self.text = text
        self.isDependencyChild = isDependencyChild
        self.duringMaintenance = duringMaintenance
        self.isBackRecorded = isBackRecorded
        self.acknowledgedUntil = acknowledgedUntil
    }

    public var isContinuity: Bool { kind.hasPrefix("continuity.") }

    /// "OPENED", "RESOLVED", "ACKNOWLEDGED", "CONTINUITY INVOKED", "CONTINUITY STOOD DOWN".
    public var headline: String {
        switch kind {
        case "incident.opened": "OPENED"
        case "incident.resolved": "RESOLVED"
        case "incident.acknowledged": "ACKNOWLEDGED"
        case "continuity.invoked": "CONTINUITY INVOKED"
        case "continuity.stood-down": "CONTINUITY STOOD DOWN"
        default: kind.uppercased()
        }
    }
}
