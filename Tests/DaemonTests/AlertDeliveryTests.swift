import FailureLog
import Foundation
import Monitoring
import SimulatedSite
import SQLite
import TestSupport
import Testing

/// The daemon's outbox end to end: a probe opens an incident, alerts go out on every channel to real
/// loopback receivers, every attempt is an event in the chain, and a channel that never works is on
/// `courtwatch status` instead of failing silently.
@Suite struct AlertDeliveryTests {
    final class Site {
        let failing = try! LoopbackServer { _ in .http(status: 503, body: "down") }
        let webhook = try! WebhookReceiver(statuses: [500, 204])
        let smtp = try! TLSFixtureServer(protocol: "smtp-starttls")
        let directory = TemporaryDirectory("courtwatch-alerts")
        var state: String { directory.subpath("state") }
        var hookStatus: String { directory.subpath("hook-status.txt") }
        var hookEnvironment: String { directory.subpath("hook-env.txt") }

        lazy var config: String = {
            let config = SiteFixture.write(in: directory, probes: [
                "app.probe": SiteFixture.probe(id: "cp-app", url: "http://127.0.0.1:\(failing.port)/",
                                               extra: "System=common-platform\nCritical=yes"),
            ])
            directory.write("config/courtwatch.conf", """
                [Alert]
                ID=ops-webhook
                Channel=webhook
                URL=\(webhook.url)
                Systems=common-platform
                RetryDelays=200ms

                [Alert]
                ID=site-lead
                Channel=email
                SMTP=smtp://127.0.0.1:\(smtp.port)
                CAFile=\(smtp.caFile)
                From=courtwatch <courtwatch@court.example>
                To=lead@court.example
                Events=incident.opened

                [Alert]
                ID=hook
                Channel=exec
                Command=/bin/sh -c 'env > $1; exec grep -E "^Sig(Blk|Ign)" /proc/self/status > $0' \(hookStatus) \(hookEnvironment)
                Events=incident.opened

                [Alert]
                ID=broken-pager
                Channel=exec
                Command=/bin/sh -c 'echo "pager gateway refused the token" >&2; exit 2'
                RetryDelays=100ms 100ms
                Events=incident.opened
                """)
            return config
        }()

        deinit {
            failing.stop()
            webhook.stop()
        }
    }

    struct Notification: Equatable {
        var kind: String
        var alert: String
        var event: Int64
        var attempt: Int
        var outcome: String
    }

    func notifications(_ state: String) throws -> [Notification] {
        let connection = try FailureLogStore(stateDirectory: state).openReader()
        defer { try? connection.close() }
        return try connection.rows(
            "SELECT kind, payload FROM events WHERE kind LIKE 'notification.%' ORDER BY seq") { row in
            let fields = (try? JSONSerialization.jsonObject(with: Data((row.text(1) ?? "{}").utf8))) as? [String: Any] ?? [:]
            return Notification(kind: row.text(0) ?? "", alert: fields["alert"] as? String ?? "",
                                event: Int64(fields["event"] as? Int ?? 0), attempt: fields["attempt"] as? Int ?? 0,
                                outcome: fields["outcome"] as? String ?? "")
        }
    }

    func openedIncident(_ state: String) throws -> (id: Int64, seq: Int64)? {
        let connection = try FailureLogStore(stateDirectory: state).openReader()
        defer { try? connection.close() }
        return try connection.firstRow("SELECT id, opened_event FROM incidents ORDER BY id LIMIT 1") {
            ($0.int(0) ?? 0, $0.int(1) ?? 0)
        }
    }

    @Test func everyAttemptIsLoggedAndAFailingChannelShowsOnStatus() throws {
        let site = Site()
        var daemon: CourtwatchProcess? = try CourtwatchProcess(["run", "--config", site.config, "--state", site.state])
        defer { daemon?.signal(SIGKILL) }

        let settled = eventually(timeout: .seconds(30)) {
            // The log appears once the daemon has started.
            let records = (try? notifications(site.state)) ?? []
            return records.contains { $0.alert == "ops-webhook" && $0.outcome == "sent" }
                && records.contains { $0.alert == "broken-pager" && $0.outcome == "failed" }
                && records.contains { $0.alert == "site-lead" && $0.outcome == "sent" }
                && records.contains { $0.alert == "hook" && $0.outcome == "sent" }
        }
        #expect(settled, "notifications: \((try? notifications(site.state)) ?? []) stderr: \(daemon?.standardError ?? "")")
        let incident = try #require(try openedIncident(site.state))
        let records = try notifications(site.state)

        // The webhook failed once (HTTP 500), was retried, then delivered: both attempts are in the log.
        let webhook = records.filter { $0.alert == "ops-webhook" }
        #expect(webhook == [
            Notification(kind: "notification.retrying", alert: "ops-webhook", event: incident.seq, attempt: 1, outcome: "retrying"),
            Notification(kind: "notification.sent", alert: "ops-webhook", event: incident.seq, attempt: 2, outcome: "sent"),
        ])
        #expect(site.webhook.requests.count == 2)
        let body = try #require(try JSONSerialization.jsonObject(with: site.webhook.requests[1].body) as? [String: Any])
        #expect(body["incident"] as? Int == Int(incident.id))
        #expect(body["site"] as? String == "test-site")
        #expect(body["title"] as? String == "cp-app check is down")
        #expect(body["systems"] as? [String] == ["common-platform"])

        // A pager that never works: three attempts, then a final failure.
        #expect(records.filter { $0.alert == "broken-pager" }.map(\.outcome) == ["retrying", "retrying", "failed"])

        // The email reached the STARTTLS server.
        let message = String(decoding: try #require(site.smtp.saved("message-1.eml")), as: UTF8.self)
        #expect(message.contains("Subject: [test-site] OPENED: cp-app check is down (major)\r\n"))
        #expect(message.contains("Incident: #\(incident.id)\r\n"))

        // The daemon's threads block SIGTERM; its hooks must not.
        let hookStatus = try String(contentsOfFile: site.hookStatus, encoding: .utf8)
        #expect(hookStatus.contains("SigBlk:\t0000000000000000"), "\(hookStatus)")
        let hookEnvironment = try String(contentsOfFile: site.hookEnvironment, encoding: .utf8)
        #expect(hookEnvironment.contains("COURTWATCH_INCIDENT=\(incident.id)\n"))
        #expect(hookEnvironment.contains("COURTWATCH_EVENT=incident.opened\n"))
        #expect(hookEnvironment.contains("COURTWATCH_SYSTEMS=common-platform\n"))

        // Never silent: status says which alert is failing and why.
        let table = try CourtwatchProcess.run(["status", "--state", site.state])
        #expect(table.code == 0)
        #expect(table.stdout.contains("NOTIFICATIONS FAILING: alert broken-pager (exec): 1 not delivered since "))
        #expect(table.stdout.contains("last: /bin/sh exited 2; stderr: pager gateway refused the token"))
        let json = try CourtwatchProcess.run(["status", "--state", site.state, "--json"])
        let status = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let health = try #require(status["notifications"] as? [String: Any])
        #expect(health["healthy"] as? Bool == false)
        let failing = health["failing"] as? [[String: Any]] ?? []
        #expect(failing.map { $0["alert"] as? String } == ["broken-pager"])
        #expect(failing.first?["last_event"] as? Int == Int(incident.seq))

        // Restart: nothing is sent twice. Then other processes write: a back-recorded outage (history, not
        // sent) and an acknowledgement (sent). Events go out in log order, so when the acknowledgement
        // arrives the back-recorded incident has been passed over.
        daemon?.signal(SIGTERM)
        #expect(daemon?.wait(timeout: .seconds(15)) == 0)
        daemon = try CourtwatchProcess(["run", "--config", site.config, "--state", site.state])
        let backRecorded = try CourtwatchProcess.run([
            "incidents", "open", "--state", site.state, "--config", site.config, "--site", "test-site",
            "--system", "common-platform", "--by", "a.clerk", "--text", "Common Platform down (paper log)",
            "--started-at", "2026-11-02T09:00:00Z", "--resolved-at", "2026-11-02T10:30:00Z", "--source", "paper log",
        ])
        #expect(backRecorded.code == 0, "\(backRecorded.stderr)")
        let ack = try CourtwatchProcess.run(["incidents", "ack", String(incident.id), "--by", "a.clerk",
                                             "--state", site.state])
        #expect(ack.code == 0, "\(ack.stderr)")
        let acknowledged = try #require(try FailureLogStore(stateDirectory: site.state).openReader().scalarInt(
            "SELECT max(seq) FROM events WHERE kind = 'incident.acknowledged'"))
        let delivered = eventually(timeout: .seconds(20)) { site.webhook.requests.count >= 3 }
        #expect(delivered, "\(daemon?.standardError ?? "")")
        let third = try JSONSerialization.jsonObject(with: site.webhook.requests[2].body) as? [String: Any]
        #expect(third?["kind"] as? String == "incident.acknowledged")
        #expect(third?["seq"] as? Int == Int(acknowledged))
        #expect(third?["by"] as? String == "a.clerk")
        #expect(try eventually(timeout: .seconds(10)) {
            try notifications(site.state).contains { $0.event == acknowledged && $0.outcome == "sent" }
        })
        let afterRestart = try notifications(site.state).filter { $0.event == incident.seq }
        #expect(afterRestart.count == records.filter { $0.event == incident.seq }.count,
                "no notification about the opening was attempted again after the restart")

        daemon?.signal(SIGTERM)
        #expect(daemon?.wait(timeout: .seconds(15)) == 0)
        let verify = try CourtwatchProcess.run(["log", "verify", "--state", site.state])
        #expect(verify.code == 0 && verify.stdout.hasPrefix("OK: "), "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aRetryUnderWayWhenTheDaemonStopsIsResumedNotRepeatedOrLost() throws {
        let failing = try LoopbackServer { _ in .http(status: 503, body: "down") }
        let receiver = try WebhookReceiver(statuses: [500, 204])
        defer {
            failing.stop()
            receiver.stop()
        }
        let directory = TemporaryDirectory("courtwatch-alerts-resume")
        let config = SiteFixture.write(in: directory, probes: [
            "app.probe": SiteFixture.probe(id: "cp-app", url: "http://127.0.0.1:\(failing.port)/",
                                           extra: "System=common-platform"),
        ])
        // A retry far enough away that the daemon is stopped before it comes due.
        directory.write("config/courtwatch.conf", """
            [Alert]
            ID=ops-webhook
            Channel=webhook
            URL=\(receiver.url)
            Events=incident.opened
            RetryDelays=4s
            """)
        let state = directory.subpath("state")
        var daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        defer { daemon.signal(SIGKILL) }
        let retrying = eventually(timeout: .seconds(20)) {
            ((try? notifications(state)) ?? []).contains { $0.outcome == "retrying" }
        }
        #expect(retrying, "\(daemon.standardError)")
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(15)) == 0)
        #expect(receiver.requests.count == 1)

        daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        let sent = eventually(timeout: .seconds(20)) {
            ((try? notifications(state)) ?? []).contains { $0.outcome == "sent" }
        }
        #expect(sent, "\(daemon.standardError)")
        let incident = try #require(try openedIncident(state))
        #expect(try notifications(state) == [
            Notification(kind: "notification.retrying", alert: "ops-webhook", event: incident.seq, attempt: 1, outcome: "retrying"),
            Notification(kind: "notification.sent", alert: "ops-webhook", event: incident.seq, attempt: 2, outcome: "sent"),
        ])
        #expect(receiver.requests.count == 2)
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(15)) == 0)
    }
}
