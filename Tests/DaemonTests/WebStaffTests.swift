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
}
