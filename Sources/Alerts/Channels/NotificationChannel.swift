public import Monitoring

/// What a channel answered: whether the message was delivered, and the evidence either way.
public struct DeliveryResult: Hashable, Sendable {
    public var delivered: Bool
    /// "HTTP 204", "accepted by smtp://...", "exit 0" — or why it failed: curl's error, the HTTP status and the
    /// start of the answer, the hook's exit status and the tail of its stderr.
    public var detail: String

    public init(delivered: Bool, detail: String) {
        self.delivered = delivered
        self.detail = detail
    }

    public static func failed(_ detail: String) -> DeliveryResult { DeliveryResult(delivered: false, detail: detail) }
}

/// Delivers notifications one way. `deliver` blocks the calling thread (never the probe loop) for at most
/// about the alert's timeout.
public protocol NotificationChannel: Sendable {
    func deliver(_ message: NotificationMessage) -> DeliveryResult
}

/// Builds the channel an alert names.
public enum NotificationChannels {
    /// `hostName` goes into email Message-IDs.
    public static func make(for alert: AlertDefinition, hostName: String) -> any NotificationChannel {
        switch alert.channel {
        case .webhook(let url):
            WebhookChannel(url: url, timeout: alert.timeout)
        case let .email(smtpURL, from, to, credentials, caFile):
            EmailChannel(smtpURL: smtpURL, from: from, to: to, credentials: credentials, caFile: caFile,
                         timeout: alert.timeout, hostName: hostName)
        case .exec(let command):
            ExecHookChannel(command: command, timeout: alert.timeout)
        }
    }
}
