public import Monitoring

/// What the daemon asks the log to record.
public enum LogRecord: Sendable {
    /// The site and probes as configured now: upserted, and probes no longer configured marked inactive.
    case configuration(site: SiteDefinition, probes: [ProbeDefinition])
    /// One finished probe run.
    case outcome(ProbeOutcome)
    /// A daemon lifecycle event (started, stopped) with its details.
    case daemonEvent(kind: String, at: Timestamp, payload: JSONValue)
}
