import Alerts
import Foundation
import Monitoring
import SimulatedSite
import TestSupport
import Testing

/// Each channel against a real receiver on loopback.
@Suite struct ChannelTests {
    let event = AlertEvent(seq: 42, kind: "incident.opened", at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000),
                           incident: 7, site: "leicester-crown", systems: ["common-platform", "dcs"], impact: .critical,
                           title: "Common Platform sign-in is down", text: "HTTP 503 from signin.example")

    func notification(_ alert: AlertDefinition, attempt: Int = 1, round: Int = 0) -> NotificationMessage {
        NotificationMessage(PendingNotification(key: NotificationKey(alert: alert.id, event: 42, round: round),
                                                alert: alert, event: event, attempt: attempt))
    }

    // MARK: Webhook

    @Test func aWebhookThatFailsFirstIsRetriedAndThenSent() throws {
        let receiver = try WebhookReceiver(statuses: [500, 204])
        defer { receiver.stop() }
        let alert = AlertDefinition(id: "ops-hook", channel: .webhook(url: receiver.url))
        var planner = NotificationPlanner(alerts: [alert])
        let channel = NotificationChannels.make(for: alert, hostName: "test")
        planner.receive(event, at: event.at)
        var records: [NotificationRecord] = []
        for time in [event.at, event.at + .seconds(30)] {
            for item in planner.due(at: time) {
                let result = channel.deliver(NotificationMessage(item))
                records.append(planner.complete(item, delivered: result.delivered, detail: result.detail, at: time))
            }
        }
        #expect(records.map(\.outcome) == [.retrying, .sent])
        #expect(records[0].detail.contains("HTTP 500: receiver says no (test)"))
        #expect(records[1].detail == "HTTP 204" && records[1].attempt == 2)
        let requests = receiver.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/hook" })
        #expect(requests[1].headers["content-type"] == "application/json")
        #expect(requests[1].headers["x-courtwatch-alert"] == "ops-hook")
        let body = try #require(try JSONSerialization.jsonObject(with: requests[1].body) as? [String: Any])
        #expect(body["alert"] as? String == "ops-hook")
        #expect(body["kind"] as? String == "incident.opened")
        #expect(body["seq"] as? Int == 42 && body["incident"] as? Int == 7 && body["attempt"] as? Int == 2)
        #expect(body["systems"] as? [String] == ["common-platform", "dcs"])
        #expect(body["impact"] as? String == "critical" && body["planned"] as? Bool == false)
        #expect(body["at"] as? String == event.at.iso8601 && body["at_ms"] as? Int == 1_795_000_000_000)
        #expect(body["summary"] as? String == "[leicester-crown] OPENED: Common Platform sign-in is down (critical)")
        #expect(body["text"] as? String == "HTTP 503 from signin.example")
        #expect(body["round"] as? Int == 0 && body["reminder"] as? Bool == false)
    }

    @Test func aWebhookThatNeverAnswersTimesOut() throws {
        let silent = try LoopbackServer { _ in .silence }
        defer { silent.stop() }
        let alert = AlertDefinition(id: "slow", channel: .webhook(url: "http://127.0.0.1:\(silent.port)/"),
                                    timeout: .seconds(1))
        let started = ContinuousClock.now
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(notification(alert))
        #expect(!result.delivered)
        #expect(result.detail.contains("(curl 28)"), "curl's timeout code: \(result.detail)")
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aRefusedWebhookNamesTheURL() throws {
        let alert = AlertDefinition(id: "nobody", channel: .webhook(url: "http://127.0.0.1:9/hook"))
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(notification(alert))
        #expect(!result.delivered)
        #expect(result.detail.hasPrefix("POST http://127.0.0.1:9/…: "), "the path may be a secret: \(result.detail)")
        #expect(result.detail.contains("(curl 7)"))
    }

    @Test func onlyAURLsOriginGoesIntoTheLog() {
        #expect(URLOrigin.redacted("https://user:pw@hooks.example:8443/services/T0/B0/secret?x=1")
                == "https://hooks.example:8443/…")
        #expect(URLOrigin.redacted("smtp://mail.example:587") == "smtp://mail.example:587")
        #expect(URLOrigin.redacted("http://127.0.0.1:9/") == "http://127.0.0.1:9/")
        #expect(URLOrigin.redacted("not a url") == "(URL)")
    }

    // MARK: Email

    @Test func anEmailIsSubmittedOverSTARTTLSWithProperHeaders() throws {
        let server = try TLSFixtureServer(protocol: "smtp-starttls")
        let secrets = TemporaryDirectory("courtwatch-smtp-login")
        let alert = AlertDefinition(id: "site-lead", channel: .email(
            smtpURL: "smtp://127.0.0.1:\(server.port)", from: "courtwatch <courtwatch@court.example>",
            to: ["lead@court.example", "deputy@court.example"],
            credentials: Credentials(username: "alerts", password: "s3cret", file: secrets.path), caFile: server.caFile))
        let result = NotificationChannels.make(for: alert, hostName: "watch.court.example")
            .deliver(notification(alert, round: 2))
        #expect(result.delivered, "\(result.detail)")
        #expect(result.detail.contains("accepted by smtp://127.0.0.1:\(server.port)"))

        let envelope = try #require(server.saved("envelope-1.json"))
        let fields = try #require(try JSONSerialization.jsonObject(with: envelope) as? [String: Any])
        #expect(fields["tls"] as? Bool == true)
        #expect(fields["from"] as? String == "<courtwatch@court.example>")
        #expect(fields["to"] as? [String] == ["<lead@court.example>", "<deputy@court.example>"])
        let login = fields["login"] as? [String: String]
        #expect(login?["username"] == "alerts" && login?["password"] == "s3cret")

        let message = String(decoding: try #require(server.saved("message-1.eml")), as: UTF8.self)
        let parts = message.components(separatedBy: "\r\n\r\n")
        let headers = parts[0].components(separatedBy: "\r\n")
        func header(_ name: String) -> String? {
            headers.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        let date = try #require(header("Date"))
        #expect(date.wholeMatch(of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000/) != nil,
                "Date: \(date)")
        #expect(header("From") == "courtwatch <courtwatch@court.example>")
        #expect(header("To") == "lead@court.example, deputy@court.example")
        #expect(header("Subject")
                == "[leicester-crown] REMINDER 2, still open and unacknowledged: OPENED: Common Platform sign-in is down (critical)")
        #expect(header("Message-ID") == "<courtwatch.42.2.site-lead@watch.court.example>")
        #expect(header("Content-Type") == "text/plain; charset=utf-8")
        #expect(header("MIME-Version") == "1.0")
        let body = parts.dropFirst().joined(separator: "\r\n\r\n")
        #expect(body.contains("Incident: #7\r\n"))
        #expect(body.contains("Systems: common-platform, dcs\r\n"))
        #expect(body.contains("Cause: HTTP 503 from signin.example\r\n"))
        #expect(body.contains("courtwatch incidents ack 7 --by YOUR-NAME"))
    }

    @Test func anSMTPServerWithoutSTARTTLSGetsNothing() throws {
        let server = try TLSFixtureServer(protocol: "smtp-no-starttls")
        let alert = AlertDefinition(id: "site-lead", channel: .email(
            smtpURL: "smtp://127.0.0.1:\(server.port)", from: "courtwatch@court.example", to: ["lead@court.example"],
            credentials: nil, caFile: server.caFile))
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(notification(alert))
        #expect(!result.delivered)
        #expect(result.detail.contains("(curl 64)"), "CURLE_USE_SSL_FAILED: \(result.detail)")
        #expect(server.saved("message-1.eml") == nil)
    }

    @Test func anUntrustedCertificateIsAFailedAttempt() throws {
        let server = try TLSFixtureServer(protocol: "smtp-starttls")
        let alert = AlertDefinition(id: "site-lead", channel: .email(
            smtpURL: "smtp://127.0.0.1:\(server.port)", from: "courtwatch@court.example", to: ["lead@court.example"],
            credentials: nil, caFile: nil))
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(notification(alert))
        #expect(!result.delivered)
        #expect(result.detail.contains("(curl 60)") || result.detail.contains("certificate"), "\(result.detail)")
        #expect(server.saved("message-1.eml") == nil)
    }
}
