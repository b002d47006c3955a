public import Monitoring

/// Decides what to send and when: routes events to alerts, schedules retries with backoff, reminds about
/// incidents still open and unacknowledged, and turns each attempt's result into the record the log keeps.
/// Pure: the caller feeds events and results with the time, and does the delivering and the writing.
public struct NotificationPlanner: Sendable {
    /// An incident that is open, as far as the events say.
    struct OpenIncident: Sendable {
        var opened: AlertEvent
        /// nil while unacknowledged; `Timestamp.distantFuture` for an acknowledgement without expiry.
        var acknowledgedUntil: Timestamp?
        /// Alerts this incident was not routed to: they hear nothing more about it.
        var excluded: Set<String>
    }

    /// A notification waiting for its (next) attempt.
    struct Scheduled: Sendable {
        var due: Timestamp
        var attempt: Int
        var event: AlertEvent
    }

    public let alerts: [AlertDefinition]
    private var byID: [String: AlertDefinition]
    private var open: [Int64: OpenIncident] = [:]
    private var scheduled: [NotificationKey: Scheduled] = [:]
    private var inFlight: [NotificationKey: Int] = [:]
    /// Sent or finally failed: never attempted again (also what a restart learns from the log).
    private var finished: Set<NotificationKey> = []
    /// Retrying when the daemon last stopped: resumed when the event is seen again.
    private var resumable: [NotificationKey: (attempt: Int, due: Timestamp)] = [:]
    /// Per alert, the newest event its records point at: on a replay, a later event routed to the alert
    /// without a record of its own was never attempted (it waited behind another delivery at shutdown).
    private var recordedUpTo: [String: Int64] = [:]
    /// Per alert and opened event: the latest round and when it was scheduled, for reminders.
    private var lastRound: [NotificationKey: (round: Int, at: Timestamp)] = [:]

    /// Each alert's retries follow its own `retryDelays`.
    public init(alerts: [AlertDefinition]) {
        self.alerts = alerts
        byID = Dictionary(alerts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Restarting

    /// Learns from notification records already in the log, oldest first, so a restart neither repeats
    /// a delivered notification nor forgets one that was being retried.
    public mutating func restore(_ records: [NotificationRecord]) {
        for record in records {
            let key = record.key
            recordedUpTo[key.alert] = max(recordedUpTo[key.alert] ?? key.event, key.event)
            switch record.outcome {
            case .sent, .failed:
                finished.insert(key)
                resumable[key] = nil
            case .retrying:
                if !finished.contains(key) {
                    resumable[key] = (record.attempt + 1, record.nextAttemptAt ?? record.at)
                }
            }
            let slot = NotificationKey(alert: key.alert, event: key.event)
            if let last = lastRound[slot], last.round > key.round { continue }
            if let last = lastRound[slot], last.round == key.round, last.at <= record.at { continue }
            lastRound[slot] = (key.round, record.at)
        }
    }

    // MARK: Events

    /// Takes one event from the log (in sequence order) and schedules its notifications for `now`.
    /// `replaying` is for events read again after a restart, up to the newest one the records point at:
    /// they update what is open, resume notifications the log shows were still being retried, and send
    /// what an alert never got: events after the newest one its own records point at (all of them, for an
    /// alert without records). The caller bounds how far back a replay starts.
    /// Returns, per alert that does not get it, the reason (for debugging logs).
    @discardableResult
    public mutating func receive(_ event: AlertEvent, at now: Timestamp, replaying: Bool = false) -> [String: String] {
        var reasons: [String: String] = [:]
        var routed: [AlertDefinition] = []
        for alert in alerts {
            if let reason = AlertRouting.exclusion(of: event, by: alert) {
                reasons[alert.id] = reason
            } else {
                routed.append(alert)
            }
        }
        if let incident = event.incident {
            switch event.kind {
            case "incident.opened":
                if open[incident] == nil {
                    open[incident] = OpenIncident(opened: event, acknowledgedUntil: nil,
                                                  excluded: Set(reasons.keys))
                }
            case "incident.acknowledged":
                open[incident]?.acknowledgedUntil = event.acknowledgedUntil ?? .distantFuture
            case "incident.resolved":
                break  // forgotten below, after its own notifications are routed
            default:
                break
            }
            if event.kind != "incident.opened", let known = open[incident] {
                // An incident suppressed when it opened stays quiet to the end.
                for alert in routed where known.excluded.contains(alert.id) {
                    reasons[alert.id] = "incident \(incident) was not sent to this alert when it opened"
                }
                routed.removeAll { known.excluded.contains($0.id) }
            }
            if event.kind == "incident.resolved" { open[incident] = nil }
        }
        for alert in routed {
            let key = NotificationKey(alert: alert.id, event: event.seq)
            let neverAttempted = event.seq > recordedUpTo[alert.id] ?? 0
            if !replaying || resumable[key] != nil || neverAttempted { schedule(key, event: event, at: now) }
        }
        // Reminders that were being retried when the daemon stopped.
        for key in resumable.keys.sorted() where key.event == event.seq && key.round > 0 {
            schedule(key, event: event, at: now)
        }
        return reasons
    }

    /// Tells the planner about an incident that was already open before the events it will see (after a
    /// restart), so reminders continue. Sends nothing by itself.
    public mutating func track(openIncident opened: AlertEvent, acknowledgedUntil: Timestamp?) {
        guard let incident = opened.incident, open[incident] == nil else { return }
        let excluded = alerts.filter { AlertRouting.exclusion(of: opened, by: $0) != nil }.map(\.id)
        open[incident] = OpenIncident(opened: opened, acknowledgedUntil: acknowledgedUntil, excluded: Set(excluded))
        for key in resumable.keys.sorted() where key.event == opened.seq && key.round > 0 {
            schedule(key, event: opened, at: resumable[key]!.due)
        }
    }

    private mutating func schedule(_ key: NotificationKey, event: AlertEvent, at now: Timestamp) {
        guard byID[key.alert] != nil, !finished.contains(key), scheduled[key] == nil, inFlight[key] == nil else {
            return
        }
        if let resumed = resumable.removeValue(forKey: key) {
            scheduled[key] = Scheduled(due: max(now, resumed.due), attempt: resumed.attempt, event: event)
        } else {
            scheduled[key] = Scheduled(due: now, attempt: 1, event: event)
        }
        let slot = NotificationKey(alert: key.alert, event: key.event)
        if (lastRound[slot]?.round ?? -1) <= key.round { lastRound[slot] = (key.round, now) }
    }

    // MARK: Time

    /// Everything due at `now`, including reminders that have come due; each is in flight until `complete`.
    public mutating func due(at now: Timestamp) -> [PendingNotification] {
        scheduleReminders(at: now)
        var ready: [PendingNotification] = []
        for (key, item) in scheduled where item.due <= now {
            guard let alert = byID[key.alert] else { continue }
            ready.append(PendingNotification(key: key, alert: alert, event: item.event, attempt: item.attempt))
        }
        ready.sort { $0.key < $1.key }
        for item in ready {
            scheduled[item.key] = nil
            inFlight[item.key] = item.attempt
        }
        return ready
    }

    private mutating func scheduleReminders(at now: Timestamp) {
        for incident in open.keys.sorted() {
            guard let state = open[incident] else { continue }
            if let until = state.acknowledgedUntil, until > now { continue }
            for alert in alerts where !state.excluded.contains(alert.id) {
                guard let every = alert.renotifyEvery, alert.events.contains("incident.opened") else { continue }
                let slot = NotificationKey(alert: alert.id, event: state.opened.seq)
                let last = lastRound[slot] ?? (0, state.opened.at)
                guard now >= last.at + every, !isPending(alert: alert.id, event: state.opened.seq) else { continue }
                schedule(NotificationKey(alert: alert.id, event: state.opened.seq, round: last.round + 1),
                         event: state.opened, at: now)
            }
        }
    }

    private func isPending(alert: String, event: Int64) -> Bool {
        scheduled.keys.contains { $0.alert == alert && $0.event == event }
            || inFlight.keys.contains { $0.alert == alert && $0.event == event }
    }

    /// When `due` next has something to do (a retry or a reminder), or nil when nothing is waiting.
    public func nextWakeUp() -> Timestamp? {
        var next = scheduled.values.map(\.due).min()
        for state in open.values {
            if let until = state.acknowledgedUntil, until != .distantFuture { next = min(next ?? until, until) }
            guard state.acknowledgedUntil == nil || state.acknowledgedUntil != .distantFuture else { continue }
            for alert in alerts where !state.excluded.contains(alert.id) {
                guard let every = alert.renotifyEvery else { continue }
                let last = lastRound[NotificationKey(alert: alert.id, event: state.opened.seq)]?.at ?? state.opened.at
                next = min(next ?? (last + every), last + every)
            }
        }
        return next
    }

    // MARK: Results

    /// Turns an attempt's result into the record to log, and schedules a retry or gives up.
    /// `failure` is nil when the message was delivered; `detail` says what the channel answered.
    public mutating func complete(_ notification: PendingNotification, delivered: Bool, detail: String,
                                  at now: Timestamp) -> NotificationRecord {
        let key = notification.key
        inFlight[key] = nil
        var record = NotificationRecord(key: key, channel: notification.alert.channel.name,
                                        incident: notification.event.incident, attempt: notification.attempt,
                                        outcome: .sent, detail: detail, at: now)
        if delivered {
            finished.insert(key)
        } else if let delay = RetrySchedule(delays: notification.alert.retryDelays).delay(after: notification.attempt) {
            record.outcome = .retrying
            record.nextAttemptAt = now + delay
            scheduled[key] = Scheduled(due: now + delay, attempt: notification.attempt + 1, event: notification.event)
        } else {
            record.outcome = .failed
            finished.insert(key)
        }
        return record
    }

    /// Puts back a notification that was never attempted (shutdown came first); a restart resumes it.
    public mutating func abandon(_ notification: PendingNotification) {
        inFlight[notification.key] = nil
    }

    /// Incidents open as far as the planner knows (for tests and status).
    public var openIncidents: [Int64] { open.keys.sorted() }
}

extension Timestamp {
    /// Later than any real time: an acknowledgement that does not lapse.
    public static let distantFuture = Timestamp(millisecondsSinceEpoch: Int64.max / 2)
}
