import FailureLog
import Foundation
import SimulatedSite
import SQLite
import TestSupport
import Testing

/// The running daemon when its database is locked by another process: it keeps probing, `courtwatch status`
/// says the log is not writable, and everything is committed once the lock goes.
@Suite struct LogHealthTests {
    @Test func aLockedDatabaseIsReportedAndEverythingIsWrittenAfterwards() throws {
        let failing = try LoopbackServer { _ in .http(status: 503, body: "down") }
        defer { failing.stop() }
        let directory = TemporaryDirectory("courtwatch-health")
        let config = SiteFixture.write(in: directory, probes: [
            "app.probe": SiteFixture.probe(id: "cp-app", url: "http://127.0.0.1:\(failing.port)/"),
        ])
        let state = directory.subpath("state")
        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        let store = FailureLogStore(stateDirectory: state)
        #expect(eventually(timeout: .seconds(20)) {
            ((try? LogReader(store: store).eventCount()) ?? 0) > 5
        }, "the daemon never wrote: \(daemon.standardError)")

        let intruder = try Connection(path: store.databasePath)
        try intruder.execute("BEGIN EXCLUSIVE")
        let lockedAt = try #require(try intruder.scalarInt("SELECT max(seq) FROM events"))
        var reported = ""
        let sawIt = eventually(timeout: .seconds(20)) {
            reported = (try? CourtwatchProcess.run(["status", "--state", state]).stdout) ?? ""
            return reported.contains("FAILURE LOG PROBLEM")
        }
        #expect(sawIt, "status never reported the locked log:\n\(reported)")
        #expect(reported.contains("database is locked"))
        try intruder.execute("ROLLBACK")
        try intruder.close()

        // Probing went on while the log was locked: those failures are committed now, after the lock.
        #expect(eventually(timeout: .seconds(20)) {
            let count = (try? LogReader(store: store).connection.scalarInt(
                "SELECT count(*) FROM events WHERE kind = 'probe.failed' AND seq > ?", [lockedAt])) ?? 0
            return (count ?? 0) > 20
        })
        #expect(eventually(timeout: .seconds(10)) {
            !((try? CourtwatchProcess.run(["status", "--state", state]).stdout) ?? "").contains("FAILURE LOG PROBLEM")
        })
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        let verify = try CourtwatchProcess.run(["log", "verify", "--state", state])
        #expect(verify.code == 0, "\(verify.stdout)")
    }
}
