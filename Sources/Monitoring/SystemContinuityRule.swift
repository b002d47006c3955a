/// How much a system's failure hurts the site, from the local business impact analysis (ISO 22301 8.2).
public enum SystemCriticality: String, Sendable, Hashable, CaseIterable, Comparable {
    case low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// The hours in which a system's outage counts toward paper mode.
public enum SystemHours: Sendable, Hashable {
    /// The site's `BusinessHours=` (every hour when the site has none).
    case business
    /// Every hour of every day: network, custody feeds.
    case always
    /// The system's own hours, e.g. sitting hours `Mon-Fri 09:30-16:30`.
    case schedule(WeeklySchedule)
}

/// A moment in the week at which a system must work, e.g. `Mon-Fri 15:30 custody handover cut-off`.
/// When an outage would still be inside its RTO at such a moment, waiting for the RTO is too late.
public struct CriticalMoment: Sendable, Hashable {
    /// 1 = Monday ... 7 = Sunday.
    public var weekdays: Set<Int>
    /// Minutes after local midnight.
    public var minute: Int
    public var label: String

    public init(weekdays: Set<Int>, minute: Int, label: String) {
        self.weekdays = weekdays
        self.minute = minute
        self.label = label
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Parses `DAYS HH:MM LABEL`; days as in `WeeklySchedule` (`Mon-Fri`, `Mon,Thu`, `Sun`).
    public init(parsing text: String) throws(ParseError) {
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        guard words.count == 3, !words[2].trimmed.isEmpty else {
            throw ParseError(message: "'\(text)' is not DAYS HH:MM WHAT, e.g. Mon-Fri 15:30 custody handover cut-off")
        }
        let clock = words[1].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2, clock[0].count == 2, clock[1].count == 2, let hour = Int(clock[0]),
              let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute)
        else {
            throw ParseError(message: "'\(words[1])' is not a time of day such as 15:30")
        }
        // The day words share WeeklySchedule's syntax; let it read them rather than keep a second parser.
        let days: WeeklySchedule
        do {
            days = try WeeklySchedule(parsing: "\(words[0]) 00:00-00:01")
        } catch {
            throw ParseError(message: error.message)
        }
        self.init(weekdays: days.rules.flatMap(\.weekdays).reduce(into: []) { $0.insert($1) },
                  minute: hour * 60 + minute, label: words[2].trimmed)
    }

    /// `15:30`.
    public var clockText: String { "\(pad(Int64(minute / 60), 2)):\(pad(Int64(minute % 60), 2))" }
}

/// One system's continuity rules from a `[System]` section of site.conf, or the documented defaults.
public struct SystemContinuityRule: Sendable, Hashable {
    public var id: String
    public var name: String
    public var criticality: SystemCriticality
    /// Recovery time objective: how long an outage may last, in the hours that matter, before paper mode.
    public var recoveryTimeObjective: Duration
    /// Maximum tolerable period of disruption: past it the outage is a MAJOR one.
    public var maximumTolerableDisruption: Duration
    public var hours: SystemHours
    public var criticalMoments: [CriticalMoment]
    /// Invoke contingency without waiting for a person (recorded as invoked by "courtwatch").
    public var autoInvoke: Bool
    /// How long the system's probes must stay green before the stand-down checklist counts them.
    public var greenFor: Duration
    /// Where the rule was written; nil for a default rule.
    public var source: SourceLocation?

    public init(id: String, name: String? = nil, criticality: SystemCriticality = .medium,
                recoveryTimeObjective: Duration = Self.defaultRecoveryTimeObjective,
                maximumTolerableDisruption: Duration = Self.defaultMaximumTolerableDisruption,
                hours: SystemHours = .business, criticalMoments: [CriticalMoment] = [], autoInvoke: Bool = false,
                greenFor: Duration = Self.defaultGreenFor, source: SourceLocation? = nil) {
        self.id = id
        self.name = name ?? id
        self.criticality = criticality
        self.recoveryTimeObjective = recoveryTimeObjective
        self.maximumTolerableDisruption = maximumTolerableDisruption
        self.hours = hours
        self.criticalMoments = criticalMoments
        self.autoInvoke = autoInvoke
        self.greenFor = greenFor
        self.source = source
    }

    public static let defaultRecoveryTimeObjective: Duration = .seconds(3600)
    public static let defaultMaximumTolerableDisruption: Duration = .seconds(4 * 3600)
    public static let defaultGreenFor: Duration = .seconds(15 * 60)

    /// The rule for a system that has probes but no `[System]` section: criticality high when any of its
    /// probes is `Critical=yes` (so a critical probe can still lead to paper mode), otherwise medium; RTO 1 h,
    /// MTPD 4 h, the site's business hours, no critical moments, no automatic invocation, green for 15 min.
    public static func defaultRule(for system: String, hasCriticalProbe: Bool) -> SystemContinuityRule {
        SystemContinuityRule(id: system, criticality: hasCriticalProbe ? .high : .medium)
    }
}
