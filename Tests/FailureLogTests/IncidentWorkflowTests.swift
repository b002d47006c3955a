import Diagnostics
import FailureLog
import Monitoring
import SQLite
import TestSupport
import Testing

/// The incident workflow against a real SQLite file: every step is an event, nothing is edited in place,
/// and the chain verifies after each.
@Suite struct IncidentWorkflowTests {
    let site = SiteDefinition(id: "leicester-crown", name: "Leicester Crown Court", timeZone: "Europe/London")
    let t0 = Timestamp(millisecondsSinceEpoch: 1_763_800_000_000)

    func session(_ directory: TemporaryDirectory) throws -> LogSession {
        try LogSession(store: FailureLogStore(stateDirectory: directory.subpath("state")))
    }

    func manual(_ title: String = "CP sign-in failing", source: String? = nil, resolvedAt: Timestamp? = nil)
        -> ManualIncident {
        ManualIncident(site: site.id, systems: ["common-platform", "cjsm"], title: title, by: "J. Ops", impact: .major,
                       planned: false, startedAt: t0, resolvedAt: resolvedAt, source: source, tickets: ["INC001"])
    }

    @Test func everyLifecycleStepIsAnEventWithWhoAndWhen() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        let id = try log.write { try $0.openManualIncident(manual(), at: t0) }
        try log.write { try $0.acknowledgeIncident(id, by: "A. Lead", expiresAt: t0 + .seconds(3600), at: t0 + .seconds(60)) }
        try log.write { try $0.setIncidentStatus(id, to: .identified, by: "A. Lead", text: "SSO fault", at: t0 + .seconds(120)) }
        try log.write { try $0.addIncidentNote(id, by: "A. Lead", text: "supplier engaged", at: t0 + .seconds(180)) }
        try log.write { try $0.setIncidentImpact(id, impact: .critical, planned: nil, by: "A. Lead", at: t0 + .seconds(200)) }
        try log.write { try $0.resolveIncident(id, by: "A. Lead", text: "fixed by supplier", at: t0 + .seconds(600)) }
        log.close()

        let reader = try LogReader(store: log.store)
        let detail = try #require(try reader.incident(id))
        #expect(detail.summary.status == .resolved)
        #expect(detail.summary.impact == .critical)
        #expect(detail.summary.systems == ["common-platform", "cjsm"])
        #expect(detail.summary.resolvedBy == "A. Lead")
        #expect(detail.summary.resolvedAt == t0 + .seconds(600))
        #expect(detail.summary.origin == .manual)
        #expect(detail.tickets == ["INC001"])
        #expect(detail.timeline.map(\.kind) == ["opened", "ticket", "acknowledged", "status", "note", "impact", "resolved"])
        #expect(detail.timeline.allSatisfy { !$0.by.isEmpty })
        #expect(!detail.summary.isAcknowledged(at: t0 + .seconds(700)), "a resolved incident is not 'acknowledged'")
        let kinds = try reader.connection.rows("SELECT kind FROM events ORDER BY seq") { $0.text(0) ?? "" }
        #expect(kinds == ["incident.opened", "incident.ticket", "incident.acknowledged", "incident.status",
                          "incident.note", "incident.impact", "incident.resolved"])
        #expect(try reader.verifyChain().firstBroken == nil)
    }

    @Test func refusedChangesWriteNothingAndSayWhy() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        let id = try log.write { try $0.openManualIncident(manual(), at: t0) }
        try log.write { try $0.resolveIncident(id, by: "A. Lead", text: "fixed", at: t0 + .seconds(60)) }
        let before = try #require(try log.connection.scalarInt("SELECT count(*) FROM events"))
        #expect { try log.write { try $0.acknowledgeIncident(id, by: "x", expiresAt: nil, at: t0 + .seconds(90)) } }
            throws: { "\($0)".contains("already resolved") }
        #expect { try log.write { try $0.resolveIncident(id, by: "x", text: "again", at: t0 + .seconds(90)) } }
            throws: { "\($0)".contains("already resolved") }
        #expect { try log.write { try $0.addIncidentNote(99, by: "x", text: "n", at: t0) } }
            throws: { "\($0)".contains("no incident 99") }
        #expect { try log.write { try $0.resolveIncident(id, by: "x", text: "", at: t0) } }
            throws: { "\($0)".contains("needs a note") }
        #expect { try log.write { try $0.linkIncidentEvidence(id, event: 999, by: "x", at: t0) } }
            throws: { "\($0)".contains("no event 999") }
        #expect { try log.write { try $0.openManualIncident(manual(resolvedAt: Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch - 1000)), at: t0) } }
            throws: { "\($0)".contains("before --started-at") }
        #expect(try log.connection.scalarInt("SELECT count(*) FROM events") == before)
        // A correction after resolution is a new event, not an edit.
        try log.write { try $0.addIncidentNote(id, by: "A. Lead", text: "correction: started 5 min earlier", at: t0 + .seconds(120)) }
        #expect(try log.connection.scalarInt("SELECT count(*) FROM events") == before + 1)
        log.close()
    }

    @Test func backRecordedIncidentsSayWhoAndFromWhatSourceAndCountLikeOthers() throws {
        let directory = TemporaryDirectory()
        let log = try session(directory)
        let id = try log.write {
            try $0.openManualIncident(manual("WAN down while courtwatch host was off", source: "site paper log",
                                             resolvedAt: t0 + .seconds(5400)), at: t0 + .seconds(86_400))
        }
        log.close()
        let reader = try LogReader(store: log.store)
        let incident = try #require(try reader.incident(id)).summary
        #expect(incident.origin == .backRecorded)
        #expect(incident.source == "site paper log")
        #expect(incident.recordedBy == "J. Ops")
        #expect(incident.startedAt == t0)
        #expect(incident.resolvedAt == t0 + .seconds(5400))
        #expect(incident.duration(until: t0 + .seconds(999_999)) == .seconds(5400))
        let matching = try reader.incidents(IncidentFilter(from: t0 + .seconds(60), to: t0 + .seconds(120), system: "cjsm"))
        #expect(matching.map(\.id) == [id])
        #expect(try reader.incidents(IncidentFilter(from: t0 + .seconds(5400))).isEmpty)
        #expect(try reader.incidents(IncidentFilter(planned: true)).isEmpty)
    }

    @Test func probeIncidentsCarryImpactAndAHandResolveIsNotResolvedTwice() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        let writer = try LogWriter(connection: try store.openWriter(), logger: Logger(label: "t", sink: .discard))
        writer.start()
        let probe = ProbeDefinition(
            id: "cp-signin", name: "Common Platform sign-in",
            check: .http(HTTPCheck(url: try Endpoint(parsing: "https://signin.example.invalid/", allowedSchemes: ["https"]))),
            system: "common-platform", critical: true)
        writer.record(.configuration(site: site, probes: [probe]))
        var monitor = SiteMonitor(probes: [probe])
        func observe(_ ok: Bool, _ second: Int64) {
            let observation = Observation(
                probeID: probe.id, at: t0 + .seconds(second),
                failure: ok ? nil : FailureEvidence(failureClass: .httpStatus, message: "HTTP 503"),
                latencyMicroseconds: 1000, httpStatus: ok ? 200 : 503)
            let actions = monitor.observe(observation)
            writer.record(.outcome(ProbeOutcome(observation: observation, actions: actions,
                                                state: monitor.state(of: probe.id)?.state ?? .unknown,
                                                stateSince: monitor.state(of: probe.id)?.since)))
        }
        for second in stride(from: Int64(0), to: 150, by: 30) { observe(second == 0, second) }
        #expect(writer.flush())
        let session = try LogSession(store: store)
        let id = try #require(try LogReader(store: store).openIncidents().first?.id)
        try session.write { try $0.resolveIncident(id, by: "J. Ops", text: "supplier says fixed", at: t0 + .seconds(160)) }
        for second in stride(from: Int64(180), to: 300, by: 30) { observe(true, second) }
        #expect(writer.flush())
        writer.close()
        session.close()

        let reader = try LogReader(store: store)
        let incident = try #require(try reader.incident(id))
        #expect(incident.summary.impact == .major, "a critical system's outage is major")
        #expect(incident.summary.resolvedBy == "J. Ops")
        #expect(incident.timeline.filter { $0.kind == "resolved" }.count == 1)
        #expect(try reader.connection.scalarInt("SELECT count(*) FROM events WHERE kind = 'incident.resolved'") == 1)
        // Both processes appended to one chain.
        #expect(try reader.verifyChain().firstBroken == nil)
    }

    @Test func autoResolveKeepsTheRecoveringResultAsEvidence() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        let writer = try LogWriter(connection: try store.openWriter(), logger: Logger(label: "t", sink: .discard))
        writer.start()
        let probe = ProbeDefinition(
            id: "dcs", name: "DCS", check: .tcp(try Endpoint(parsing: "tcp://127.0.0.1:9", allowedSchemes: ["tcp"])), system: "dcs", critical: false)
        writer.record(.configuration(site: site, probes: [probe]))
        var monitor = SiteMonitor(probes: [probe])
        for (index, ok) in [true, false, false, false, true, true].enumerated() {
            let observation = Observation(probeID: probe.id, at: t0 + .seconds(Int64(index) * 30),
                                          failure: ok ? nil : FailureEvidence(failureClass: .connect, message: "refused"),
                                          latencyMicroseconds: 1234)
            let actions = monitor.observe(observation)
            writer.record(.outcome(ProbeOutcome(observation: observation, actions: actions,
                                                state: monitor.state(of: probe.id)?.state ?? .unknown,
                                                stateSince: monitor.state(of: probe.id)?.since)))
        }
        #expect(writer.flush())
        writer.close()
        let reader = try LogReader(store: store)
        let payload = try #require(try reader.connection.firstRow(
            "SELECT payload FROM events WHERE kind = 'incident.resolved'") { $0.text(0) } ?? nil)
        #expect(payload.contains("\"evidence\":{\"at_ms\":\(t0.millisecondsSinceEpoch + 150_000)"))
        #expect(payload.contains("\"latency_us\":1234"))
        #expect(try reader.incidents().first?.impact == .minor, "a non-critical system's outage is minor")
    }

    @Test func aStaffReportIsLinkedToTheOpenIncidentOnItsSystem() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let session = try LogSession(store: store)
        let id = try session.write { try $0.openManualIncident(manual(), at: t0) }
        let writer = try LogWriter(connection: try store.openWriter(), logger: Logger(label: "t", sink: .discard))
        writer.start()
        writer.record(.configuration(site: site, probes: []))
        writer.record(.event(kind: EventKind.userReport, at: t0 + .seconds(60),
                             payload: ["system": "cjsm", "by": "s001", "text": .null]))
        writer.record(.event(kind: EventKind.userReport, at: t0 + .seconds(90),
                             payload: ["system": "dcs", "by": "s002", "text": .null]))
        #expect(writer.flush())
        writer.close()
        session.close()
        let detail = try #require(try LogReader(store: store).incident(id))
        #expect(detail.evidence.map(\.role) == ["staff-report"], "the CJSM report, not the DCS one")
        #expect(detail.timeline.last?.text?.contains("staff report about cjsm") == true)
        #expect(try LogReader(store: store).verifyChain().firstBroken == nil)
    }
}
