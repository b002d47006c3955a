import Curl
import Monitoring

/// POSTs the notification's JSON document to a URL. Any 2xx answer means delivered; anything else, or no
/// answer within the timeout, is a failed attempt with the status and the start of the answer as evidence.
public struct WebhookChannel: NotificationChannel {
    public var url: String
    public var timeout: Duration

    public init(url: String, timeout: Duration) {
        self.url = url
        self.timeout = timeout
    }

    public func deliver(_ message: NotificationMessage) -> DeliveryResult {
        let easy = CurlEasy()
        do {
            try easy.setURL(url)
            try easy.setProtocols("http,https", redirectProtocols: "http,https")
            try easy.setFollowRedirects(false)
            let total = Int(timeout.milliseconds)
            try easy.setTimeouts(totalMilliseconds: total, connectMilliseconds: min(total, 5000))
            try easy.setUserAgent("courtwatch-alerts")
            // "Expect:" stops curl waiting for a 100 Continue that small receivers never send.
            try easy.setHeaders(["Content-Type: application/json", "Expect:",
                                 "X-Courtwatch-Alert: \(message.notification.alert.id)"])
            try easy.setPostBody(message.json)
            easy.setBodyLimit(64 * 1024, keep: true)
        } catch {
            return .failed(error.description)
        }
        // The log gets the URL's origin only: a webhook path is often a secret.
        let origin = URLOrigin.redacted(url)
        if let error = easy.perform() {
            return .failed("POST \(origin): \(error.description)")
        }
        let status = easy.responseCode
        if (200..<300).contains(status) {
            return DeliveryResult(delivered: true, detail: "HTTP \(status)")
        }
        let answer = String(decoding: easy.body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        return .failed("POST \(origin): HTTP \(status)" + (answer.isEmpty ? "" : ": \(answer)"))
    }
}
