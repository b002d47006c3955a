public import FailureLog
public import Monitoring

/// What the web surface is told at start: settings from courtwatch.conf and the running daemon's live
/// state, passed in as closures so this module needs nothing from the prober or the daemon.
public struct WebEnvironment: Sendable {
    /// The daemon's state directory (the failure log is read from here).
    public var stateDirectory: String
    /// `PublicStatus=yes`: status pages and /metrics open without a token.
    public var publicStatus: Bool
    /// Seconds between automatic reloads of the status board.
    public var refreshSeconds = 30
    /// A probe loop silent for longer than this is reported stalled by /healthz.
    public var stalledAfterSeconds: Int64 = 30
    /// The board, the status API and /metrics are the same for every reader: one rendering is reused for
    /// this long, so a room of screens refreshing (or a load test) costs one SQLite read a second. 0: off.
    public var statusCacheMilliseconds: Int64 = 1000
    /// `SecureCookies=yes`: the session cookie is marked `Secure` (behind a TLS reverse proxy).
    public var secureCookies = false
    /// `SessionIdleMinutes=`: a browser session unused for this long ends (it ends 12 hours after sign-in anyway).
    public var sessionIdleMinutes = 480
    /// Failed sign-ins a client address may make in a burst before `POST /signin` answers 429...
    public var signInFailureBurst = 10
    /// ...and the seconds after which one more attempt is allowed.
    public var signInFailureRefillSeconds = 30
    /// Why the failure log cannot be written, or nil when it can (`LogWriter.health`).
    public var logHealth: @Sendable () -> String?
    /// Nanoseconds since the probe loop last went round, or nil when no loop is running.
    public var probeLoopAge: @Sendable () -> Int64?
    /// The leaf certificate's notAfter per probe, for probes whose last check read one (the running prober's).
    public var certificateExpiries: @Sendable () -> [String: Timestamp] = { [:] }
    /// The log writer's commit times, failed batches and queue length; nil when no writer runs.
    public var logWrites: @Sendable () -> LogWriteStatistics.Snapshot? = { nil }
    /// Delivers a heartbeat for a probe to the running prober.
    public var heartbeat: @Sendable (String) -> HeartbeatOutcome
    /// The site's continuity desk (the daemon's, shared with `courtwatch continuity`); nil answers 503.
    public var continuity: (any ContinuityService)?
    /// The forms' pre-fill from the site's configuration (the CLI's); nil answers 503.
    public var forms: FormsSource?
    /// `courtwatch log export`'s rendering; nil answers 503.
    public var logExport: LogExporter?
    /// `courtwatch report site` and `report user`'s rendering (with the user report's access rules); nil: 503.
    public var reports: Reporter?
    /// report-problem and staff entries (the CLI's code); nil answers 503.
    public var staff: (any StaffService)?

    public init(stateDirectory: String, publicStatus: Bool, logHealth: @escaping @Sendable () -> String?,
                probeLoopAge: @escaping @Sendable () -> Int64?,
                heartbeat: @escaping @Sendable (String) -> HeartbeatOutcome) {
        self.stateDirectory = stateDirectory
        self.publicStatus = publicStatus
        self.logHealth = logHealth
        self.probeLoopAge = probeLoopAge
        self.heartbeat = heartbeat
    }
}

/// What happened to a heartbeat.
public enum HeartbeatOutcome: Sendable, Equatable {
    case recorded(String)
    /// No such probe, or not `Kind=heartbeat`: 404 / 409 with the sentence.
    case unknownProbe(String)
    case notHeartbeatProbe(String)
    case unavailable(String)
}
