import FailureLog
import Foundation
import SimulatedSite
import SQLite
import TestSupport
import Testing

/// The real executable, run as a daemon against real loopback servers, writing a real SQLite file.
@Suite struct DaemonLifecycleTests {
    /// A site with one healthy page, one failing page and one open TCP port.
    final class Site {
        let healthy = try! LoopbackServer { _ in .http(status: 200, body: "<p>Sign in</p>") }
        let failing = try! LoopbackServer { _ in .http(status: 503, body: "down for maintenance") }
        let gateway = try! LoopbackServer(mode: .onAccept) { _ in .close }
        let directory = TemporaryDirectory("courtwatch-daemon")
        lazy var config: String = SiteFixture.write(in: directory, probes: [
            "signin.probe": SiteFixture.probe(id: "cp-signin", url: "http://127.0.0.1:\(healthy.port)/",
                                              extra: "ExpectBody=Sign in\nSystem=common-platform"),
            "app.probe": SiteFixture.probe(id: "cp-app", url: "http://127.0.0.1:\(failing.port)/",
                                           extra: "System=common-platform\nCritical=yes"),
            "gateway.probe": SiteFixture.probe(id: "site-gateway", kind: "tcp", url: "tcp://127.0.0.1:\(gateway.port)"),
        ])
        var state: String { directory.subpath("state") }

        deinit {
            healthy.stop()
            failing.stop()
            gateway.stop()
        }
    }

    func statusJSON(_ state: String) throws -> [String: Any] {
        let result = try CourtwatchProcess.run(["status", "--state", state, "--json"])
        guard result.code == 0, let data = result.stdout.data(using: .utf8),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    func states(_ status: [String: Any]) -> [String: String] {
        let probes = status["probes"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: probes.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
    }

    @Test func runProbesLogsAnIncidentShowsStatusAndStopsCleanlyOnSIGTERM() throws {
        let site = Site()
        let daemon = try CourtwatchProcess(["run", "--config", site.config, "--state", site.state])
        let settled = try eventually(timeout: .seconds(20)) {
            let current = states(try statusJSON(site.state))
            return current == ["cp-signin": "up", "cp-app": "down", "site-gateway": "up"]
        }
        #expect(settled, "states never settled: \(daemon.standardError)")

        let status = try statusJSON(site.state)
        let incidents = status["open_incidents"] as? [[String: Any]] ?? []
        #expect(incidents.count == 1)
        #expect(incidents.first?["title"] as? String == "cp-app check is down")
        #expect(incidents.first?["cause"] as? String == "http-status: HTTP 503 (expected 200)")
        #expect((status["daemon"] as? [String: Any])?["running"] as? Bool == true)

        let table = try CourtwatchProcess.run(["status", "--state", site.state])
        #expect(table.code == 0)
        #expect(table.stdout.contains("Test Magistrates' Court (test-site) — daemon running (pid \(daemon.pid))"))
        #expect(table.stdout.contains("cp-app check is down"))

        // A second daemon on the same state directory is refused, naming the first.
        let second = try CourtwatchProcess.run(["run", "--config", site.config, "--state", site.state])
        #expect(second.code == 1)
        #expect(second.stderr.contains("is locked by another courtwatch (pid \(daemon.pid))"))

        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)
        #expect(daemon.standardError.contains("stopped; failure log flushed"))

        let verify = try CourtwatchProcess.run(["log", "verify", "--state", site.state])
        #expect(verify.code == 0)
        #expect(verify.stdout.hasPrefix("OK: "))
        let reader = try LogReader(store: FailureLogStore(stateDirectory: site.state))
        let last = try reader.recentEvents(kinds: ["daemon.stopped"], limit: 1)
        #expect(last.first?.payload == #"{"reason":"SIGTERM"}"#)
        #expect((try statusJSON(site.state)["daemon"] as? [String: Any])?["running"] as? Bool == false)
    }

    @Test func badConfigurationExitsSixtyFiveAndWritesNothing() throws {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: ["a.probe": "[Probe]\nID=a\nKind=http\nURL=nope\n"])
        let result = try CourtwatchProcess.run(["run", "--config", config, "--state", directory.subpath("state")])
        #expect(result.code == 65)
        #expect(result.stderr.contains("\(config)/a.probe:4: URL=nope: 'nope' is not a URL"))
        #expect(!FileManager.default.fileExists(atPath: directory.subpath("state")))
    }

    @Test func anUnusableStateDirectoryExitsOneNamingIt() throws {
        let site = Site()
        site.directory.write("not-a-directory", "x")
        let path = site.directory.subpath("not-a-directory")
        let result = try CourtwatchProcess.run(["run", "--config", site.config, "--state", path])
        #expect(result.code == 1)
        #expect(result.stderr.contains("\(path): exists but is not a directory"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x")
    }

    @Test func aFailureLogFromANewerCourtwatchIsRefused() throws {
        let site = Site()
        let store = FailureLogStore(stateDirectory: site.state)
        try store.prepareDirectory()
        let connection = try store.openWriter()
        try connection.execute("INSERT INTO schema_migrations VALUES (42, 'future', 'x')", [])
        try connection.close()
        let result = try CourtwatchProcess.run(["run", "--config", site.config, "--state", site.state])
        #expect(result.code == 65)
        #expect(result.stderr.contains("database schema version 42 is newer than this courtwatch understands"))
    }

    @Test func aReloadWithABadConfigurationKeepsTheRunningOne() throws {
        let site = Site()
        let daemon = try CourtwatchProcess(["run", "--config", site.config, "--state", site.state])
        #expect(try eventually { states(try statusJSON(site.state))["cp-signin"] == "up" })
        site.directory.write("config/broken.probe", "[Probe]\nID=broken\nKind=carrier-pigeon\n")
        daemon.signal(SIGHUP)
        #expect(eventually { daemon.standardError.contains("reload refused; keeping the running configuration") })
        #expect(daemon.standardError.contains("broken.probe:3: Kind=carrier-pigeon is not a probe kind"))
        // Fix it and reload again: the new probe set takes over.
        site.directory.write("config/broken.probe", SiteFixture.probe(id: "extra", kind: "tcp",
                                                                       url: "tcp://127.0.0.1:\(site.gateway.port)"))
        daemon.signal(SIGHUP)
        #expect(try eventually { states(try statusJSON(site.state))["extra"] == "up" })
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)
    }

    /// Kill the daemon with SIGKILL while it commits batches of failures; every event a reader saw committed
    /// must still be there, unchanged, with an intact chain — and a restarted daemon continues the chain.
    @Test func sigkillMidBatchLosesNoCommittedEvent() throws {
        let site = Site()
        // Many failing probes at a 100 ms interval keep the writer busy.
        for index in 0..<20 {
            site.directory.write("config/fail\(index).probe", SiteFixture.probe(
                id: "fail-\(index)", url: "http://127.0.0.1:\(site.failing.port)/f\(index)", interval: "100ms",
                retry: "100ms", failuresToDown: 1))
        }
        let store = FailureLogStore(stateDirectory: site.state)
        for round in 0..<3 {
            let daemon = try CourtwatchProcess(["run", "--config", site.config, "--state", site.state])
            var seen: [Int64: [UInt8]] = [:]
            let baseline = (try? LogReader(store: store).eventCount()) ?? 0
            _ = eventually(timeout: .seconds(20)) {
                guard let reader = try? LogReader(store: store),
                      let rows = try? reader.connection.rows("SELECT seq, hash FROM events WHERE seq > ?", [baseline],
                                                             { ($0.int(0) ?? 0, $0.blob(1) ?? []) })
                else { return false }
                for (seq, hash) in rows { seen[seq] = hash }
                return seen.count > 300 + round * 50
            }
            #expect(seen.count > 300, "round \(round): the daemon wrote too little: \(daemon.standardError)")
            daemon.signal(SIGKILL)
            #expect(daemon.wait(timeout: .seconds(10)) != 0)

            let reader = try LogReader(store: store)
            let stored = Dictionary(uniqueKeysWithValues: try reader.connection.rows("SELECT seq, hash FROM events") {
                ($0.int(0) ?? 0, $0.blob(1) ?? [])
            })
            let lost = seen.filter { stored[$0.key] != $0.value }
            #expect(lost.isEmpty, "round \(round): \(lost.count) committed events lost or changed")
            let verification = try reader.verifyChain()
            #expect(verification.firstBroken == nil, "round \(round): \(String(describing: verification.firstBroken))")
            #expect(try reader.integrityCheck() == "ok")
        }
        let verify = try CourtwatchProcess.run(["log", "verify", "--state", site.state])
        #expect(verify.code == 0, "\(verify.stdout)")
    }
}
