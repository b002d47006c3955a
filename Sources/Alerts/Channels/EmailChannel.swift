import Curl
import FoundationEssentials
public import Monitoring

/// Sends the notification as a plain-text email by SMTP submission through libcurl. TLS is required:
/// `smtp://` URLs must offer STARTTLS (a server that does not is a failed attempt, never a plain-text send),
/// `smtps://` URLs use TLS from the first byte. The SMTP server accepting the message means delivered.
public struct EmailChannel: NotificationChannel {
    public var smtpURL: String
    public var from: String
    public var to: [String]
    public var credentials: Credentials?
    public var caFile: String?
    public var timeout: Duration
    public var hostName: String

    public init(smtpURL: String, from: String, to: [String], credentials: Credentials?, caFile: String?,
                timeout: Duration, hostName: String) {
        self.smtpURL = smtpURL
        self.from = from
        self.to = to
        self.credentials = credentials
        self.caFile = caFile
        self.timeout = timeout
        self.hostName = hostName
    }

    public func deliver(_ message: NotificationMessage) -> DeliveryResult {
        let easy = CurlEasy()
        do {
            try easy.setURL(smtpURL)
            try easy.setProtocols("smtp,smtps", redirectProtocols: "smtp,smtps")
            try easy.setRequireTLS(true)
            try easy.setVerifyTLS(true)
            if let caFile { try easy.setCertificateAuthorityFile(caFile) }
            if let credentials { try easy.setLogin(username: credentials.username, password: credentials.password) }
            let total = Int(timeout.milliseconds)
            try easy.setTimeouts(totalMilliseconds: total, connectMilliseconds: min(total, 5000))
            try easy.setMailFrom(Self.envelopeAddress(from))
            try easy.setMailRecipients(to.map(Self.envelopeAddress))
            try easy.setUpload(Array(text(for: message, at: Self.currentTime()).utf8))
        } catch {
            return .failed(error.description)
        }
        if let error = easy.perform() {
            return .failed("SMTP \(URLOrigin.redacted(smtpURL)): \(error.description)")
        }
        let server = URLOrigin.redacted(smtpURL)
        return DeliveryResult(delivered: true, detail: "accepted by \(server) (SMTP \(easy.responseCode)) for "
                              + to.joined(separator: ", "))
    }

    /// The whole message, headers and body, with CRLF line endings (libcurl dot-stuffs it).
    public func text(for message: NotificationMessage, at now: Timestamp) -> String {
        let key = message.notification.key
        // One Message-ID per notification (not per attempt), so a receiver can drop a retried duplicate.
        let messageID = "<courtwatch.\(key.event).\(key.round).\(key.alert)@\(hostName)>"
        let headers = [
            "Date: \(Self.rfc5322Date(now))",
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodedHeader(message.subject))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
            "X-Courtwatch-Alert: \(key.alert)",
            "X-Courtwatch-Event: \(key.event)",
        ]
        let body = message.body.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    static func currentTime() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }

    /// `<a@b>` from `a@b` or `Name <a@b>`.
    static func envelopeAddress(_ text: String) -> String {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            return String(text[open...close])
        }
        return "<\(text.trimmed)>"
    }

    /// "Sun, 22 Nov 2026 04:32:20 +0000".
    static func rfc5322Date(_ time: Timestamp) -> String {
        let milliseconds = time.millisecondsSinceEpoch
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let seconds = (milliseconds - days * 86_400_000) / 1000
        let date = CivilDate(daysSinceEpoch: days)
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[date.weekday - 1]), \(two(Int64(date.day))) \(months[date.month - 1]) \(date.year) "
            + "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) +0000"
    }

    /// ASCII as is; anything else as an RFC 2047 encoded word, so a site name with an accent survives.
    static func encodedHeader(_ text: String) -> String {
        guard !text.allSatisfy({ $0.isASCII }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
