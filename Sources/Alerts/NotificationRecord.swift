public import Monitoring

/// Identifies one notification: an alert, the event it is about, and which round (0 the first message,
/// 1, 2, ... the reminders about an incident still open and unacknowledged).
public struct NotificationKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var alert: String
    public var event: Int64
    public var round: Int

    public init(alert: String, event: Int64, round: Int = 0) {
        self.alert = alert
        self.event = event
        self.round = round
    }

    public static func < (lhs: NotificationKey, rhs: NotificationKey) -> Bool {
        (lhs.event, lhs.alert, lhs.round) < (rhs.event, rhs.alert, rhs.round)
    }

    public var description: String { "alert \(alert) event \(event)" + (round > 0 ? " reminder \(round)" : "") }
}

/// What became of one delivery attempt.
public enum NotificationOutcome: String, Hashable, Sendable {
    /// Delivered (a 2xx answer, the SMTP server took it, the hook exited 0).
    case sent
    /// Not delivered; another attempt is scheduled.
    case retrying
    /// Not delivered, and no attempts are left: someone must look.
    case failed

    /// The event kind the attempt is recorded as.
    public var eventKind: String { "notification.\(rawValue)" }
}

/// One delivery attempt as the failure log records it (`notification.sent|retrying|failed`).
public struct NotificationRecord: Hashable, Sendable {
    public var key: NotificationKey
    /// `webhook`, `email` or `exec`.
    public var channel: String
    public var incident: Int64?
    /// 1 for the first attempt.
    public var attempt: Int
    public var outcome: NotificationOutcome
    /// What the channel said: "HTTP 204", the curl error, the hook's exit status and stderr tail.
    public var detail: String
    /// When the attempt finished.
    public var at: Timestamp
    /// When the next attempt is due (retrying only).
    public var nextAttemptAt: Timestamp?

    public init(key: NotificationKey, channel: String, incident: Int64?, attempt: Int, outcome: NotificationOutcome,
                detail: String, at: Timestamp, nextAttemptAt: Timestamp? = nil) {
        self.key = key
        self.channel = channel
        self.incident = incident
        self.attempt = attempt
        self.outcome = outcome
        self.detail = detail
        self.at = at
        self.nextAttemptAt = nextAttemptAt
    }
}

/// One message to deliver now.
public struct PendingNotification: Hashable, Sendable {
    public var key: NotificationKey
    public var alert: AlertDefinition
    public var event: AlertEvent
    public var attempt: Int

    public init(key: NotificationKey, alert: AlertDefinition, event: AlertEvent, attempt: Int) {
        self.key = key
        self.alert = alert
        self.event = event
        self.attempt = attempt
    }

    public var isReminder: Bool { key.round > 0 }
}
