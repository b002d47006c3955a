public import Monitoring

/// An open incident as the continuity policy sees it: which systems, how bad, planned or not, since when.
public struct ContinuityIncident: Sendable, Hashable {
    /// The incident's impact as set by probes or a person (issue #4).
    public enum Impact: String, Sendable, Hashable {
        case none, minor, major, critical
    }

    public var id: Int64
    public var title: String
    /// Every system the incident affects at this site; empty when none is named.
    public var systems: [String]
    public var impact: Impact
    /// Planned maintenance: logged, never counted toward paper mode.
    public var planned: Bool
    /// A FLAPPING incident: the system is intermittent rather than down.
    public var intermittent: Bool
    public var startedAt: Timestamp

    public init(id: Int64, title: String, systems: [String], impact: Impact = .major, planned: Bool = false,
                intermittent: Bool = false, startedAt: Timestamp) {
        self.id = id
        self.title = title
        self.systems = systems
        self.impact = impact
        self.planned = planned
        self.intermittent = intermittent
        self.startedAt = startedAt
    }
}
