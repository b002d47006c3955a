import FailureLog
import Monitoring

/// One read of the failure log for the status board, the status API and /metrics.
struct StatusData {
    var site: SiteDefinition?
    var probes: [ProbeStatus]
    var openIncidents: [IncidentSummary]
    /// The stored continuity level and recommendation; nil when the log has none for this site.
    var continuity: ContinuityStateRow?
    var health: HealthReport
    /// Whether alerts are getting through (from the notification events); nil if it could not be read.
    var notifications: NotificationHealth?
    /// Live from the prober: each probe's certificate notAfter, when its last check saw one.
    var certificateExpiries: [String: Timestamp] = [:]
    /// Live from the log writer; nil when none runs.
    var logWrites: LogWriteStatistics.Snapshot?

    static func read(_ reader: LogReader, health: HealthReport, now: Timestamp) throws -> StatusData {
        let site = try reader.site()
        let continuity = site.flatMap { try? ContinuityLog.state(site: $0.id, on: reader.connection) }
        return StatusData(site: site, probes: try reader.probeStatuses(), openIncidents: try reader.openIncidents(),
                          continuity: continuity, health: health,
                          notifications: try? reader.notificationHealth(now: now))
    }
}

/// Whether probing and logging work right now, and if not, why (for /healthz and the board's banner).
struct HealthReport: Equatable {
    var logProblem: String?
    var loopProblem: String?
    /// Seconds since the probe loop last went round, when it runs.
    var loopAgeSeconds: Double?

    var isHealthy: Bool { logProblem == nil && loopProblem == nil }

    var reasons: [String] {
        (loopProblem.map { ["probe loop: \($0)"] } ?? []) + (logProblem.map { ["failure log: \($0)"] } ?? [])
    }

    static func current(_ environment: WebEnvironment) -> HealthReport {
        let age = environment.probeLoopAge()
        var loopProblem: String?
        if let age {
            if age > environment.stalledAfterSeconds * 1_000_000_000 {
                loopProblem = "stalled: no heartbeat for \(age / 1_000_000_000) s"
            }
        } else {
            loopProblem = "not running"
        }
        return HealthReport(logProblem: environment.logHealth(), loopProblem: loopProblem,
                            loopAgeSeconds: age.map { Double($0) / 1e9 })
    }
}
