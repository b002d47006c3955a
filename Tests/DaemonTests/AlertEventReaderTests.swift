@testable import Daemon
import Alerts
import FailureLog
import Foundation
import Monitoring
import SQLite
import TestSupport
import Testing

/// From stored events (as the lead's incident commands and the continuity commands write them) to the
/// values alerts are routed on.
@Suite struct AlertEventReaderTests {
    let directory = TemporaryDirectory("courtwatch-alert-events")
    let start = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
    let probe = ProbeDefinition(
        id: "cp-app", name: "Common Platform app",
        check: .http(HTTPCheck(url: try! Endpoint(parsing: "https://app.example.invalid/", allowedSchemes: ["https"]))),
        system: "common-platform")

    func reader(maintenance: [MaintenanceWindow] = []) throws -> AlertEventReader {
        AlertEventReader(
            connection: try FailureLogStore(stateDirectory: directory.path).openReader(),
            context: .init(siteID: "leicester-crown", probes: ["cp-app": probe],
                           maintenance: MaintenanceSchedule(windows: maintenance)))
    }

    /// Writes an incident row and its opening event as the incident workflow does; returns (incident, seq).
    func openIncident(_ session: LogSession, probe: String?, payload: JSONValue, at time: Timestamp,
                      impact: String = "major", planned: Bool = false) throws -> (Int64, Int64) {
        try session.write { transaction in
            let seq = try transaction.append(kind: "incident.opened", at: time, probeID: probe, payload: payload)
            try transaction.connection.execute(
                """
                INSERT INTO incidents (site_id, probe_id, system, title, cause, started_at_ms, opened_event, kind,
                    impact, planned)
                VALUES ('leicester-crown', ?, 'common-platform', 'Common Platform app is down', 'HTTP 503', ?, ?,
                    'down', ?, ?)
                """, [probe, time.millisecondsSinceEpoch, seq, impact, planned])
            let id = try transaction.connection.scalarInt("SELECT last_insert_rowid()") ?? 0
            try transaction.connection.execute(
                "INSERT INTO incident_scope (incident_id, site_id, system) VALUES (?, 'leicester-crown', 'common-platform')",
                [id])
            return (id, seq)
        }
    }

    @Test func aProbeOpenedIncidentTakesItsFactsFromTheIncidentRow() throws {
        let session = try LogSession(store: FailureLogStore(stateDirectory: directory.path))
        defer { session.close() }
        // The payload the probe path writes today: no incident ID, site or impact in it.
        let (id, seq) = try openIncident(session, probe: "cp-app", payload: [
            "kind": "down", "title": "Common Platform app is down", "cause": "HTTP 503",
            "system": "common-platform", "started_at_ms": .integer(start.millisecondsSinceEpoch),
        ], at: start, impact: "critical")
        let events = try reader().events(after: 0).events
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.seq == seq && event.incident == id && event.kind == "incident.opened")
        #expect(event.site == "leicester-crown" && event.systems == ["common-platform"])
        #expect(event.impact == .critical && !event.planned && event.by == "courtwatch")
        #expect(event.title == "Common Platform app is down" && event.text == "HTTP 503")
        #expect(!event.duringMaintenance && !event.isDependencyChild)
    }

    @Test func aManualIncidentsPayloadWinsAndMaintenanceIsNoticed() throws {
        let session = try LogSession(store: FailureLogStore(stateDirectory: directory.path))
        defer { session.close() }
        let (id, _) = try openIncident(session, probe: "cp-app", payload: [
            "incident": 1, "kind": "manual", "title": "Common Platform slow for listing", "site": "leicester-crown",
            "systems": ["common-platform", "dcs"], "impact": "minor", "planned": true, "origin": "manual",
            "by": "a.clerk", "cause": "staff report",
        ], at: start)
        #expect(id == 1)
        let window = MaintenanceWindow(name: "release", timing: .once(start: start + .seconds(-60), end: start + .seconds(3600)),
                                       systems: ["common-platform"])
        let event = try #require(try reader(maintenance: [window]).events(after: 0).events.first)
        #expect(event.systems == ["common-platform", "dcs"] && event.impact == .minor && event.planned)
        #expect(event.by == "a.clerk" && event.title == "Common Platform slow for listing")
        #expect(event.duringMaintenance)
    }

    @Test func acknowledgementsContinuityAndUnroutableEvents() throws {
        let session = try LogSession(store: FailureLogStore(stateDirectory: directory.path))
        defer { session.close() }
        let (id, _) = try openIncident(session, probe: "cp-app", payload: ["title": "Common Platform app is down"],
                                       at: start)
        let expires = start + .seconds(3600)
        try session.write { transaction in
            try transaction.append(kind: "incident.acknowledged", at: start + .seconds(60), payload: [
                "incident": .integer(id), "by": "it.ops", "expires_at_ms": .integer(expires.millisecondsSinceEpoch),
            ])
            try transaction.append(kind: "incident.acknowledged", at: start + .seconds(61), payload: ["by": "nobody"])
            try transaction.append(kind: "probe.failed", at: start + .seconds(62), probeID: "cp-app", payload: [:])
            try transaction.append(kind: "continuity.invoked", at: start + .seconds(120), payload: [
                "site": "leicester-crown", "level": "contingency", "previous": "normal", "by": "site.lead",
                "reason": "Common Platform down in court hours", "auto": false, "systems": ["common-platform"],
            ])
        }
        let batch = try reader().events(after: 1)
        #expect(batch.last == 5, "the cursor moves past events it cannot route")
        #expect(batch.events.map(\.kind) == ["incident.acknowledged", "continuity.invoked"])
        let acknowledged = batch.events[0]
        #expect(acknowledged.incident == id && acknowledged.by == "it.ops" && acknowledged.acknowledgedUntil == expires)
        #expect(acknowledged.title == "Common Platform app is down" && acknowledged.systems == ["common-platform"])
        let invoked = batch.events[1]
        #expect(invoked.incident == nil && invoked.site == "leicester-crown" && invoked.by == "site.lead")
        #expect(invoked.title == "business continuity invoked (level contingency) at leicester-crown")
        #expect(invoked.systems == ["common-platform"])
        #expect(invoked.text == "Common Platform down in court hours")
    }

    @Test func notificationHealthFailsUntilTheAlertDeliversAgain() throws {
        let store = FailureLogStore(stateDirectory: directory.path)
        let session = try LogSession(store: store)
        defer { session.close() }
        func record(_ kind: String, alert: String, event: Int64, at seconds: Int64, detail: String = "") throws {
            _ = try session.write { transaction in
                try transaction.append(kind: kind, at: start + .seconds(seconds), payload: [
                    "alert": .string(alert), "channel": "webhook", "event": .integer(event), "round": 0,
                    "attempt": 1, "outcome": .string(String(kind.dropFirst("notification.".count))),
                    "detail": .string(detail),
                ])
            }
        }
        let reader = try LogReader(store: store)
        #expect(try reader.notificationHealth(now: start).isHealthy)
        try record("notification.failed", alert: "ops", event: 1, at: 0, detail: "HTTP 500")
        try record("notification.failed", alert: "ops", event: 2, at: 10, detail: "HTTP 502")
        try record("notification.retrying", alert: "pager", event: 2, at: 11)
        var health = try reader.notificationHealth(now: start + .seconds(20))
        #expect(health.failing.map(\.alert) == ["ops"])
        #expect(health.failing.first?.failures == 2 && health.failing.first?.lastDetail == "HTTP 502")
        #expect(health.failing.first?.firstFailedAt == start && health.failing.first?.lastEvent == 2)
        #expect(health.retrying == 1)
        #expect(health.summary?.hasPrefix("NOTIFICATIONS FAILING: alert ops (webhook): 2 not delivered since ") == true)
        try record("notification.sent", alert: "ops", event: 3, at: 30)
        try record("notification.sent", alert: "pager", event: 2, at: 31)
        health = try reader.notificationHealth(now: start + .seconds(40))
        #expect(health.isHealthy && health.retrying == 0 && health.summary == nil)
    }
}
