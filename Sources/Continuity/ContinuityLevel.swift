/// A site's business-continuity level, lowest first (domain-notes §4.2).
public enum ContinuityLevel: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Everything the site needs works.
    case normal
    /// Something failed: IT operations and the site lead know and watch.
    case watch
    /// Slow, intermittent or down but still inside its RTO: local workarounds, forms printed and ready.
    case degraded
    /// Paper mode: a critical system is down past its RTO in the hours that matter.
    case contingency
    /// Several critical systems down, or past the MTPD: escalate regionally; judicial decision on listing.
    case major

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// `CONTINGENCY`, as shown in banners and tables.
    public var description: String { rawValue.uppercased() }

    /// Paper mode or worse.
    public var isPaperMode: Bool { self >= .contingency }

    /// What the site does at this level, in a few words.
    public var action: String {
        switch self {
        case .normal: "no action"
        case .watch: "tell IT operations and the site lead"
        case .degraded: "use local workarounds and print the forms pack"
        case .contingency: "switch to paper"
        case .major: "escalate to regional level; judicial decision on listing"
        }
    }
}
