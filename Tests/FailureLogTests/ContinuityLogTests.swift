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
}
