import Monitoring

/// What the passive probes know: when each heartbeat last called, and who reported what when.
struct PassiveState {
    private var lastHeartbeat: [String: Timestamp] = [:]
    /// Reports per system: (reporter, when), oldest first.
    private var reports: [String: [(reporter: String, at: Timestamp)]] = [:]
    private let startedAt: Timestamp

    /// - Parameter lastHeartbeats: calls recorded before a restart (`HeartbeatLedger`), so the grace period
    ///   runs from the last real call rather than from this start.
    init(startedAt: Timestamp, lastHeartbeats: [String: Timestamp] = [:]) {
        self.startedAt = startedAt
        lastHeartbeat = lastHeartbeats
    }

    /// Records a signal; returns the indexes of the probes it concerns (to evaluate at once).
    mutating func receive(_ signal: ProbeEngine.Signal, probes: [ProbeDefinition]) -> [Int] {
        switch signal {
        case let .heartbeat(probeID, at):
            lastHeartbeat[probeID] = max(lastHeartbeat[probeID] ?? at, at)
            return probes.indices.filter { probes[$0].id == probeID }
        case let .userReport(system, reporter, at):
            reports[system, default: []].append((reporter, at))
            return probes.indices.filter {
                if case .userReports = probes[$0].check { return probes[$0].system == system }
                return false
            }
        }
    }

    /// The passive probe's result at `time`.
    mutating func evaluate(_ probe: ProbeDefinition, at time: Timestamp) -> Observation {
        switch probe.check {
        case .heartbeat(let check):
            // Until the first call, the daemon's own start counts, so a restart does not raise an alarm.
            let last = lastHeartbeat[probe.id] ?? startedAt
            let silence = time - last
            if silence > check.period + check.grace {
                let seen = lastHeartbeat[probe.id].map { "last heartbeat at \($0.iso8601)" } ?? "no heartbeat since courtwatch started"
                return Observation(probeID: probe.id, at: time, failure: FailureEvidence(
                    failureClass: .timeout,
                    message: "\(seen) (\(silence.configText) ago; Period=\(check.period.configText), Grace=\(check.grace.configText))"))
            }
            return Observation(probeID: probe.id, at: time, latencyMicroseconds: silence.microseconds)
        case .userReports(let check):
            let system = probe.system ?? ""
            let windowStart = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - check.window.milliseconds)
            reports[system] = reports[system, default: []].filter { $0.at >= windowStart }
            let reporters = Set(reports[system, default: []].map(\.reporter))
            if reporters.count >= check.reportsToOpen {
                return Observation(probeID: probe.id, at: time, failure: FailureEvidence(
                    failureClass: .userReported,
                    message: "\(reporters.count) people reported problems with \(system) in the last \(check.window.configText)"))
            }
            if reporters.isEmpty {
                return Observation(probeID: probe.id, at: time)
            }
            // Some reports, fewer than the threshold: count it as slow (DEGRADED after confirmation), not failed.
            return Observation(probeID: probe.id, at: time,
                               slowness: "\(reporters.count) report(s) about \(system) in the last \(check.window.configText)")
        default:
            preconditionFailure("evaluate called for active probe \(probe.id)")
        }
    }
}
