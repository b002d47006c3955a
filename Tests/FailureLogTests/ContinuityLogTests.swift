import FailureLog
import Monitoring
import SQLite
import TestSupport
import Testing

/// The continuity tables are derived from continuity events, written in the same transaction.
@Suite struct ContinuityLogTests {
    let t0 = Timestamp(millisecondsSinceEpoch: 1_763_800_000_000)

    @Test func invocationChecklistAndStandDownAreEventsAndRows() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        let log = try LogSession(store: store)
        defer { log.close() }
        let id = try log.write {
            try $0.recordInvocation(site: "s", level: "contingency", by: "A. Lead", reason: "CP down", automatic: false,
                                    systems: ["common-platform"], recommended: "contingency", why: ["because"],
                                    incidents: [3], at: t0)
        }
        try log.write {
            try $0.recordChecklistItem(site: "s", invocation: id, item: "partner-em", by: "B", note: "first", at: t0 + .seconds(60))
        }
        try log.write {
            try $0.recordChecklistItem(site: "s", invocation: id, item: "partner-em", by: "C", note: nil, at: t0 + .seconds(120))
        }
        let connection = log.connection
        let open = try ContinuityLog.state(site: "s", on: connection)
        #expect(open.level == "contingency")
        #expect(open.invocationID == id)
        #expect(open.since == t0)
        let items = try ContinuityLog.checklist(invocationID: id, on: connection)
        #expect(items.map(\.item) == ["partner-em"])
        #expect(items.first?.by == "C")
        #expect(items.first?.at == t0 + .seconds(120))
        #expect(items.first?.note == nil)

        let invocation = try #require(try ContinuityLog.invocation(id: id, on: connection))
        try log.write {
            try $0.recordStandDown(site: "s", invocation: invocation, by: "A. Lead", reason: "back", override: "accepted",
                                   openItems: ["probes-green"], at: t0 + .seconds(3600))
        }
        let closed = try ContinuityLog.state(site: "s", on: connection)
        #expect(closed.level == "normal")
        #expect(closed.invocationID == nil)
        let stoodDown = try #require(try ContinuityLog.latestInvocation(site: "s", on: connection))
        #expect(stoodDown.stoodDownBy == "A. Lead")
        #expect(stoodDown.overrideReason == "accepted")
        #expect(stoodDown.stoodDownAt == t0 + .seconds(3600))

        let reader = try LogReader(store: store)
        let kinds = try reader.recentEvents(kinds: [EventKind.continuityInvoked, EventKind.continuityLevel,
                                                    EventKind.continuityChecklist, EventKind.continuityStoodDown],
                                            limit: 10).map(\.kind)
        #expect(kinds == ["continuity.level", "continuity.stood-down", "continuity.checklist", "continuity.checklist",
                          "continuity.level", "continuity.invoked"])
        #expect(try reader.verifyChain().firstBroken == nil)
    }

    @Test func recommendationReasonsRoundTripThroughTheTable() throws {
        let directory = TemporaryDirectory()
        let log = try LogSession(store: FailureLogStore(stateDirectory: directory.subpath("state")))
        defer { log.close() }
        let why = ["Common Platform has been down — \"42\" minutes", "line\nbreak and a back\\slash", "é"]
        try log.write {
            try $0.recordRecommendation(site: "s", level: "contingency", why: why, systems: ["common-platform"], at: t0)
        }
        let state = try ContinuityLog.state(site: "s", on: log.connection)
        #expect(state.recommendedLevel == "contingency")
        #expect(state.recommendedWhy == why)
        #expect(state.recommendedAt == t0)
        #expect(state.level == "normal")
    }

    @Test func openIncidentsIncludeOtherSitesWhoseScopeNamesThisOne() throws {
        let directory = TemporaryDirectory()
        let log = try LogSession(store: FailureLogStore(stateDirectory: directory.subpath("state")))
        defer { log.close() }
        let national = try log.write {
            try $0.openManualIncident(ManualIncident(site: "hub", systems: ["cjsm"], title: "CJSM national outage",
                                                     by: "ops", impact: .critical, planned: false, startedAt: t0), at: t0)
        }
        try log.write { try $0.addIncidentScope(national, site: "s", systems: ["cjsm"], by: "ops", at: t0) }
        let local = try log.write {
            try $0.openManualIncident(ManualIncident(site: "s", systems: ["dcs", "cvp"], title: "Wi-Fi down", by: "ops",
                                                     impact: .minor, planned: true, startedAt: t0), at: t0)
        }
        let rows = try ContinuityLog.openIncidents(site: "s", on: log.connection)
        #expect(rows.map(\.id) == [national, local])
        #expect(rows.first?.systems == ["cjsm"])
        #expect(rows.first?.impact == "critical")
        #expect(Set(rows.last?.systems ?? []) == ["dcs", "cvp"])
        #expect(rows.last?.planned == true)
        try log.write { try $0.resolveIncident(local, by: "ops", text: "fixed", at: t0 + .seconds(60)) }
        #expect(try ContinuityLog.openIncidents(site: "s", on: log.connection).map(\.id) == [national])
    }

    @Test func aSystemIsGreenSinceItsLastProbeTurnedUpAndNotWhileAnIncidentNamesIt() throws {
        let directory = TemporaryDirectory()
        let log = try LogSession(store: FailureLogStore(stateDirectory: directory.subpath("state")))
        defer { log.close() }
        let probes: [(String, String, String, Int64)] = [
            ("cp-signin", "common-platform", "up", 1000), ("cp-app", "common-platform", "up", 5000),
            ("dcs-landing", "dcs", "down", 2000), ("cjsm-smtp", "cjsm", "up", 3000),
        ]
        for (id, system, state, since) in probes {
            try log.connection.execute(
                """
                INSERT INTO probes (id, site_id, name, kind, target, system, critical, interval_ms, active, state,
                    state_since_ms)
                VALUES (?, 's', ?, 'http', 'x', ?, 0, 30000, 1, ?, ?)
                """, [id, id, system, state, since])
        }
        try log.write {
            _ = try $0.openManualIncident(ManualIncident(site: "s", systems: ["cjsm"], title: "slow", by: "ops",
                                                         impact: .major, planned: false, startedAt: t0), at: t0)
        }
        let green = try ContinuityLog.systemsGreenSince(site: "s", on: log.connection)
        #expect(green.keys.sorted() == ["cjsm", "common-platform", "dcs"])
        #expect(green["common-platform"] == Timestamp(millisecondsSinceEpoch: 5000))
        #expect(green["dcs"] == .some(nil))
        #expect(green["cjsm"] == .some(nil))
    }
}
