public import Monitoring

/// What the daemon asks the log to record.
public enum LogRecord: Sendable {
    /// The site and probes as configured now: upserted, and probes no longer configured marked inactive.
    case configuration(site: SiteDefinition, probes: [ProbeDefinition])
    /// One finished probe run.
    case outcome(ProbeOutcome)
    /// An event that is not a probe result: the daemon starting or stopping, a staff report.
    case event(kind: String, at: Timestamp, probeID: String? = nil, payload: JSONValue)
}
