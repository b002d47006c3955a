import FoundationEssentials
import Monitoring

/// The words of one notification, rendered once for every channel: a subject line, a plain-text body,
/// the webhook's JSON document and the exec hook's environment.
public struct NotificationMessage: Sendable {
    public let notification: PendingNotification

    public init(_ notification: PendingNotification) {
        self.notification = notification
    }

    private var event: AlertEvent { notification.event }

    /// "[leicester-crown] OPENED: Common Platform sign-in is down (major)"; reminders say so first.
    public var subject: String {
        var text = "[\(event.site)] "
        if notification.isReminder { text += "REMINDER \(notification.key.round), still open and unacknowledged: " }
        text += "\(event.headline): \(event.title)"
        if !event.isContinuity { text += " (\(event.impact.rawValue))" }
        return text
    }

    /// The plain-text body: every field a person needs to act, one per line.
    public var body: String {
        var lines = [subject, ""]
        func add(_ label: String, _ value: String?) {
            if let value, !value.isEmpty { lines.append("\(label): \(value)") }
        }
        add("Event", "\(event.kind) (failure log event \(event.seq))")
        add("At", event.at.iso8601)
        add("Site", event.site)
        if let incident = event.incident { add("Incident", "#\(incident)") }
        add("Systems", event.systems.joined(separator: ", "))
        if !event.isContinuity {
            add("Impact", event.impact.rawValue + (event.planned ? " (planned)" : ""))
        }
        add("By", event.by)
        add(event.kind == "incident.opened" ? "Cause" : "Note", event.text)
        if notification.isReminder {
            lines.append("")
            lines.append("This incident is still open and nobody has acknowledged it. Acknowledge it with:")
            lines.append("  courtwatch incidents ack \(event.incident.map(String.init) ?? "?") --by YOUR-NAME")
        }
        lines.append("")
        lines.append("Sent by courtwatch alert \(notification.alert.id); "
                     + "every notification attempt is in the failure log.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The webhook's JSON document (see README: "Webhook body").
    public var json: [UInt8] {
        let document = WebhookDocument(
            version: 1, alert: notification.alert.id, kind: event.kind, seq: event.seq, at: event.at.iso8601,
            atMilliseconds: event.at.millisecondsSinceEpoch, round: notification.key.round,
            reminder: notification.isReminder, attempt: notification.attempt, incident: event.incident,
            site: event.site, systems: event.systems, impact: event.isContinuity ? nil : event.impact.rawValue,
            planned: event.planned, title: event.title, by: event.by, text: event.text, summary: subject)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return Array((try? encoder.encode(document)) ?? Data("{}".utf8))
    }

    /// `COURTWATCH_*` variables for the exec hook.
    public var environment: [String: String] {
        [
            "COURTWATCH_ALERT": notification.alert.id,
            "COURTWATCH_EVENT": event.kind,
            "COURTWATCH_EVENT_SEQ": String(event.seq),
            "COURTWATCH_AT": event.at.iso8601,
            "COURTWATCH_ROUND": String(notification.key.round),
            "COURTWATCH_ATTEMPT": String(notification.attempt),
            "COURTWATCH_INCIDENT": event.incident.map(String.init) ?? "",
            "COURTWATCH_SITE": event.site,
            "COURTWATCH_SYSTEMS": event.systems.joined(separator: ","),
            "COURTWATCH_IMPACT": event.isContinuity ? "" : event.impact.rawValue,
            "COURTWATCH_PLANNED": event.planned ? "yes" : "no",
            "COURTWATCH_TITLE": event.title,
            "COURTWATCH_BY": event.by,
            "COURTWATCH_TEXT": event.text,
            "COURTWATCH_SUMMARY": subject,
        ]
    }
}

/// The webhook body's fields, in the names the README documents.
struct WebhookDocument: Encodable {
    var version: Int
    var alert: String
    var kind: String
    var seq: Int64
    var at: String
    var atMilliseconds: Int64
    var round: Int
    var reminder: Bool
    var attempt: Int
    var incident: Int64?
    var site: String
    var systems: [String]
    var impact: String?
    var planned: Bool
    var title: String
    var by: String
    var text: String
    var summary: String

    enum CodingKeys: String, CodingKey {
        case version, alert, kind, seq, at, round, reminder, attempt, incident, site, systems, impact, planned, title,
             by, text, summary
        case atMilliseconds = "at_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [(CodingKeys.version, version), (.round, round), (.attempt, attempt)] {
            try container.encode(value, forKey: key)
        }
        try container.encode(alert, forKey: .alert)
        try container.encode(kind, forKey: .kind)
        try container.encode(seq, forKey: .seq)
        try container.encode(at, forKey: .at)
        try container.encode(atMilliseconds, forKey: .atMilliseconds)
        try container.encode(reminder, forKey: .reminder)
        try container.encode(incident, forKey: .incident)  // null for continuity events, so the key is always there
        try container.encode(site, forKey: .site)
        try container.encode(systems, forKey: .systems)
        try container.encode(impact, forKey: .impact)
        try container.encode(planned, forKey: .planned)
        try container.encode(title, forKey: .title)
        try container.encode(by, forKey: .by)
        try container.encode(text, forKey: .text)
        try container.encode(summary, forKey: .summary)
    }
}
