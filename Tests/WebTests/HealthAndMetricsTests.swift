import FailureLog
import Foundation
import Monitoring
import Testing
import TestSupport
@testable import Web

@Suite("Health and metrics", .serialized)
struct HealthAndMetricsTests {
    @Test func healthIsOkWhileProbingAndLoggingWork() throws {
        let fixture = try WebFixture()
        let response = try fixture.request("GET", "/healthz")
        #expect(response.status == 200)
        #expect(response.text == "ok\n")
    }

    @Test func healthIs503WithTheReasons() throws {
        let fixture = try WebFixture()
        fixture.live.locked { $0.logHealth = "disk full: records held in memory (12 buffered)" }
        let full = try fixture.request("GET", "/healthz")
        #expect(full.status == 503)
        #expect(full.text == "failure log: disk full: records held in memory (12 buffered)\n")
        fixture.live.locked {
            $0.logHealth = nil
            $0.loopAge = 95_000_000_000
        }
        let stalled = try fixture.request("GET", "/healthz")
        #expect(stalled.status == 503)
        #expect(stalled.text == "probe loop: stalled: no heartbeat for 95 s\n")
        fixture.live.locked { $0.loopAge = nil }
        #expect(try fixture.request("GET", "/healthz").text == "probe loop: not running\n")
    }

    @Test func metricsHaveTheSeriesAndPassTheStrictFormatCheck() throws {
        let fixture = try WebFixture()
        fixture.live.locked { $0.loopAge = 1_250_000_000 }
        let response = try fixture.request("GET", "/metrics", role: .ops)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = response.text
        #expect(PrometheusTextCheck.problems(text) == [])
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"courtwatch_probe_success{probe="cp-signin",site="lei",system="common-platform"} 1"#))
        #expect(lines.contains(#"courtwatch_probe_success{probe="dcs-web",site="lei",system="dcs"} 0"#))
        #expect(lines.contains(#"courtwatch_probe_state{probe="dcs-web",site="lei",system="dcs",state="down"} 1"#))
        #expect(lines.contains(#"courtwatch_probe_state{probe="dcs-web",site="lei",system="dcs",state="up"} 0"#))
        #expect(lines.contains(#"courtwatch_probe_duration_seconds{probe="cp-signin",site="lei",system="common-platform"} 0.041500"#))
        #expect(lines.contains(#"courtwatch_probe_last_check_timestamp_seconds{probe="cp-signin",site="lei",system="common-platform"} 1700000120.000"#))
        // The manual incident and the probe's own incident for dcs-web.
        #expect(lines.contains(#"courtwatch_incidents_open{site="lei"} 2"#))
        #expect(lines.contains(#"courtwatch_continuity_level{site="lei",level="normal"} 1"#))
        #expect(lines.contains(#"courtwatch_continuity_level{site="lei",level="contingency"} 0"#))
        #expect(lines.contains("courtwatch_probe_loop_heartbeat_age_seconds 1.250"))
        #expect(lines.contains("courtwatch_probe_loop_healthy 1"))
        #expect(lines.contains("courtwatch_log_write_healthy 1"))
        fixture.live.locked { $0.logHealth = "read-only file system" }
        #expect(try fixture.request("GET", "/metrics", role: .ops).text.contains("courtwatch_log_write_healthy 0\n"))
    }

    /// Live values as the daemon would hand them over: one probe's certificate, some timed commits.
    static func setLiveMetrics(_ fixture: WebFixture) {
        let statistics = LogWriteStatistics()
        for milliseconds in [2, 2, 4, 40, 1200] { statistics.recordCommit(.milliseconds(milliseconds)) }
        statistics.recordFailure()
        fixture.live.locked {
            $0.certificateExpiries = ["cp-signin": Timestamp(millisecondsSinceEpoch: 1_798_761_600_000),
                                      "no-longer-configured": Timestamp(millisecondsSinceEpoch: 1)]
            $0.logWrites = statistics.snapshot(buffered: 7)
        }
    }

    @Test func tlsExpiryAndTheLogWriteHistogramAreExposed() throws {
        let fixture = try WebFixture()
        let without = try fixture.request("GET", "/metrics", role: .ops).text
        // No prober and no writer: the families say nothing rather than something false.
        #expect(!without.contains("courtwatch_probe_tls_certificate_expiry_timestamp_seconds{"))
        #expect(!without.contains("courtwatch_log_write_seconds"))
        Self.setLiveMetrics(fixture)
        let text = try fixture.request("GET", "/metrics", role: .ops).text
        #expect(PrometheusTextCheck.problems(text) == [])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE courtwatch_probe_tls_certificate_expiry_timestamp_seconds gauge"))
        #expect(lines.contains("courtwatch_probe_tls_certificate_expiry_timestamp_seconds"
            + #"{probe="cp-signin",site="lei",system="common-platform"} 1798761600.000"#))
        // Only configured probes get a series; dcs-web's last check saw no certificate.
        #expect(lines.filter { $0.hasPrefix("courtwatch_probe_tls_certificate_expiry_timestamp_seconds{") }.count == 1)
        #expect(lines.contains("# TYPE courtwatch_log_write_seconds histogram"))
        let buckets = lines.filter { $0.hasPrefix("courtwatch_log_write_seconds_bucket{") }
        #expect(buckets == [
            #"courtwatch_log_write_seconds_bucket{le="0.001"} 0"#,
            #"courtwatch_log_write_seconds_bucket{le="0.0025"} 2"#,
            #"courtwatch_log_write_seconds_bucket{le="0.005"} 3"#,
            #"courtwatch_log_write_seconds_bucket{le="0.01"} 3"#,
            #"courtwatch_log_write_seconds_bucket{le="0.025"} 3"#,
            #"courtwatch_log_write_seconds_bucket{le="0.05"} 4"#,
            #"courtwatch_log_write_seconds_bucket{le="0.1"} 4"#,
            #"courtwatch_log_write_seconds_bucket{le="0.25"} 4"#,
            #"courtwatch_log_write_seconds_bucket{le="0.5"} 4"#,
            #"courtwatch_log_write_seconds_bucket{le="1"} 4"#,
            #"courtwatch_log_write_seconds_bucket{le="2.5"} 5"#,
            #"courtwatch_log_write_seconds_bucket{le="5"} 5"#,
            #"courtwatch_log_write_seconds_bucket{le="+Inf"} 5"#,
        ])
        #expect(lines.contains("courtwatch_log_write_seconds_sum 1.248000000"))
        #expect(lines.contains("courtwatch_log_write_seconds_count 5"))
        #expect(lines.contains("# TYPE courtwatch_log_write_failures_total counter"))
        #expect(lines.contains("courtwatch_log_write_failures_total 1"))
        #expect(lines.contains("courtwatch_log_buffered_events 7"))
    }

    @Test func theFormatCheckCatchesBrokenHistograms() {
        /// A histogram family `h` with these sample lines.
        func problems(_ samples: [String]) -> [String] {
            PrometheusTextCheck.problems("# HELP h x\n# TYPE h histogram\n" + samples.map { $0 + "\n" }.joined())
        }
        let inf = #"h_bucket{le="+Inf"}"#
        #expect(problems([#"h_bucket{le="1"} 1"#, "\(inf) 2", "h_sum 3", "h_count 2"]) == [])
        // Not cumulative; no +Inf bucket; _count is not the +Inf bucket; bounds not ascending; no le; no _sum.
        #expect(!problems([#"h_bucket{le="1"} 3"#, "\(inf) 2", "h_sum 3", "h_count 2"]).isEmpty)
        #expect(!problems([#"h_bucket{le="1"} 1"#, "h_sum 3", "h_count 1"]).isEmpty)
        #expect(!problems([#"h_bucket{le="1"} 1"#, "\(inf) 2", "h_sum 3", "h_count 5"]).isEmpty)
        #expect(!problems([#"h_bucket{le="2"} 1"#, #"h_bucket{le="1"} 1"#, "\(inf) 1", "h_sum 3", "h_count 1"]).isEmpty)
        #expect(!problems(["h_bucket 1", "h_sum 3", "h_count 1"]).isEmpty)
        #expect(!problems([#"h_bucket{le="1"} 1"#, "\(inf) 1", "h_count 1"]).isEmpty)
    }

    @Test func notificationFailuresShowInMetricsOnTheBoardAndInTheStatusAPI() throws {
        let fixture = try WebFixture()
        #expect(try fixture.request("GET", "/metrics", role: .ops).text.contains("courtwatch_notification_alerts_failing 0\n"))
        let session = try LogSession(store: FailureLogStore(stateDirectory: fixture.stateDirectory))
        for attempt in 0..<2 {
            _ = try session.write {
                try $0.append(kind: EventKind.notificationFailed, at: .now, payload: [
                    "alert": "ops-webhook", "channel": "webhook", "event": .integer(Int64(attempt + 1)), "round": 0,
                    "attempt": 3, "outcome": "failed", "detail": "HTTP 502 from https://hooks.example",
                ])
            }
        }
        session.close()
        let metrics = try fixture.request("GET", "/metrics", role: .ops).text
        #expect(PrometheusTextCheck.problems(metrics) == [])
        #expect(metrics.contains("courtwatch_notification_alerts_failing 1\n"))
        #expect(metrics.contains(#"courtwatch_notification_failures{alert="ops-webhook",channel="webhook"} 2"#))
        #expect(metrics.contains("courtwatch_notifications_retrying 0\n"))
        let html = try fixture.request("GET", "/", role: .ops).text
        #expect(html.contains("<strong>Alerts are not getting through:</strong> NOTIFICATIONS FAILING: alert ops-webhook (webhook): 2 not delivered"))
        let status = try fixture.request("GET", "/api/v1/status", role: .ops).text
        #expect(status.contains(#""notifications":{"failing":[{"alert":"ops-webhook","channel":"webhook","failures":2,"#))
        // Probing and logging still work: health stays 200.
        #expect(try fixture.request("GET", "/healthz").status == 200)
    }

    @Test func statusRoutesReuseARecentRenderingButHealthIsAlwaysFresh() throws {
        let fixture = try WebFixture(statusCacheMilliseconds: 60_000)
        let before = try fixture.request("GET", "/metrics", role: .ops).text
        #expect(before.contains("courtwatch_log_write_healthy 1\n"))
        fixture.live.locked { $0.logHealth = "disk full" }
        #expect(try fixture.request("GET", "/metrics", role: .ops).text == before)
        #expect(try fixture.request("GET", "/healthz").status == 503)
        // The cache is per route: the status API renders now, and sees the problem.
        #expect(try fixture.request("GET", "/api/v1/status", role: .ops).text.contains("failure log: disk full"))
    }

    @Test func theFormatCheckCatchesBrokenExpositions() {
        #expect(!PrometheusTextCheck.problems("a{b=\"c} 1\n").isEmpty)
        #expect(!PrometheusTextCheck.problems("a 1\nb 2\na 3\n").isEmpty)
        #expect(!PrometheusTextCheck.problems("a{x=\"1\"} 1\na{x=\"1\"} 2\n").isEmpty)
        #expect(!PrometheusTextCheck.problems("9a 1\n").isEmpty)
        #expect(!PrometheusTextCheck.problems("a one\n").isEmpty)
        #expect(!PrometheusTextCheck.problems("a{x=\"\\q\"} 1\n").isEmpty)
        #expect(PrometheusTextCheck.problems("# HELP a x\n# TYPE a gauge\na{x=\"q\\\"\\\\\"} 1\n") == [])
        #expect(MetricsText.escape("a\"b\\c\nd") == #"a\"b\\c\nd"#)
    }

    /// `promtool check metrics` when the Debian prometheus package is installed; skipped otherwise (the
    /// strict in-repo check above always runs).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")))
    func promtoolAcceptsTheMetrics() throws {
        let fixture = try WebFixture()
        Self.setLiveMetrics(fixture)
        let text = try fixture.request("GET", "/metrics", role: .ops).text
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(said)")
    }
}
