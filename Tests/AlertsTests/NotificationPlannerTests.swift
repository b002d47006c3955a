import Alerts
import Monitoring
import Testing

/// The routing and retry policy with a manual clock: values in, notifications and records out.
@Suite struct NotificationPlannerTests {
    let start = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    func at(_ seconds: Int64) -> Timestamp { start + .seconds(seconds) }

    func alert(_ id: String, sites: Set<String> = [], systems: Set<String> = [], minimum: AlertDefinition.Impact = .none,
               events: Set<String> = Set(AlertDefinition.routableEvents), renotify: Duration? = nil,
               planned: Bool = false) -> AlertDefinition {
        AlertDefinition(id: id, channel: .exec(command: ["/bin/true"]), sites: sites, systems: systems,
                        minimumImpact: minimum, events: events, renotifyEvery: renotify, includesPlanned: planned)
    }

    func opened(_ seq: Int64, incident: Int64, site: String = "leicester", systems: [String] = ["common-platform"],
                impact: AlertDefinition.Impact = .major, planned: Bool = false, at time: Timestamp? = nil,
                child: Bool = false, maintenance: Bool = false) -> AlertEvent {
        AlertEvent(seq: seq, kind: "incident.opened", at: time ?? start, incident: incident, site: site,
                   systems: systems, impact: impact, planned: planned, title: "Common Platform sign-in is down",
                   text: "HTTP 503", isDependencyChild: child, duringMaintenance: maintenance)
    }

    func followUp(_ seq: Int64, _ kind: String, incident: Int64, at time: Timestamp,
                  until: Timestamp? = nil) -> AlertEvent {
        AlertEvent(seq: seq, kind: kind, at: time, incident: incident, site: "leicester", systems: ["common-platform"],
                   title: "Common Platform sign-in is down", by: "a.clerk", acknowledgedUntil: until)
    }

    /// Delivers everything due at `time` with the given result; returns the records.
    func deliver(_ planner: inout NotificationPlanner, at time: Timestamp,
                 delivered: Bool = true) -> [NotificationRecord] {
        planner.due(at: time).map { planner.complete($0, delivered: delivered, detail: delivered ? "ok" : "HTTP 500", at: time) }
    }

    @Test func routesBySiteSystemImpactAndEventKind() {
        var planner = NotificationPlanner(alerts: [
            alert("everything"),
            alert("other-site", sites: ["manchester"]),
            alert("cp-only", systems: ["common-platform"]),
            alert("cjsm-only", systems: ["cjsm"]),
            alert("critical-only", minimum: .critical),
            alert("resolutions", events: ["incident.resolved"]),
        ])
        let reasons = planner.receive(opened(10, incident: 1), at: start)
        let sent = planner.due(at: start).map(\.key.alert)
        #expect(sent == ["cp-only", "everything"])
        #expect(reasons["other-site"] == "site leicester is not in Sites=")
        #expect(reasons["cjsm-only"] == "systems common-platform are not in Systems=")
        #expect(reasons["critical-only"] == "impact major is below MinimumImpact=critical")
        #expect(reasons["resolutions"] == "incident.opened is not in Events=")
    }

    @Test func continuityEventsIgnoreSystemsAndImpactButNotSites() {
        var planner = NotificationPlanner(alerts: [alert("cjsm-critical", systems: ["cjsm"], minimum: .critical),
                                                   alert("elsewhere", sites: ["manchester"])])
        let invoked = AlertEvent(seq: 5, kind: "continuity.invoked", at: start, site: "leicester",
                                 title: "paper mode for Leicester", by: "site lead", text: "Common Platform down")
        planner.receive(invoked, at: start)
        #expect(planner.due(at: start).map(\.key) == [NotificationKey(alert: "cjsm-critical", event: 5)])
    }

    @Test func dependencyChildrenMaintenanceAndPlannedIncidentsAreNotSent() {
        var planner = NotificationPlanner(alerts: [alert("ops"), alert("planned-too", planned: true)])
        let childReasons = planner.receive(opened(1, incident: 1, child: true), at: start)
        let maintenanceReasons = planner.receive(opened(2, incident: 2, maintenance: true), at: start)
        let plannedReasons = planner.receive(opened(3, incident: 3, planned: true), at: start)
        var backRecorded = opened(5, incident: 5, planned: true)
        backRecorded.isBackRecorded = true
        let backRecordedReasons = planner.receive(backRecorded, at: start)
        #expect(backRecordedReasons["planned-too"] == "suppressed: back-recorded (a past outage recorded afterwards)")
        #expect(childReasons["ops"]?.hasPrefix("suppressed: behind another open incident") == true)
        #expect(maintenanceReasons["planned-too"] == "suppressed: began during planned maintenance")
        #expect(plannedReasons["ops"] == "planned incident, and Planned=no")
        #expect(planner.due(at: start).map(\.key) == [NotificationKey(alert: "planned-too", event: 3)])
        // What was never announced is not resolved out loud either.
        let resolveReasons = planner.receive(followUp(4, "incident.resolved", incident: 2, at: at(60)), at: at(60))
        #expect(resolveReasons["ops"] == "incident 2 was not sent to this alert when it opened")
        #expect(planner.due(at: at(60)).isEmpty)
    }

    @Test func aFailingChannelIsRetriedWithBackoffThenFailsFinally() {
        var planner = NotificationPlanner(alerts: [alert("ops")])
        planner.receive(opened(7, incident: 1), at: start)
        var records = deliver(&planner, at: start, delivered: false)
        #expect(records.map(\.outcome) == [.retrying])
        #expect(records.first?.attempt == 1 && records.first?.nextAttemptAt == at(30))
        #expect(planner.due(at: at(29)).isEmpty, "not before its backoff")
        records = deliver(&planner, at: at(30), delivered: false)
        #expect(records.first?.attempt == 2 && records.first?.nextAttemptAt == at(150))
        #expect(planner.nextWakeUp() == at(150))
        records = deliver(&planner, at: at(150), delivered: false)
        #expect(records.first?.attempt == 3 && records.first?.nextAttemptAt == at(750))
        records = deliver(&planner, at: at(750), delivered: false)
        #expect(records.map(\.outcome) == [.failed])
        #expect(records.first?.attempt == 4 && records.first?.detail == "HTTP 500" && records.first?.incident == 1)
        #expect(planner.due(at: at(100_000)).isEmpty, "a final failure is not attempted again")
    }

    @Test func aRetryThatSucceedsIsSent() {
        var planner = NotificationPlanner(alerts: [alert("ops")])
        planner.receive(opened(7, incident: 1), at: start)
        #expect(deliver(&planner, at: start, delivered: false).map(\.outcome) == [.retrying])
        let records = deliver(&planner, at: at(30))
        #expect(records.map(\.outcome) == [.sent] && records.first?.attempt == 2)
    }

    @Test func openUnacknowledgedIncidentsAreRemindedUntilAcknowledged() {
        var planner = NotificationPlanner(alerts: [alert("ops", renotify: .seconds(1800)), alert("quiet")])
        planner.receive(opened(10, incident: 1), at: start)
        #expect(deliver(&planner, at: start).count == 2)
        #expect(planner.due(at: at(1799)).isEmpty)
        let reminder = planner.due(at: at(1800))
        #expect(reminder.map(\.key) == [NotificationKey(alert: "ops", event: 10, round: 1)])
        #expect(reminder.first?.isReminder == true)
        for item in reminder { _ = planner.complete(item, delivered: true, detail: "ok", at: at(1800)) }
        #expect(deliver(&planner, at: at(3600)).map(\.key.round) == [2])
        // Acknowledged for an hour: quiet until it lapses, then reminders resume.
        planner.receive(followUp(11, "incident.acknowledged", incident: 1, at: at(3700), until: at(7300)), at: at(3700))
        _ = deliver(&planner, at: at(3700))
        #expect(planner.due(at: at(7000)).isEmpty)
        #expect(deliver(&planner, at: at(7300)).map(\.key.round) == [3])
        // Resolved: no more reminders.
        planner.receive(followUp(12, "incident.resolved", incident: 1, at: at(8000)), at: at(8000))
        #expect(deliver(&planner, at: at(8000)).map(\.key.event) == [12, 12])
        #expect(planner.due(at: at(20_000)).isEmpty)
        #expect(planner.openIncidents.isEmpty)
    }

    @Test func aRestartNeitherRepeatsWhatWasSentNorForgetsWhatWasRetrying() {
        let alerts = [alert("ops"), alert("pager")]
        var before = NotificationPlanner(alerts: alerts)
        before.receive(opened(10, incident: 1), at: start)
        var records: [NotificationRecord] = []
        for item in before.due(at: start) {
            records.append(before.complete(item, delivered: item.key.alert == "ops", detail: "", at: start))
        }
        #expect(records.map(\.outcome) == [.sent, .retrying])

        var after = NotificationPlanner(alerts: alerts)
        after.restore(records)
        after.receive(opened(10, incident: 1), at: at(5))  // replayed from the log after the restart
        #expect(after.due(at: at(5)).isEmpty, "ops was sent; pager waits for its backoff")
        let resumed = after.due(at: at(30))
        #expect(resumed.map(\.key.alert) == ["pager"])
        #expect(resumed.first?.attempt == 2)
    }

    @Test func remindersContinueAfterARestartFromTheLastOneSent() {
        let alerts = [alert("ops", renotify: .seconds(600))]
        let first = NotificationRecord(key: NotificationKey(alert: "ops", event: 10), channel: "exec", incident: 1,
                                       attempt: 1, outcome: .sent, detail: "", at: start)
        let reminder = NotificationRecord(key: NotificationKey(alert: "ops", event: 10, round: 1), channel: "exec",
                                          incident: 1, attempt: 1, outcome: .sent, detail: "", at: at(600))
        var planner = NotificationPlanner(alerts: alerts)
        planner.restore([first, reminder])
        planner.track(openIncident: opened(10, incident: 1), acknowledgedUntil: nil)
        #expect(planner.due(at: at(1199)).isEmpty)
        #expect(planner.due(at: at(1200)).map(\.key) == [NotificationKey(alert: "ops", event: 10, round: 2)])
    }

    @Test func aReplayAttemptsWhatAnAlertNeverGotButNothingItsRecordsCover() {
        let alerts = [alert("ops"), alert("pager"), alert("added-since")]
        // ops delivered event 45; pager's newest record is event 30, so its event 44 was still queued.
        let records = [
            NotificationRecord(key: NotificationKey(alert: "pager", event: 30), channel: "exec", incident: 1,
                               attempt: 1, outcome: .sent, detail: "", at: start),
            NotificationRecord(key: NotificationKey(alert: "ops", event: 44), channel: "exec", incident: 2,
                               attempt: 1, outcome: .sent, detail: "", at: at(10)),
            NotificationRecord(key: NotificationKey(alert: "ops", event: 45), channel: "exec", incident: 3,
                               attempt: 1, outcome: .sent, detail: "", at: at(11)),
        ]
        var planner = NotificationPlanner(alerts: alerts)
        planner.restore(records)
        for (seq, incident) in [(Int64(30), Int64(1)), (44, 2), (45, 3)] {
            planner.receive(opened(seq, incident: incident), at: at(20), replaying: true)
        }
        // An alert without records gets everything replayed (the dispatcher replays a quarter hour at most).
        #expect(planner.due(at: at(20)).map(\.key) == [
            NotificationKey(alert: "added-since", event: 30), NotificationKey(alert: "added-since", event: 44),
            NotificationKey(alert: "pager", event: 44), NotificationKey(alert: "added-since", event: 45),
            NotificationKey(alert: "pager", event: 45),
        ])
    }
}
