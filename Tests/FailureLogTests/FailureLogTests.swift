import Diagnostics
import Glibc
import FailureLog
import Monitoring
import SQLite
import TestSupport
import Testing

@Suite struct FailureLogTests {
    let site = SiteDefinition(id: "leicester-crown", name: "Leicester Crown Court", timeZone: "Europe/London")
    let probe = ProbeDefinition(
        id: "cp-signin", name: "Common Platform sign-in",
        check: .http(HTTPCheck(url: try! Endpoint(parsing: "https://signin.example.invalid/", allowedSchemes: ["https"]))),
        system: "common-platform", critical: true)
    let logger = Logger(label: "test", sink: .discard)

    func openWriter(_ store: FailureLogStore) throws -> LogWriter {
        try store.prepareDirectory()
        let writer = try LogWriter(connection: try store.openWriter(), logger: logger)
        writer.start()
        return writer
    }

    /// Feeds a timeline of results through a real state machine into the writer.
    func feed(_ writer: LogWriter, results: [Bool], startSecond: Int64 = 1_700_000_000) {
        var monitor = SiteMonitor(probes: [probe])
        for (index, ok) in results.enumerated() {
            let observation = Observation(
                probeID: probe.id, at: Timestamp(millisecondsSinceEpoch: (startSecond + Int64(index) * 30) * 1000),
                failure: ok ? nil : FailureEvidence(failureClass: .httpStatus, message: "HTTP 503 (expected 200)"),
                latencyMicroseconds: ok ? 40_000 : 3_000_000, httpStatus: ok ? 200 : 503,
                timings: PhaseTimings(dns: 10, connect: 20, tls: 30, firstByte: 40, total: 50))
            let actions = monitor.observe(observation)
            writer.record(.outcome(ProbeOutcome(observation: observation, actions: actions,
                                                state: monitor.state(of: probe.id)?.state ?? .unknown,
                                                stateSince: monitor.state(of: probe.id)?.since)))
        }
    }

    @Test func recordsFailuresTransitionsAndOneIncidentThatVerify() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let writer = try openWriter(store)
        writer.record(.configuration(site: site, probes: [probe]))
        feed(writer, results: [true, false, false, false, false, true, true, true])
        #expect(writer.flush())
        writer.close()

        let reader = try LogReader(store: store)
        let kinds = try reader.connection.rows("SELECT kind FROM events ORDER BY seq") { $0.text(0) ?? "" }
        #expect(kinds == [
            "probe.transition",  // unknown -> up
            "probe.failed", "probe.transition",  // up -> suspect
            "probe.failed",
            "probe.failed", "probe.transition", "incident.opened",  // suspect -> down
            "probe.failed",
            "probe.transition",  // down -> recovering
            "probe.transition", "incident.resolved",  // recovering -> up
        ])
        let incidents = try reader.incidents()
        #expect(incidents.count == 1)
        #expect(incidents[0].title == "Common Platform sign-in is down")
        #expect(incidents[0].startedAt.millisecondsSinceEpoch == 1_700_000_030_000)
        #expect(incidents[0].resolvedAt?.millisecondsSinceEpoch == 1_700_000_180_000)
        #expect(incidents[0].system == "common-platform")
        let evidence = try #require(try reader.connection.firstRow(
            "SELECT payload FROM events WHERE kind = 'probe.failed' ORDER BY seq LIMIT 1") { $0.text(0) })
        #expect(evidence == #"{"class":"http-status","http_status":503,"latency_us":3000000,"message":"HTTP 503 (expected 200)","timings_us":{"connect":20,"dns":10,"first_byte":40,"tls":30,"total":50}}"#)
        let status = try reader.probeStatuses()
        #expect(status.map(\.state) == [.up])
        #expect(try reader.verifyChain() == ChainVerification(eventsChecked: 11, lastSeq: 11, firstBroken: nil))
        #expect(try reader.integrityCheck() == "ok")
    }

    @Test func successesAreRolledUpPerMinuteWithALatencyHistogram() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let writer = try openWriter(store)
        writer.record(.configuration(site: site, probes: [probe]))
        feed(writer, results: [true, true, true, true, false], startSecond: 1_700_000_040)
        writer.close()
        let reader = try LogReader(store: store)
        let rows = try reader.connection.rows(
            "SELECT minute, count, failures, latency_min_us, latency_max_us, latency_sum_us, h2, h7, h8 FROM sample_minutes ORDER BY minute"
        ) { row in (0..<9).map { row.int($0) ?? -1 } }
        // 1_700_000_040 s is a minute boundary: two samples a minute, the fifth (a failure) alone.
        #expect(rows == [
            [1_700_000_040_000, 2, 0, 40_000, 40_000, 80_000, 2, 0, 0],
            [1_700_000_100_000, 2, 0, 40_000, 40_000, 80_000, 2, 0, 0],
            [1_700_000_160_000, 1, 1, 3_000_000, 3_000_000, 3_000_000, 0, 0, 1],
        ])
    }

    @Test func tamperingWithAnyEventIsFoundAndNamed() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let writer = try openWriter(store)
        feed(writer, results: [true, false, false, false, true, true])
        writer.close()

        let editor = try Connection(path: store.databasePath)
        try editor.execute("UPDATE events SET payload = replace(payload, '503', '200') WHERE seq = 4", [])
        var reader = try LogReader(store: store)
        var result = try reader.verifyChain()
        #expect(result.firstBroken?.seq == 4)
        #expect(result.firstBroken?.reason == "hash does not match the event's contents (the event was altered)")
        #expect(result.eventsChecked == 3)

        // Recomputing the altered event's own hash does not help: the next link breaks.
        let row = try #require(try editor.firstRow("SELECT at_ms, kind, probe_id, payload, prev_hash FROM events WHERE seq = 4") {
            ($0.int(0)!, $0.text(1)!, $0.text(2), $0.text(3)!, $0.blob(4)!)
        })
        let forged = EventChain.hash(previous: row.4, seq: 4, atMilliseconds: row.0, kind: row.1, probeID: row.2,
                                     payload: row.3)
        try editor.execute("UPDATE events SET hash = ? WHERE seq = 4", [forged])
        reader = try LogReader(store: store)
        result = try reader.verifyChain()
        #expect(result.firstBroken?.seq == 5)
        #expect(result.firstBroken?.reason.hasPrefix("prev_hash does not match the hash of event 4") == true)

        try editor.execute("DELETE FROM events WHERE seq IN (2, 3)", [])
        reader = try LogReader(store: store)
        result = try reader.verifyChain()
        #expect(result.firstBroken?.seq == 4)
        #expect(result.firstBroken?.reason == "events 2...3 are missing (deleted?)")
    }

    @Test func theChainContinuesAcrossRestarts() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        var writer = try openWriter(store)
        writer.record(.configuration(site: site, probes: [probe]))
        feed(writer, results: [true, false, false, false])
        writer.close()
        writer = try openWriter(store)
        let restored = try writer.recordedStates()
        #expect(restored["cp-signin"]?.state == .down)
        feed(writer, results: [true, true], startSecond: 1_800_000_000)
        writer.close()
        let reader = try LogReader(store: store)
        let verification = try reader.verifyChain()
        #expect(verification.firstBroken == nil)
        #expect(verification.eventsChecked == (try reader.eventCount()))
    }

    @Test func aDatabaseFromANewerCourtwatchIsRefusedAndLeftAlone() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try openWriter(store).close()
        let editor = try Connection(path: store.databasePath)
        try editor.execute("INSERT INTO schema_migrations VALUES (99, 'from-the-future', 'x')", [])
        try editor.close()
        do {
            _ = try store.openWriter()
            Issue.record("a newer database must be refused")
        } catch {
            #expect(error.description.contains("database schema version 99 is newer than this courtwatch understands"))
        }
        let check = try Connection(path: store.databasePath, mode: .readOnly)
        #expect(try check.scalarInt("SELECT max(version) FROM schema_migrations") == 99)
    }

    @Test func anUnwritableStateDirectoryIsReportedByPath() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("locked/state"))
        directory.write("locked/.keep", "")
        chmod(directory.subpath("locked"), 0o500)
        defer { chmod(directory.subpath("locked"), 0o755) }
        guard geteuid() != 0 else {
            // root ignores directory permissions; a file in the way shows the same error path instead.
            directory.write("blocked", "not a directory")
            let blocked = FailureLogStore(stateDirectory: directory.subpath("blocked"))
            #expect(throws: FailureLogStore.Failure.self) { try blocked.prepareDirectory() }
            do { try blocked.prepareDirectory() } catch {
                #expect(error.description == "\(directory.subpath("blocked")): exists but is not a directory")
            }
            return
        }
        #expect(throws: FailureLogStore.Failure.self) { try store.prepareDirectory() }
    }

    @Test func canonicalJSONIsStableAndEscaped() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "y": .null], "s": "line\n\"quoted\"\u{1}"]
        #expect(value.canonicalText == #"{"a":{"y":null,"z":true},"b":1,"s":"line\n\"quoted\"\u0001"}"#)
    }
}
