import Foundation
import TestSupport
import Testing

/// /metrics through the real daemon: the certificate a probe saw and the writer's commit times.
@Suite struct WebMetricsDaemonTests {
    @Test func theDaemonExposesTheCertificatesNotAfterAndTheLogWriteHistogram() throws {
        let tls = try TLSFixtureServer(mode: "valid", protocol: "https")
        let notAfter = try tls.leafNotAfterSeconds()
        let directory = TemporaryDirectory("courtwatch-metrics-daemon")
        let config = SiteFixture.write(in: directory, probes: [
            "signin.probe": SiteFixture.probe(id: "cp-signin", url: "https://127.0.0.1:\(tls.port)/",
                                              extra: "System=common-platform\nCAFile=\(tls.caFile)\nExpectBody=Sign in",
                                              interval: "1s"),
        ])
        directory.write("config/courtwatch.conf",
                        "[Daemon]\nListen=127.0.0.1:0\nPublicStatus=yes\nMaxConnectionsPerClient=8\n")
        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", directory.subpath("state")])
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait(timeout: .seconds(10))
        }
        guard let port = WebSurfaceDaemonTests.waitForPort(daemon) else { return }
        let expected = "courtwatch_probe_tls_certificate_expiry_timestamp_seconds"
            + #"{probe="cp-signin",site="test-site",system="common-platform"} "# + "\(notAfter).000"
        var metrics = ""
        #expect(eventually(timeout: .seconds(20)) {
            metrics = WebSurfaceDaemonTests.get(port: port, path: "/metrics")?.body ?? ""
            return metrics.contains(expected + "\n") && metrics.contains("courtwatch_probe_success{probe=\"cp-signin\"")
        }, "\(metrics)\n\(daemon.standardError)")
        let lines = metrics.split(separator: "\n").map(String.init)
        let count = lines.first { $0.hasPrefix("courtwatch_log_write_seconds_count ") }
            .flatMap { Int($0.split(separator: " ")[1]) }
        #expect((count ?? 0) >= 1, "\(metrics)")
        #expect(lines.contains("courtwatch_log_write_seconds_bucket{le=\"+Inf\"} \(count ?? -1)"))
        #expect(lines.contains("courtwatch_log_write_failures_total 0"))
        #expect(lines.contains { $0.hasPrefix("courtwatch_log_buffered_events ") })
    }
}
