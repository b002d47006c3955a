/// Where an incident is in its lifecycle, in Statuspage's vocabulary.
public enum IncidentStatus: String, Sendable, Hashable, CaseIterable {
    case investigating
    case identified
    case monitoring
    case resolved
}

/// How much an incident stops people working. Ordered: `none < minor < major < critical`.
public enum IncidentImpact: String, Sendable, Hashable, CaseIterable, Comparable {
    case none
    case minor
    case major
    case critical

    private var rank: Int {
        switch self {
        case .none: 0
        case .minor: 1
        case .major: 2
        case .critical: 3
        }
    }

    public static func < (lhs: IncidentImpact, rhs: IncidentImpact) -> Bool { lhs.rank < rhs.rank }

    /// What a probe-opened incident starts as: a critical system's outage stops work; others hinder it.
    public static func forProbe(critical: Bool, kind: IncidentKind) -> IncidentImpact {
        switch kind {
        case .down: critical ? .major : .minor
        case .flapping: .minor
        }
    }
}

/// Who put an incident in the log.
public enum IncidentOrigin: String, Sendable, Hashable {
    /// courtwatch saw it (DOWN, FLAPPING, the staff-report threshold, a late e-mail canary).
    case probe
    /// A person recorded it as it happened.
    case manual
    /// A person recorded it afterwards from another source: the site's paper log kept while courtwatch's own
    /// host was down, a supplier's notice.
    case backRecorded = "back-recorded"
}
