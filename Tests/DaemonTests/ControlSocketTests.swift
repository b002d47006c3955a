import FailureLog
import Foundation
import Monitoring
import TestSupport
import Testing

/// Heartbeats and staff reports reach the running daemon through its control socket.
@Suite struct ControlSocketTests {
    func states(_ state: String) throws -> [String: String] {
        let result = try CourtwatchProcess.run(["status", "--state", state, "--json"])
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else { return [:] }
        let probes = object["probes"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: probes.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
    }

    @Test func aSilentHeartbeatGoesDownAndACallBringsItBack() throws {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: [
            "nightly.probe": "[Probe]\nID=nightly-export\nKind=heartbeat\nPeriod=1s\nGrace=500ms\nInterval=200ms\n",
        ])
        let state = directory.subpath("state")
        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        #expect(try eventually { try states(state)["nightly-export"] == "up" })
        #expect(try eventually { try states(state)["nightly-export"] == "down" }, "\(daemon.standardError)")
        let reader = try LogReader(store: FailureLogStore(stateDirectory: state))
        let cause = try reader.openIncidents().first?.cause ?? ""
        #expect(cause.contains("no heartbeat since courtwatch started"))
        #expect(cause.contains("Period=1s, Grace=500ms"))

        let call = try CourtwatchProcess.run(["heartbeat", "nightly-export", "--state", state])
        #expect(call.code == 0)
        #expect(call.stdout.hasPrefix("heartbeat for nightly-export recorded at "))
        #expect(try eventually { try states(state)["nightly-export"] == "up" })
        #expect(try LogReader(store: FailureLogStore(stateDirectory: state)).openIncidents().isEmpty)

        let unknown = try CourtwatchProcess.run(["heartbeat", "no-such-job", "--state", state])
        #expect(unknown.code == 65)
        #expect(unknown.stderr.contains("there is no probe 'no-such-job'"))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)

        let offline = try CourtwatchProcess.run(["heartbeat", "nightly-export", "--state", state])
        #expect(offline.code == 1)
        #expect(offline.stderr.contains("no courtwatch daemon is listening on \(state)/control.sock"))
    }

    /// A call acknowledged before a restart is kept (STATE/heartbeats): the restarted daemon counts the grace
    /// period from that call, not from its own start, and says when the last call was.
    @Test func aHeartbeatSurvivesARestart() throws {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: [
            "nightly.probe": "[Probe]\nID=nightly-export\nKind=heartbeat\nPeriod=2s\nGrace=1s\nInterval=200ms\n",
        ])
        let state = directory.subpath("state")
        var daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        #expect(try eventually { try states(state)["nightly-export"] == "up" })
        let call = try CourtwatchProcess.run(["heartbeat", "nightly-export", "--state", state])
        #expect(call.code == 0)
        let ledger = try String(contentsOfFile: state + "/heartbeats", encoding: .utf8)
        let fields = ledger.split(separator: " ")
        #expect(fields.first == "nightly-export")
        let calledAt = Timestamp(millisecondsSinceEpoch: Int64(fields.last?.dropLast() ?? "") ?? 0)
        #expect(call.stdout.contains(calledAt.iso8601))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)

        // A damaged line beside the real one is skipped, not fatal.
        try (ledger + "garbage-line\n").write(toFile: state + "/heartbeats", atomically: true, encoding: .utf8)
        daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        defer { daemon.signal(SIGTERM); _ = daemon.wait(timeout: .seconds(10)) }
        #expect(try eventually { try states(state)["nightly-export"] == "down" }, "\(daemon.standardError)")
        let cause = try LogReader(store: FailureLogStore(stateDirectory: state)).openIncidents().first?.cause ?? ""
        #expect(cause.contains("last heartbeat at \(calledAt.iso8601)"), "\(cause)")
        #expect(!cause.contains("since courtwatch started"))
        #expect(daemon.standardError.contains("heartbeats:2: not 'PROBE-ID MILLISECONDS'"))
    }

    @Test func enoughDistinctStaffReportsOpenAUserReportedIncident() throws {
        let directory = TemporaryDirectory()
        let gateway = try SimulatedSiteServer.healthyTCP()
        defer { gateway.stop() }
        let config = SiteFixture.write(in: directory, probes: [
            "gateway.probe": SiteFixture.probe(id: "cp-app", kind: "tcp", url: "tcp://127.0.0.1:\(gateway.port)",
                                               extra: "System=common-platform", interval: "1s"),
            "reports.probe": "[Probe]\nID=cp-reports\nName=Common Platform (staff reports)\nKind=user-reports\nSystem=common-platform\nReportsToOpen=2\nReportWindow=10m\n",
        ])
        let state = directory.subpath("state")
        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        #expect(try eventually { try states(state)["cp-app"] == "up" })

        let report = { (by: String) throws -> (code: Int32?, stdout: String, stderr: String) in
            try CourtwatchProcess.run(["report-problem", "--system", "common-platform", "--site", "test-site",
                                       "--by", by, "--text", "error on save when resulting", "--state", state])
        }
        #expect(try report("s001").code == 0)
        #expect(try report("s001").code == 0)  // the same person twice is one reporter
        #expect(try states(state)["cp-reports"] != "down")
        #expect(try report("s002").code == 0)
        #expect(try eventually { try states(state)["cp-reports"] == "down" })
        #expect(try states(state)["cp-app"] == "up")  // every probe green, and still an incident
        let incident = try #require(try LogReader(store: FailureLogStore(stateDirectory: state)).openIncidents().first)
        #expect(incident.cause == "user-reported: 2 people reported problems with common-platform in the last 10m")

        let wrongSite = try CourtwatchProcess.run(["report-problem", "--system", "common-platform", "--site", "elsewhere",
                                                   "--by", "s003", "--state", state])
        #expect(wrongSite.code == 65)
        #expect(wrongSite.stderr.contains("this daemon watches site 'test-site', not 'elsewhere'"))
        let wrongSystem = try CourtwatchProcess.run(["report-problem", "--system", "xhibit", "--site", "test-site",
                                                     "--by", "s003", "--state", state])
        #expect(wrongSystem.code == 65)
        #expect(wrongSystem.stderr.contains("unknown system 'xhibit' (known: common-platform)"))
        let missing = try CourtwatchProcess.run(["report-problem", "--system", "common-platform", "--state", state])
        #expect(missing.code == 64)

        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)
        let reader = try LogReader(store: FailureLogStore(stateDirectory: state))
        let reports = try reader.recentEvents(kinds: [EventKind.userReport], limit: 10)
        #expect(reports.count == 3)
        #expect(reports.first?.payload == #"{"by":"s002","system":"common-platform","text":"error on save when resulting"}"#)
        #expect(try reader.verifyChain().firstBroken == nil)
    }
}
