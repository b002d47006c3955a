import FailureLog
import Foundation
import Monitoring
import SQLite
import TestSupport
import Testing
@testable import Daemon
@testable import Web

/// A staff token reports a problem and logs its own entries through the daemon's web service, with the
/// checks of `courtwatch report-problem` and `courtwatch staff log`.
@Suite struct WebStaffTests {
    @Test func aStaffTokenReportsAProblemAndLogsItsOwnEntriesWithTheCLIsChecks() throws {
        let daemon = try WebContinuityTests.Daemon()
        defer { daemon.stop() }
        let config = daemon.directory.subpath("config")
        let added = try CourtwatchProcess.run(["staff", "add", "la-1", "--name", "Sam Patel", "--role", "legal-adviser",
                                               "--hours", "Mon-Fri 09:00-17:00", "--team", "crime", "--config", config])
        #expect(added.code == 0, "\(added.stderr)")

        let problem = try daemon.request("POST", "/api/v1/report-problem", .staff,
                                         body: #"{"system":"common-platform","text":"save fails"}"#)
        #expect(problem.status == 200, "\(problem.body)")
        #expect(problem.body.contains("report about common-platform recorded at"))
        let unknown = try daemon.request("POST", "/api/v1/report-problem", .staff, body: #"{"system":"teams"}"#)
        #expect(unknown.status == 422)
        #expect(unknown.body.contains("unknown system 'teams' (known: cjsm, common-platform)"), "\(unknown.body)")
        let strict = try daemon.request("POST", "/api/v1/report-problem", .staff, body: #"{"system":"cjsm","by":"x"}"#)
        #expect(strict.status == 400)
        #expect(try daemon.request("POST", "/api/v1/report-problem", .ops, body: #"{"system":"cjsm"}"#).status == 403)

        let lost = try daemon.request("POST", "/api/v1/staff/entries", .staff,
                                      body: #"{"kind":"time-lost","minutes":45,"could_not":"record contacts"}"#)
        #expect(lost.status == 200, "\(lost.body)")
        #expect(lost.body.contains("time-lost") && lost.body.contains("record contacts"), "\(lost.body)")
        let caseData = try daemon.request("POST", "/api/v1/staff/entries", .staff,
                                          body: #"{"kind":"deadline","status":"missed","target":"PSR for 01AB1234525"}"#)
        #expect(caseData.status == 422)
        #expect(caseData.body.contains("target refused") && caseData.body.contains("looks like a police case URN"),
                "\(caseData.body)")
        let wrongField = try daemon.request("POST", "/api/v1/staff/entries", .staff, body: #"{"kind":"cost","minutes":5}"#)
        #expect(wrongField.status == 422)
        #expect(wrongField.body.contains("minutes does not apply to kind cost"), "\(wrongField.body)")
        let unknownField = try daemon.request("POST", "/api/v1/staff/entries", .staff,
                                              body: #"{"kind":"cost","amount":"4.20","staff":"la-2"}"#)
        #expect(unknownField.status == 400)
        #expect(unknownField.body.contains("'staff' is not a field of this request"))

        let connection = try FailureLogStore(stateDirectory: daemon.state).openReader()
        defer { try? connection.close() }
        let reports = try connection.rows("SELECT payload FROM events WHERE kind = ?", [EventKind.userReport]) { $0.text(0) ?? "" }
        #expect(reports.count == 1)
        #expect(reports.first?.contains(#""by":"la-1""#) == true, "\(reports)")
        let entries = try StaffLog.entries(connection, staffID: "la-1", from: Timestamp(millisecondsSinceEpoch: 0),
                                           to: .now + .seconds(3600))
        #expect(entries.map(\.kind.rawValue) == ["time-lost"], "the refused entries left nothing")
    }

    @Test func aStaffTokenSeesItsRecordAndSharesAndRevokesAsTheCLIDoes() throws {
        let daemon = try WebContinuityTests.Daemon()
        defer { daemon.stop() }
        let config = daemon.directory.subpath("config")
        let notYet = try daemon.request("GET", "/api/v1/staff/me", .staff)
        #expect(notYet.status == 403)
        #expect(notYet.body.contains("this token's subject is not in the staff directory: unknown staff ID 'la-1'"),
                "\(notYet.body)")
        let added = try CourtwatchProcess.run(["staff", "add", "la-1", "--name", "Sam Patel", "--role", "legal-adviser",
                                               "--hours", "Mon-Fri 09:00-17:00", "--team", "crime", "--config", config])
        #expect(added.code == 0, "\(added.stderr)")

        let empty = WebContinuityTests.json(try daemon.request("GET", "/api/v1/staff/me", .staff).body)
        #expect(empty["id"] as? String == "la-1")
        #expect(empty["name"] as? String == "Sam Patel")
        #expect(empty["team"] as? String == "crime")
        #expect((empty["shares"] as? [Any])?.isEmpty == true)
        #expect((empty["recent_entries"] as? [Any])?.isEmpty == true)
        let systems = (empty["site_systems"] as? [[String: String]])?.map { $0["id"] ?? "" }
        #expect(systems == ["cjsm", "common-platform"], "the site's systems, for the report-a-problem buttons")

        let lastDay = String((Timestamp.now + .seconds(30 * 86_400)).iso8601.prefix(10))
        let shared = try daemon.request("POST", "/api/v1/staff/shares", .staff,
                                        body: "{\"with\":\"manager\",\"until\":\"\(lastDay)\"}")
        #expect(shared.status == 200, "\(shared.body)")
        #expect(shared.body.contains("shared la-1's report with manager until "), "\(shared.body)")
        let past = try daemon.request("POST", "/api/v1/staff/shares", .staff, body: #"{"with":"union-rep","until":"2020-01-01"}"#)
        #expect(past.status == 422)
        #expect(past.body.contains("until 2020-01-01 is in the past"), "\(past.body)")
        let notADate = try daemon.request("POST", "/api/v1/staff/shares", .staff, body: #"{"with":"union-rep","until":"soon"}"#)
        #expect(notADate.status == 422)
        #expect(notADate.body.contains("until soon is not a date like 2026-04-01"), "\(notADate.body)")
        #expect(try daemon.request("POST", "/api/v1/staff/shares", .staff, body: #"{"with":" A. Rep "}"#).status == 200)
        #expect(try daemon.request("POST", "/api/v1/staff/shares", .manager, body: #"{"with":"manager"}"#).status == 403)

        let query = "?from=2026-11-01&to=2026-11-30&format=csv"
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .manager).status == 200, "shared through the web")
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .unionRep).status == 403)

        let entry = try daemon.request("POST", "/api/v1/staff/entries", .staff, body: #"{"kind":"cost","amount":"4.20","what":"phone"}"#)
        #expect(entry.status == 200, "\(entry.body)")
        let record = WebContinuityTests.json(try daemon.request("GET", "/api/v1/staff/me", .staff).body)
        let shares = record["shares"] as? [[String: Any]] ?? []
        #expect(shares.map { $0["with"] as? String } == ["manager", "A. Rep"], "\(shares)")
        #expect((shares.first?["until"] as? String)?.isEmpty == false)
        let recent = (record["recent_entries"] as? [[String: Any]])?.first ?? [:]
        let logged = WebContinuityTests.json(entry.body)
        #expect(Set(recent.keys) == Set(logged.keys).union(["summary"]), "the same entry shape as POST entries answers")
        #expect(recent["id"] as? String == logged["id"] as? String)
        #expect(recent["summary"] as? String == "£4.20; phone")

        let revoked = try daemon.request("POST", "/api/v1/staff/shares/revoke", .staff, body: #"{"with":"manager"}"#)
        #expect(revoked.status == 200)
        #expect(WebContinuityTests.json(revoked.body)["revoked"] as? Int == 1)
        #expect(revoked.body.contains("revoked: manager can no longer see la-1's report"))
        #expect(try daemon.request("GET", "/reports/user/la-1" + query, .manager).status == 403, "revoked through the web")
        let again = try daemon.request("POST", "/api/v1/staff/shares/revoke", .staff, body: #"{"with":"manager"}"#)
        #expect(again.status == 200)
        #expect(again.body.contains("la-1's report was not shared with manager"))
        #expect(WebContinuityTests.json(again.body)["revoked"] as? Int == 0)

        // Recorded in the chain as the CLI records them: by the person, and 'staff export' lists them.
        let connection = try FailureLogStore(stateDirectory: daemon.state).openReader()
        defer { try? connection.close() }
        let events = try connection.rows("SELECT kind, payload FROM events WHERE kind IN (?, ?) ORDER BY seq",
                                         [EventKind.staffShared, EventKind.staffRevoked]) {
            ($0.text(0) ?? "", $0.text(1) ?? "")
        }
        #expect(events.map(\.0) == [EventKind.staffShared, EventKind.staffShared, EventKind.staffRevoked], "\(events)")
        #expect(events.allSatisfy { $0.1.contains(#""by":"la-1""#) && $0.1.contains(#""staff":"la-1""#) })
        let export = try CourtwatchProcess.run(["staff", "export", "la-1", "--config", config, "--state", daemon.state])
        let exported = WebContinuityTests.json(export.stdout)["shares"] as? [[String: Any]] ?? []
        #expect(exported.map { $0["with"] as? String } == ["manager", "A. Rep"])
        #expect(exported.map { $0["active"] as? Bool } == [false, true])
    }
}
