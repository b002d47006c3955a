import Continuity
import Monitoring
import Testing

@Suite struct StandDownChecklistTests {
    let invoked = utc("2026-11-23T10:30:00Z")

    func platform(greenSince: String?) -> SystemGreenness {
        SystemGreenness(system: "common-platform", name: "Common Platform", greenSince: greenSince.map(utc),
                        greenFor: .seconds(900))
    }

    func everyRecordableItem(at time: Timestamp) -> [ChecklistRecord] {
        ChecklistItem.recordable.map { ChecklistRecord(item: $0, by: "A. Lead", at: time) }
    }

    @Test func aFreshInvocationHasEveryItemOpen() {
        let checklist = StandDownChecklist(invokedAt: invoked, records: [], systems: [platform(greenSince: nil)],
                                           now: utc("2026-11-23T11:00:00Z"))
        #expect(checklist.openItems == ChecklistItem.allCases)
        #expect(checklist.statuses.first?.detail == "Common Platform is not green")
        #expect(checklist.openItems.map(\.rawValue) == [
            "probes-green", "transaction-confirmed", "forms-reconciled", "partner-em", "partner-custody",
            "partner-probation", "partner-police",
        ])
    }

    @Test func probesMustStayGreenForGreenForMinutes() {
        let green = platform(greenSince: "2026-11-23T12:00:00Z")
        let early = StandDownChecklist(invokedAt: invoked, records: [], systems: [green], now: utc("2026-11-23T12:07:00Z"))
        #expect(early.statuses.first?.done == false)
        #expect(early.statuses.first?.detail == "Common Platform green for 7 minutes of 15 minutes")
        let later = StandDownChecklist(invokedAt: invoked, records: [], systems: [green], now: utc("2026-11-23T12:15:00Z"))
        #expect(later.statuses.first?.done == true)
        #expect(later.statuses.first?.detail == "green long enough: Common Platform")
    }

    @Test func recordsBeforeTheInvocationDoNotCountAndTheLatestRecordWins() {
        let before = ChecklistRecord(item: .custody, by: "Old", at: utc("2026-11-20T10:00:00Z"))
        let first = ChecklistRecord(item: .police, by: "B. Clerk", at: utc("2026-11-23T11:00:00Z"), note: "first call")
        let second = ChecklistRecord(item: .police, by: "C. Usher", at: utc("2026-11-23T11:30:00Z"), note: "PNC updated")
        let checklist = StandDownChecklist(invokedAt: invoked, records: [second, before, first], systems: [],
                                           now: utc("2026-11-23T12:00:00Z"))
        #expect(checklist.openItems.contains(.custody))
        let police = checklist.statuses.first { $0.item == .police }
        #expect(police?.done == true)
        #expect(police?.detail == "by C. Usher at 2026-11-23T11:30:00.000Z: PNC updated")
    }

    @Test func standDownWithOpenItemsNeedsAnOverrideWithAReason() {
        var records = everyRecordableItem(at: utc("2026-11-23T11:00:00Z"))
        records.removeAll { $0.item == .electronicMonitoring }
        let checklist = StandDownChecklist(invokedAt: invoked, records: records,
                                           systems: [platform(greenSince: "2026-11-23T11:50:00Z")],
                                           now: utc("2026-11-23T12:00:00Z"))
        guard case .refused(let open) = StandDownDecision.decide(checklist, override: nil) else {
            Issue.record("stand-down with open items must be refused")
            return
        }
        #expect(open.map(\.item) == [.probesGreen, .electronicMonitoring])
        #expect(StandDownDecision.decide(checklist, override: "  ") == .refused(open: open))
        #expect(StandDownDecision.decide(checklist, override: "EM supplier confirmed by phone, log to follow")
                == .allowed(overridden: [.probesGreen, .electronicMonitoring]))
    }

    @Test func aCompleteChecklistStandsDownWithoutAnOverride() {
        let checklist = StandDownChecklist(invokedAt: invoked, records: everyRecordableItem(at: utc("2026-11-23T11:00:00Z")),
                                           systems: [platform(greenSince: "2026-11-23T11:00:00Z")],
                                           now: utc("2026-11-23T12:00:00Z"))
        #expect(checklist.openItems.isEmpty)
        #expect(StandDownDecision.decide(checklist, override: nil) == .allowed(overridden: []))
    }
}

extension StandDownChecklistTests {
    @Test func withNoSystemToJudgeByProbesGreenStaysOpen() {
        let checklist = StandDownChecklist(invokedAt: invoked, records: [], systems: [], now: utc("2026-11-23T12:00:00Z"))
        #expect(checklist.statuses.first?.done == false)
        #expect(checklist.statuses.first?.detail == "no probe results to judge by (has the daemon run?)")
    }
}
