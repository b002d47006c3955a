import FailureLog

extension NotificationHealth {
    /// What `courtwatch status` prints under its first line: nothing when alerts are getting through.
    var statusLines: [String] {
        var lines: [String] = []
        if let summary { lines.append(summary) }
        if retrying > 0 { lines.append("Notifications being retried: \(retrying)") }
        return lines
    }

    /// The `notifications` field of `courtwatch status --json`.
    var json: JSONValue {
        [
            "healthy": .bool(isHealthy),
            "retrying": .integer(Int64(retrying)),
            "failing": .array(failing.map { alert in
                [
                    "alert": .string(alert.alert), "channel": .string(alert.channel),
                    "failures": .integer(Int64(alert.failures)),
                    "first_failed_at": .string(alert.firstFailedAt.iso8601),
                    "last_failed_at": .string(alert.lastFailedAt.iso8601),
                    "last_detail": .string(alert.lastDetail), "last_event": .integer(alert.lastEvent),
                ]
            }),
        ]
    }
}
