import Diagnostics
import FailureLog
import Monitoring
import SQLite
import TestSupport
import Testing

/// Retention removes old evidence by category and the chain still verifies through a signed checkpoint; any
/// other removal or change is still caught.
@Suite struct RetentionTests {
    let day = Int64(86_400_000)
    let start = Timestamp(millisecondsSinceEpoch: 1_735_689_600_000)  // 2025-01-01T00:00:00Z

    /// 200 days of a probe that fails briefly every day, with a hand-recorded incident on day 10 and day 150.
    func seed(_ session: LogSession) throws {
        try session.write { transaction in
            for dayIndex in Int64(0)..<200 {
                let at = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + dayIndex * day + 3_600_000)
                try transaction.append(kind: EventKind.probeFailed, at: at, probeID: "cp", payload: ["class": "timeout"])
                try transaction.append(kind: EventKind.probeTransition, at: at, probeID: "cp",
                                       payload: ["from": "suspect", "to": "down"])
                // A blip: one failed check the next one cleared. Raw evidence, kept like the failed sample.
                try transaction.append(kind: EventKind.probeTransition, at: at + .seconds(30), probeID: "cp",
                                       payload: ["from": "suspect", "to": "up"])
                try transaction.connection.execute(
                    """
                    INSERT INTO sample_minutes (probe_id, minute, count, failures, latency_min_us, latency_max_us,
                        latency_sum_us, h0, h1, h2, h3, h4, h5, h6, h7, h8)
                    VALUES ('cp', ?, 2, 1, 1000, 5000, 6000, 1, 0, 0, 0, 0, 0, 0, 0, 1)
                    """, [at.millisecondsSinceEpoch - at.millisecondsSinceEpoch % 60_000])
            }
        }
        for dayIndex: Int64 in [10, 150] {
            let begun = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + dayIndex * day)
            _ = try session.write { transaction in
                try transaction.openManualIncident(
                    ManualIncident(site: "s", systems: ["cp"], title: "day \(dayIndex)", by: "ops", impact: .major,
                                   planned: false, startedAt: begun, resolvedAt: begun + .seconds(600), source: "paper"),
                    at: begun + .seconds(700))
            }
        }
    }

    @Test func oldEvidenceGoesByCategoryAndTheChainStillVerifies() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let session = try LogSession(store: store)
        try seed(session)
        let signer = try ExportSigner.loadOrCreate(stateDirectory: store.stateDirectory)
        let policy = RetentionPolicy(rawSamples: RetentionPolicy.day * 90, minuteRollups: RetentionPolicy.day * 2,
                                     hourRollups: RetentionPolicy.day * 30, dayRollups: RetentionPolicy.day * 120,
                                     incidentLog: RetentionPolicy.day * 100)
        let now = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 200 * day)
        let summary = try LogPruner(policy: policy, signer: signer).prune(session, now: now)
        #expect(summary.removedEvents[EventKind.probeFailed] == 110, "days 0-109 are older than 90 days")
        let transitions: Int64 = 110 + 100
        #expect(summary.removedEvents[EventKind.probeTransition] == transitions,
                "blips of days 0-109 (90 days, as raw samples), the others of days 0-99 (100 days, incident log)")
        #expect(summary.removedIncidents == 1, "the day-10 incident; the day-150 one stays")
        #expect(summary.checkpointSeq != nil)

        let reader = LogReader(connection: session.connection)
        #expect(try reader.incidents().map(\.title) == ["day 150"])
        let rollups = try session.connection.firstRow(
            """
            SELECT (SELECT coalesce(sum(count), 0) FROM sample_minutes), (SELECT coalesce(sum(count), 0) FROM sample_hours),
                   (SELECT coalesce(sum(count), 0) FROM sample_days)
            """) { [$0.int(0) ?? -1, $0.int(1) ?? -1, $0.int(2) ?? -1] }
        // 200 days x 2 samples: the last 2 days in minutes, 28 more in hours, days 80-169 in days, older gone.
        #expect(rollups == [4, 56, 180])
        let verification = try reader.verifyChain()
        #expect(verification.firstBroken == nil, "\(String(describing: verification.firstBroken))")
        #expect(try reader.integrityCheck() == "ok")

        // A second run later removes more and still verifies (the newest checkpoint pins the older ones).
        let later = try LogPruner(policy: policy, signer: signer).prune(session, now: now + .seconds(30 * 86_400))
        #expect(later.removedEvents[EventKind.probeFailed] == 30)
        #expect(try reader.verifyChain().firstBroken == nil)
        session.close()
    }

    @Test func removingOrAlteringAKeptEventIsStillCaught() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let session = try LogSession(store: store)
        try seed(session)
        let signer = try ExportSigner.loadOrCreate(stateDirectory: store.stateDirectory)
        let now = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 200 * day)
        let summary = try LogPruner(policy: RetentionPolicy(), signer: signer).prune(session, now: now)
        let checkpoint = try #require(summary.checkpointSeq)
        let reader = LogReader(connection: session.connection)
        #expect(try reader.verifyChain().firstBroken == nil)

        // Quietly deleting a kept transition inside the pruned range is caught by the checkpoint's pin.
        let victim = try #require(try session.connection.scalarInt(
            "SELECT seq FROM events WHERE kind = 'probe.transition' ORDER BY seq LIMIT 1 OFFSET 20"))
        let saved = try #require(try session.connection.firstRow(
            "SELECT seq, at_ms, kind, probe_id, payload, prev_hash, hash FROM events WHERE seq = ?", [victim]) {
                [$0.int(0) as Any, $0.int(1) as Any, $0.text(2) as Any, $0.text(3) as Any, $0.text(4) as Any,
                 $0.blob(5) as Any, $0.blob(6) as Any]
            })
        try session.connection.execute("DELETE FROM events WHERE seq = ?", [victim])
        let broken = try #require(try reader.verifyChain().firstBroken)
        #expect(broken.seq == checkpoint)
        #expect(broken.reason.contains("do not match retention checkpoint"))
        try session.connection.execute(
            "INSERT INTO events (seq, at_ms, kind, probe_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [saved[0] as! Int64, saved[1] as! Int64, saved[2] as! String, saved[3] as? String, saved[4] as! String,
             saved[5] as! [UInt8], saved[6] as! [UInt8]])
        #expect(try reader.verifyChain().firstBroken == nil)

        // Editing the checkpoint itself (say, to hide a removal) breaks its signature or its hash.
        try session.connection.execute(
            "UPDATE events SET payload = replace(payload, '\"kept_count\":', '\"kept_count\":1') WHERE seq = ?", [checkpoint])
        #expect(try reader.verifyChain().firstBroken?.seq == checkpoint)
        session.close()
    }

    @Test func aGapAfterTheNewestCheckpointIsStillReportedAsMissingEvents() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let session = try LogSession(store: store)
        try seed(session)
        let head = try #require(try session.connection.scalarInt("SELECT max(seq) FROM events"))
        try session.connection.execute("PRAGMA foreign_keys = OFF")  // as someone editing the file would
        try session.connection.execute("DELETE FROM events WHERE seq = ?", [head - 3])
        let broken = try #require(try LogReader(connection: session.connection).verifyChain().firstBroken)
        #expect(broken.seq == head - 2)
        #expect(broken.reason.contains("events \(head - 3)...\(head - 3) are missing"))
        session.close()
    }

    @Test func theJSONParserReadsWhatTheCanonicalWriterWritesAndRefusesTheRest() {
        let value: JSONValue = ["a": [1, -2, "x\"\\\n\u{01}é😀"], "b": .null, "c": true, "d": ["e": false]]
        #expect(JSONValue(parsing: value.canonicalText) == value)
        #expect(JSONValue(parsing: " { \"k\" : [ 1 , 2 ] } ") == ["k": [1, 2]])
        #expect(JSONValue(parsing: "\"\\ud83d\\ude00\"") == "😀")
        #expect(JSONValue(parsing: "1e3") == 1000, "a whole number in exponent form is that integer")
        for bad in ["", "{", "[1,]", "01", "1.5", "1e-3", "{\"a\":1}x", "\"\\ud83d\"", "tru", "\"a\u{01}\"",
                    "99999999999999999999", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(JSONValue(parsing: bad) == nil, "\(bad)")
        }
    }
}
