import FailureLog
import Continuity
import Monitoring

/// /metrics in the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per family,
/// each family's samples together, label values escaped.
enum MetricsText {
    static func render(_ data: StatusData) -> String {
        var out = ""
        let site = data.site?.id ?? ""
        func family(_ name: String, _ help: String, type: String = "gauge",
                    _ samples: [(labels: [(String, String)], value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += line(name, sample.labels, sample.value) }
        }
        func probeLabels(_ probe: ProbeStatus) -> [(String, String)] {
            [("probe", probe.id), ("site", site), ("system", probe.system ?? "")]
        }
        let answering: Set<ProbeState> = [.up, .degraded, .recovering]
        family("courtwatch_probe_success", "1 when the probe's last check answered (up, degraded or recovering).",
               data.probes.map { (probeLabels($0), answering.contains($0.state) ? "1" : "0") })
        family("courtwatch_probe_state", "The probe's current state, one series per state, 1 for the current one.",
               data.probes.flatMap { probe in
                   ProbeState.allCases.map { state in
                       (probeLabels(probe) + [("state", state.rawValue)], probe.state == state ? "1" : "0")
                   }
               })
        family("courtwatch_probe_duration_seconds", "How long the probe's last check took.",
               data.probes.compactMap { probe in
                   probe.lastLatencyMicroseconds.map { (probeLabels(probe), seconds(microseconds: $0)) }
               })
        family("courtwatch_probe_tls_certificate_expiry_timestamp_seconds",
               "When the leaf TLS certificate seen by the probe's last check expires (notAfter), Unix time.",
               data.probes.compactMap { probe in
                   data.certificateExpiries[probe.id].map {
                       (probeLabels(probe), seconds(milliseconds: $0.millisecondsSinceEpoch))
                   }
               })
        family("courtwatch_probe_last_check_timestamp_seconds", "When the probe last ran, Unix time.",
               data.probes.compactMap { probe in
                   probe.lastCheck.map { (probeLabels(probe), seconds(milliseconds: $0.millisecondsSinceEpoch)) }
               })
        family("courtwatch_incidents_open", "Incidents open now.",
               [([("site", site)], String(data.openIncidents.count))])
        let level = data.continuity.flatMap { ContinuityLevel(rawValue: $0.level) } ?? .normal
        family("courtwatch_continuity_level", "The site's continuity level, one series per level, 1 for the current one.",
               ContinuityLevel.allCases.map { ([("site", site), ("level", $0.rawValue)], $0 == level ? "1" : "0") })
        if let notifications = data.notifications {
            family("courtwatch_notification_alerts_failing",
                   "Alerts whose latest notifications finally failed (no delivery since).",
                   [([], String(notifications.failing.count))])
            family("courtwatch_notification_failures",
                   "Notifications an alert finally failed to deliver since it last delivered one.",
                   notifications.failing.map { ([("alert", $0.alert), ("channel", $0.channel)], String($0.failures)) })
            family("courtwatch_notifications_retrying", "Notifications being retried now.",
                   [([], String(notifications.retrying))])
        }
        family("courtwatch_probe_loop_heartbeat_age_seconds",
               "Seconds since the probe loop last went round (its lag); absent when no loop runs.",
               data.health.loopAgeSeconds.map { [([], String(format3($0)))] } ?? [])
        family("courtwatch_probe_loop_healthy", "1 when the probe loop runs and is not stalled.",
               [([], data.health.loopProblem == nil ? "1" : "0")])
        family("courtwatch_log_write_healthy", "1 when the failure log is being written; 0 while records are held in memory.",
               [([], data.health.logProblem == nil ? "1" : "0")])
        if let writes = data.logWrites { out += logWriteFamilies(writes) }
        return out
    }

    /// The log writer's commit-time histogram, its failed batches and its queue.
    static func logWriteFamilies(_ writes: LogWriteStatistics.Snapshot) -> String {
        let name = "courtwatch_log_write_seconds"
        var out = "# HELP \(name) How long each failure-log transaction took to commit (fsync included).\n"
        out += "# TYPE \(name) histogram\n"
        let cumulative = writes.cumulativeCounts
        for (index, bound) in LogWriteStatistics.bucketBounds.enumerated() {
            out += line(name + "_bucket", [("le", bucketBound(bound))], String(cumulative[index]))
        }
        out += line(name + "_bucket", [("le", "+Inf")], String(writes.count))
        out += line(name + "_sum", [], decimal(writes.sumNanoseconds, scale: 1_000_000_000, digits: 9))
        out += line(name + "_count", [], String(writes.count))
        out += "# HELP courtwatch_log_write_failures_total Failure-log transactions that failed and were retried.\n"
        out += "# TYPE courtwatch_log_write_failures_total counter\n"
        out += line("courtwatch_log_write_failures_total", [], String(writes.failures))
        out += "# HELP courtwatch_log_buffered_events Records waiting in memory to be written to the failure log.\n"
        out += "# TYPE courtwatch_log_buffered_events gauge\n"
        out += line("courtwatch_log_buffered_events", [], String(writes.buffered))
        return out
    }

    /// One sample line, label values escaped.
    private static func line(_ name: String, _ labels: [(String, String)], _ value: String) -> String {
        let text = labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
        return text.isEmpty ? "\(name) \(value)\n" : "\(name){\(text)} \(value)\n"
    }

    /// A bucket's `le` as Prometheus clients write it: 0.001, 2.5, 1 (no trailing ".0").
    static func bucketBound(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    private static func seconds(microseconds: Int64) -> String { decimal(microseconds, scale: 1_000_000, digits: 6) }
    private static func seconds(milliseconds: Int64) -> String { decimal(milliseconds, scale: 1000, digits: 3) }

    /// Exact decimal text for an integer count of a fraction of a second (no floating-point noise).
    private static func decimal(_ value: Int64, scale: Int64, digits: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(scale)
        let fraction = String(magnitude % UInt64(scale))
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    private static func format3(_ value: Double) -> String {
        decimal(Int64((value * 1000).rounded()), scale: 1000, digits: 3)
    }
}
