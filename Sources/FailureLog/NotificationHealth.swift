public import Monitoring

extension EventKind {
    /// A notification was delivered: {alert, channel, event, round, incident?, attempt, outcome, detail, kind}.
    public static let notificationSent = "notification.sent"
    /// A delivery attempt failed and another is scheduled (`next_attempt_at_ms`).
    public static let notificationRetrying = "notification.retrying"
    /// A delivery attempt failed and no attempts are left: someone must look.
    public static let notificationFailed = "notification.failed"
}

/// Whether alerts are getting through, from the notification events in the log: what `courtwatch status`
/// and `/healthz` show. An alert is failing from a final failure until it next delivers something.
public struct NotificationHealth: Sendable, Equatable {
    /// One alert whose latest notifications finally failed.
    public struct FailingAlert: Sendable, Equatable {
        public var alert: String
        public var channel: String
        /// Notifications that finally failed since the alert last delivered one.
        public var failures: Int
        public var firstFailedAt: Timestamp
        public var lastFailedAt: Timestamp
        /// What the channel said on the last failed attempt.
        public var lastDetail: String
        /// The log event the last failed notification was about.
        public var lastEvent: Int64
    }

    public var failing: [FailingAlert]
    /// Notifications being retried now (their latest record is `notification.retrying`).
    public var retrying: Int

    public init(failing: [FailingAlert] = [], retrying: Int = 0) {
        self.failing = failing
        self.retrying = retrying
    }

    public var isHealthy: Bool { failing.isEmpty }

    /// "NOTIFICATIONS FAILING: ..." or nil when every alert is getting through.
    public var summary: String? {
        guard !failing.isEmpty else { return nil }
        return "NOTIFICATIONS FAILING: " + failing.map { alert in
            "alert \(alert.alert) (\(alert.channel)): \(alert.failures) not delivered since "
                + "\(alert.firstFailedAt.iso8601), last: \(alert.lastDetail)"
        }.joined(separator: "; ")
    }
}

extension LogReader {
    /// Reads `NotificationHealth` from the notification events. `now` bounds what counts as still retrying
    /// (a retry record older than a day belongs to a daemon that stopped; the restart resumes or fails it).
    public func notificationHealth(now: Timestamp) throws -> NotificationHealth {
        let failed = try connection.rows(
            """
            WITH last_sent AS (
                SELECT json_extract(payload, '$.alert') AS alert, max(seq) AS seq FROM events
                WHERE kind = ? GROUP BY 1
            )
            SELECT e.seq, e.at_ms, json_extract(e.payload, '$.alert'), json_extract(e.payload, '$.channel'),
                json_extract(e.payload, '$.detail'), json_extract(e.payload, '$.event')
            FROM events e LEFT JOIN last_sent s ON s.alert = json_extract(e.payload, '$.alert')
            WHERE e.kind = ? AND e.seq > coalesce(s.seq, 0)
            ORDER BY e.seq
            """, [EventKind.notificationSent, EventKind.notificationFailed]
        ) { row in
            (at: Timestamp(millisecondsSinceEpoch: row.int(1) ?? 0), alert: row.text(2) ?? "?",
             channel: row.text(3) ?? "?", detail: row.text(4) ?? "", event: row.int(5) ?? 0)
        }
        var failing: [String: NotificationHealth.FailingAlert] = [:]
        var order: [String] = []
        for row in failed {
            if var known = failing[row.alert] {
                known.failures += 1
                known.lastFailedAt = row.at
                known.lastDetail = row.detail
                known.lastEvent = row.event
                failing[row.alert] = known
            } else {
                order.append(row.alert)
                failing[row.alert] = .init(alert: row.alert, channel: row.channel, failures: 1, firstFailedAt: row.at,
                                           lastFailedAt: row.at, lastDetail: row.detail, lastEvent: row.event)
            }
        }
        let retrying = try connection.scalarInt(
            """
            SELECT count(*) FROM events r
            WHERE r.kind = ? AND r.at_ms > ? AND NOT EXISTS (
                SELECT 1 FROM events x
                WHERE x.seq > r.seq AND x.kind IN (?, ?, ?)
                    AND json_extract(x.payload, '$.alert') = json_extract(r.payload, '$.alert')
                    AND json_extract(x.payload, '$.event') = json_extract(r.payload, '$.event')
                    AND json_extract(x.payload, '$.round') = json_extract(r.payload, '$.round'))
            """,
            [EventKind.notificationRetrying, (now + .seconds(-86_400)).millisecondsSinceEpoch,
             EventKind.notificationSent, EventKind.notificationRetrying, EventKind.notificationFailed]) ?? 0
        return NotificationHealth(failing: order.compactMap { failing[$0] }, retrying: Int(retrying))
    }
}
