import FailureLog
import Monitoring
import SQLite
import TestSupport
import Testing

/// Staff entries, sharing and erasure against a real SQLite file.
@Suite struct StaffLogTests {
    let t0 = Timestamp(iso8601: "2026-11-10T09:00:00Z")!

    func session(_ directory: TemporaryDirectory) throws -> LogSession {
        try LogSession(store: FailureLogStore(stateDirectory: directory.subpath("state")))
    }

    func draft(_ kind: StaffEntry.Kind = .timeLost, at offset: Int = 0, minutes: Int = 30,
               systems: [String] = ["common-platform"], fields: [String: String]? = nil) -> StaffEntry {
        StaffEntry(id: "", staffID: "la-0042", kind: kind, at: t0 + .seconds(offset * 60),
                   end: t0 + .seconds((offset + minutes) * 60), systems: systems,
                   fields: fields ?? ["minutes": "\(minutes)", "could-not": "record hearing results"], recordedAt: t0)
    }

    func openIncident(_ log: LogSession, systems: [String], from: Int, to: Int?, site: String = "mcr") throws -> Int64 {
        try log.write {
            try $0.openManualIncident(ManualIncident(site: site, systems: systems, title: "outage", by: "ops", impact: .major,
                                                     planned: false, startedAt: t0 + .seconds(from * 60),
                                                     resolvedAt: to.map { t0 + .seconds($0 * 60) }, source: "paper log"),
                                      at: t0 + .seconds(86_400))
        }
    }

    @Test func entriesLinkToIncidentsOverlappingInTimeAndSystem() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        defer { log.close() }
        let cp = try openIncident(log, systems: ["common-platform"], from: -60, to: 15)
        _ = try openIncident(log, systems: ["libra"], from: 0, to: 60)  // another system
        _ = try openIncident(log, systems: ["common-platform"], from: 0, to: 60, site: "leeds")  // another site
        _ = try openIncident(log, systems: ["common-platform"], from: 40, to: nil)  // starts after the entry ends
        let entry = try log.write { try StaffLog.append(draft(), site: "mcr", at: t0, in: &$0) }
        #expect(entry.incidentIDs == [cp])
        let stored = try StaffLog.entries(log.connection, staffID: "la-0042")
        #expect(stored.map(\.id) == [entry.id])
        #expect(stored.first?.fields["could-not"] == "record hearing results")
        #expect(stored.first?.incidentIDs == [cp])
    }

    @Test func personalFieldsStayOutOfTheHashedBytesButAreCommittedTo() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        defer { log.close() }
        let entry = try log.write { try StaffLog.append(draft(), site: "mcr", at: t0, in: &$0) }
        let row: String?? = try log.connection.firstRow("SELECT payload FROM events WHERE kind = 'staff.entry'") { $0.text(0) }
        let payload = try #require(row ?? nil)
        #expect(!payload.contains("record hearing results"))
        #expect(payload.contains("\"entry\":\"\(entry.id)\""))
        #expect(try StaffLog.fieldsMatchCommitment(log.connection, entryID: entry.id))
        // Altering a stored field no longer matches the chained commitment.
        try log.connection.execute("UPDATE staff_entry_fields SET value = '5' WHERE name = 'minutes'")
        #expect(try !StaffLog.fieldsMatchCommitment(log.connection, entryID: entry.id))
    }

    @Test func erasureRemovesPersonalDataAndTheChainStillVerifies() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        defer { log.close() }
        _ = try log.write { try StaffLog.append(draft(), site: "mcr", at: t0, in: &$0) }
        _ = try log.write {
            try StaffLog.append(draft(.cost, fields: ["amount": "4.20", "what": "phone"]), site: "mcr", at: t0, in: &$0)
        }
        try log.write { try StaffLog.share(staffID: "la-0042", with: "manager", until: nil, by: "la-0042", at: t0, in: &$0) }
        try log.write {
            try StaffLog.recordAccess(staffID: "la-0042", viewer: "tl", role: "manager", action: "report", at: t0, in: &$0)
        }
        let erased = try log.write { try StaffLog.erase(staffID: "la-0042", by: "la-0042", at: t0, in: &$0) }
        #expect(erased == 2)
        for table in ["staff_entry_fields", "staff_entry_salts", "staff_shares", "staff_access"] {
            #expect(try log.connection.scalarInt("SELECT count(*) FROM \(table)") == 0, "\(table)")
        }
        let entries = try StaffLog.entries(log.connection, staffID: "la-0042")
        #expect(entries.count == 2 && entries.allSatisfy { $0.erased && $0.fields.isEmpty })
        let verification = try LogReader(connection: log.connection).verifyChain()
        #expect(verification.firstBroken == nil)
        #expect(verification.eventsChecked == 5)
    }

    @Test func sharesExpireAndCanBeRevoked() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        defer { log.close() }
        let until = t0 + .seconds(86_400)
        try log.write { try StaffLog.share(staffID: "la-0042", with: "manager", until: until, by: "la-0042", at: t0, in: &$0) }
        try log.write { try StaffLog.share(staffID: "la-0042", with: "union-rep", until: nil, by: "la-0042", at: t0, in: &$0) }
        let shares = try StaffLog.shares(log.connection, staffID: "la-0042")
        let manager = try #require(shares.first { $0.grantee == "manager" })
        #expect(manager.isActive(at: t0 + .seconds(3600)))
        #expect(!manager.isActive(at: until))
        #expect(try log.write { try StaffLog.revoke(staffID: "la-0042", from: "union-rep", by: "la-0042", at: t0, in: &$0) } == 1)
        #expect(try log.write { try StaffLog.revoke(staffID: "la-0042", from: "union-rep", by: "la-0042", at: t0, in: &$0) } == 0)
        let rep = try #require(try StaffLog.shares(log.connection, staffID: "la-0042").first { $0.grantee == "union-rep" })
        #expect(!rep.isActive(at: t0))
    }

    @Test func unknownSpansPairOfflineWithOnlineAndStoppedWithStarted() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        defer { log.close() }
        try log.write { transaction in
            try transaction.append(kind: EventKind.proberOffline, at: t0, payload: [:])
            try transaction.append(kind: EventKind.proberOnline, at: t0 + .seconds(600), payload: [:])
            try transaction.append(kind: EventKind.daemonStopped, at: t0 + .seconds(3600), payload: [:])
            try transaction.append(kind: EventKind.daemonStarted, at: t0 + .seconds(7200), payload: [:])
        }
        let spans = try StaffLog.unknownSpans(log.connection, span: TimeSpan(start: t0 + .seconds(-60), end: t0 + .seconds(5000)))
        #expect(spans == [TimeSpan(start: t0, end: t0 + .seconds(600)), TimeSpan(start: t0 + .seconds(3600), end: t0 + .seconds(5000))])
    }
}

/// Retention and staff entries live on different schedules: pruning an old incident must not be blocked by
/// (or break) a person's entry that matched it.
@Suite struct StaffRetentionTests {
    @Test func pruningAnOldIncidentKeepsTheEntryThatMatchedItAndTheChainVerifies() throws {
        let directory = TemporaryDirectory()
        let state = directory.subpath("state")
        let log = try LogSession(store: FailureLogStore(stateDirectory: state))
        defer { log.close() }
        let now = Timestamp(iso8601: "2026-11-20T12:00:00Z")!
        let long = now + .seconds(-4 * 365 * 86_400)
        let incident = try log.write {
            try $0.openManualIncident(ManualIncident(site: "mcr", systems: ["libra"], title: "old outage", by: "ops",
                                                     impact: .major, planned: false, startedAt: long,
                                                     resolvedAt: long + .seconds(3600), source: "paper log"), at: long)
        }
        let entry = try log.write {
            try StaffLog.append(StaffEntry(id: "", staffID: "la-1", kind: .timeLost, at: long, end: long + .seconds(1800),
                                           systems: ["libra"], fields: ["minutes": "30"], recordedAt: long),
                                site: "mcr", at: long, in: &$0)
        }
        #expect(entry.incidentIDs == [incident])
        // la-1 still logs entries, so their old one is kept on their schedule; la-2 stopped four years ago.
        let recent = now + .seconds(-86_400)
        _ = try log.write {
            try StaffLog.append(StaffEntry(id: "", staffID: "la-1", kind: .timeLost, at: recent, end: recent + .seconds(600),
                                           systems: ["libra"], fields: ["minutes": "10"], recordedAt: recent),
                                site: "mcr", at: recent, in: &$0)
        }
        _ = try log.write {
            try StaffLog.append(StaffEntry(id: "", staffID: "la-2", kind: .timeLost, at: long, end: long + .seconds(600),
                                           systems: ["libra"], fields: ["minutes": "10"], recordedAt: long),
                                site: "mcr", at: long, in: &$0)
        }
        let pruner = LogPruner(policy: RetentionPolicy(), signer: try ExportSigner.loadOrCreate(stateDirectory: state))
        let summary = try pruner.prune(log, now: now)
        #expect(summary.removedIncidents == 1)
        #expect(summary.erasedStaff == 1, "la-2's details go three years after their last entry")
        let kept = try StaffLog.entries(log.connection, staffID: "la-1")
        #expect(kept.map(\.fields) == [["minutes": "30"], ["minutes": "10"]])
        let erased = try StaffLog.entries(log.connection, staffID: "la-2")
        #expect(erased.count == 1 && erased[0].erased && erased[0].fields.isEmpty)
        #expect(try LogReader(connection: log.connection).verifyChain().firstBroken == nil)
    }
}
