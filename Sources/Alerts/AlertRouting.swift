public import Monitoring

/// Which alerts an event goes to, and why not when it does not. Pure: values in, a verdict out.
public enum AlertRouting {
    /// Why `alert` does not get `event`, or nil when it does. Suppression comes before filtering, so the
    /// reason names the rule that matters most.
    public static func exclusion(of event: AlertEvent, by alert: AlertDefinition) -> String? {
        if event.isDependencyChild {
            return "suppressed: behind another open incident in its dependency tree (listed there, not sent)"
        }
        if event.duringMaintenance {
            return "suppressed: began during planned maintenance"
        }
        if event.isBackRecorded {
            return "suppressed: back-recorded (a past outage recorded afterwards)"
        }
        if !alert.events.contains(event.kind) {
            return "\(event.kind) is not in Events="
        }
        if !alert.sites.isEmpty && !alert.sites.contains(event.site) {
            return "site \(event.site) is not in Sites="
        }
        // Continuity is a site-wide decision: systems and impact do not apply to it.
        guard !event.isContinuity else { return nil }
        if !alert.systems.isEmpty && !event.systems.isEmpty && alert.systems.isDisjoint(with: event.systems) {
            return "systems \(event.systems.joined(separator: ",")) are not in Systems="
        }
        if event.impact < alert.minimumImpact {
            return "impact \(event.impact.rawValue) is below MinimumImpact=\(alert.minimumImpact.rawValue)"
        }
        if event.planned && !alert.includesPlanned {
            return "planned incident, and Planned=no"
        }
        return nil
    }
}

/// How long to wait before each retry of a failed delivery; after the last, the notification has failed.
public struct RetrySchedule: Hashable, Sendable {
    public var delays: [Duration]

    public init(delays: [Duration]) {
        self.delays = delays
    }

    /// 30 s, 2 min, 10 min, then give up: four attempts over about 13 minutes.
    public static let standard = RetrySchedule(delays: AlertDefinition.standardRetryDelays)

    /// The wait after failed attempt `attempt` (1-based), or nil when that was the last attempt.
    public func delay(after attempt: Int) -> Duration? {
        attempt >= 1 && attempt <= delays.count ? delays[attempt - 1] : nil
    }

    public var maximumAttempts: Int { delays.count + 1 }
}
