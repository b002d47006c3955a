/// One `[Alert]` section of `courtwatch.conf`: where notifications go, and which events they are for.
/// Lives beside the other definitions so Configuration can build it and Alerts can act on it.
public struct AlertDefinition: Hashable, Sendable, CustomStringConvertible {
    /// How a notification travels.
    public enum Channel: Hashable, Sendable {
        /// A JSON POST; any 2xx answer means delivered.
        case webhook(url: String)
        /// SMTP submission with STARTTLS required (or `smtps://`). `caFile` trusts a private CA.
        case email(smtpURL: String, from: String, to: [String], credentials: Credentials?, caFile: String?)
        /// A command run with the notification in `COURTWATCH_*` environment variables; exit 0 means delivered.
        case exec(command: [String])

        /// `webhook`, `email` or `exec`, as written in `Channel=`.
        public var name: String {
            switch self {
            case .webhook: "webhook"
            case .email: "email"
            case .exec: "exec"
            }
        }
    }

    /// An incident's impact, in the Statuspage vocabulary, ordered from least to most severe.
    public enum Impact: String, Hashable, Sendable, Comparable, CaseIterable {
        case none, minor, major, critical

        public static func < (lhs: Impact, rhs: Impact) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The event kinds an alert can be routed: what a person needs to hear about.
    public static let routableEvents: [String] = [
        "incident.opened", "incident.acknowledged", "incident.resolved", "continuity.invoked", "continuity.stood-down",
    ]

    /// 30 s, 2 min, 10 min, then give up: four attempts over about 13 minutes.
    public static let standardRetryDelays: [Duration] = [.seconds(30), .seconds(120), .seconds(600)]

    public var id: String
    public var channel: Channel
    /// Sites this alert covers; empty means every site.
    public var sites: Set<String>
    /// Systems this alert covers; empty means every system. Continuity events are site-wide and ignore it.
    public var systems: Set<String>
    /// Incidents below this impact are not sent.
    public var minimumImpact: Impact
    /// Which of `routableEvents` are sent.
    public var events: Set<String>
    /// Remind about an incident that is still open and unacknowledged this often; nil never reminds.
    public var renotifyEvery: Duration?
    /// How long one delivery attempt may take before it counts as failed.
    public var timeout: Duration
    /// Whether planned incidents are sent too.
    public var includesPlanned: Bool
    /// The wait before each retry of a failed delivery; after the last, the notification has failed.
    public var retryDelays: [Duration]
    public var source: SourceLocation?

    public init(id: String, channel: Channel, sites: Set<String> = [], systems: Set<String> = [],
                minimumImpact: Impact = .none, events: Set<String> = Set(AlertDefinition.routableEvents),
                renotifyEvery: Duration? = nil, timeout: Duration = .seconds(10), includesPlanned: Bool = false,
                retryDelays: [Duration] = AlertDefinition.standardRetryDelays, source: SourceLocation? = nil) {
        self.id = id
        self.channel = channel
        self.sites = sites
        self.systems = systems
        self.minimumImpact = minimumImpact
        self.events = events
        self.renotifyEvery = renotifyEvery
        self.timeout = timeout
        self.includesPlanned = includesPlanned
        self.retryDelays = retryDelays
        self.source = source
    }

    /// Names the alert and its channel; never the credentials.
    public var description: String { "alert \(id) (\(channel.name))" }
}
