import Foundation
import TestSupport
import Testing

/// `courtwatch staff ...` and `courtwatch report user` with the built binary.
@Suite struct StaffCommandTests {
    func courtwatch(_ arguments: [String]) throws -> (code: Int32?, stdout: String, stderr: String) {
        try CourtwatchProcess.run(arguments)
    }

    /// A site in London with one probe, and one legal adviser working Mon-Fri 09:00-17:00.
    func setUp() throws -> (directory: TemporaryDirectory, config: String, state: String) {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: [
            "cp.probe": SiteFixture.probe(id: "cp", url: "http://127.0.0.1:9/", extra: "System=common-platform"),
        ])
        let state = directory.subpath("state")
        let added = try courtwatch(["staff", "add", "la-1", "--name", "Sam Patel", "--role", "legal-adviser",
                                    "--hours", "Mon-Fri 09:00-17:00", "--team", "crime", "--config", config])
        #expect(added.code == 0, "\(added.stderr)")
        return (directory, config, state)
    }

    @Test func addRefusesAnExistingIDAndBadValuesNameTheField() throws {
        let (directory, config, _) = try setUp()
        defer { withExtendedLifetime(directory) {} }
        let again = try courtwatch(["staff", "add", "la-1", "--name", "X", "--role", "usher", "--hours", "Mon 09:00-10:00",
                                    "--config", config])
        #expect(again.code == 65)
        #expect(again.stderr.contains("staff ID la-1 already exists"))
        let bad = try courtwatch(["staff", "add", "u-2", "--name", "X", "--role", "usher", "--hours", "Mon 9-10",
                                  "--config", config])
        #expect(bad.code == 65)
        #expect(bad.stderr.contains("WorkingHours=Mon 9-10"))
        let edited = try courtwatch(["staff", "edit", "la-1", "--add-leave", "2026-11-20", "--contracted-hours", "30",
                                     "--config", config])
        #expect(edited.code == 0, "\(edited.stderr)")
        let listed = try courtwatch(["staff", "list", "--json", "--config", config])
        #expect(listed.stdout.contains("\"leave\": [\n      \"2026-11-20\"\n    ]"))
        #expect(listed.stdout.contains("\"contracted_hours_per_week\": 30"))
        #expect(listed.stdout.contains("\"name\": \"Sam Patel\""))
    }

    @Test func aReportCountsWorkingTimeIsSignedAndNeedsSharingForAManager() throws {
        let (directory, config, state) = try setUp()
        defer { withExtendedLifetime(directory) {} }
        let opened = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "test-site",
                                     "--system", "common-platform", "--by", "ops", "--text", "CP down",
                                     "--started-at", "2026-11-10T08:00:00Z", "--resolved-at", "2026-11-10T12:30:00Z",
                                     "--source", "paper log"])
        #expect(opened.code == 0, "\(opened.stderr)")
        let logged = try courtwatch(["staff", "log", "la-1", "--kind", "time-lost", "--minutes", "90",
                                     "--at", "2026-11-10 09:30", "--could-not", "record results", "--config", config,
                                     "--state", state])
        #expect(logged.code == 0, "\(logged.stderr)")
        #expect(logged.stdout.contains("linked to incident #1"))
        #expect(logged.stderr.contains("Do not enter case details"))
        let caseData = try courtwatch(["staff", "log", "la-1", "--kind", "deadline", "--status", "missed",
                                       "--target", "PSR for 01AB1234525", "--config", config, "--state", state])
        #expect(caseData.code == 65)
        #expect(caseData.stderr.contains("looks like a police case URN"))
        let out = directory.subpath("report.json")
        let made = try courtwatch(["report", "user", "la-1", "--from", "2026-11-01", "--to", "2026-11-30", "--format",
                                   "json", "--out", out, "--foreseeability-notice", directory.subpath("notice.html"),
                                   "--config", config, "--state", state])
        #expect(made.code == 0, "\(made.stderr)")
        let json = try String(contentsOfFile: out, encoding: .utf8)
        #expect(json.contains("\"lost_minutes\": 210"))
        #expect(json.contains("\"self_logged_minutes\": 90"))
        #expect(FileManager.default.fileExists(atPath: directory.subpath("notice.html")))
        let verify = try PDFTools.run("/usr/bin/openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", state + "/signing-key.pub.pem",
                                                           "-rawin", "-in", out, "-sigfile", out + ".sig"])
        #expect(verify.code == 0, "\(verify.output)")
        let denied = try courtwatch(["report", "user", "la-1", "--from", "2026-11-01", "--to", "2026-11-30", "--format",
                                     "html", "--out", directory.subpath("m.html"), "--as", "manager", "--viewer", "tl-7",
                                     "--config", config, "--state", state])
        #expect(denied.code == 77)
        #expect(denied.stderr.contains("has not shared their report with manager"))
        let past = try courtwatch(["staff", "share", "la-1", "--with", "manager", "--until", "2020-01-01",
                                   "--config", config, "--state", state])
        #expect(past.code == 65)
        #expect(try courtwatch(["staff", "share", "la-1", "--with", "manager", "--config", config, "--state", state]).code == 0)
        let allowed = try courtwatch(["report", "user", "la-1", "--from", "2026-11-01", "--to", "2026-11-30", "--format",
                                      "csv", "--out", directory.subpath("m.csv"), "--as", "manager", "--viewer", "tl-7",
                                      "--config", config, "--state", state])
        #expect(allowed.code == 0, "\(allowed.stderr)")
        #expect(try courtwatch(["staff", "revoke", "la-1", "--with", "manager", "--config", config, "--state", state]).code == 0)
        let revoked = try courtwatch(["report", "user", "la-1", "--from", "2026-11-01", "--to", "2026-11-30", "--format",
                                      "csv", "--out", directory.subpath("m.csv"), "--as", "manager", "--config", config,
                                      "--state", state])
        #expect(revoked.code == 77)
        let export = try courtwatch(["staff", "export", "la-1", "--config", config, "--state", state])
        #expect(export.stdout.contains("\"could-not\": \"record results\""))
        #expect(export.stdout.contains("\"details_match_chain\": true"))
        #expect(export.stdout.contains("\"viewer\": \"tl-7\""))
    }

    @Test func aSafetyRepSeesHealthAndSafetyEntriesOnly() throws {
        let (directory, config, state) = try setUp()
        defer { withExtendedLifetime(directory) {} }
        let lost = try courtwatch(["staff", "log", "la-1", "--kind", "time-lost", "--minutes", "45", "--json",
                                   "--config", config, "--state", state])
        #expect(lost.code == 0)
        // Without --at the 45 minutes are taken to have just ended when they were logged.
        func value(_ key: String) -> String? {
            lost.stdout.split(separator: "\n").first { $0.contains("\"\(key)\": ") }.map { String($0.split(separator: "\"")[3]) }
        }
        #expect(value("end_utc") != nil && value("end_utc") == value("recorded_at_utc"))
        #expect(try courtwatch(["staff", "log", "la-1", "--kind", "health-and-safety", "--note",
                                "no access to risk flags before a hearing", "--informed", "duty-manager",
                                "--config", config, "--state", state]).code == 0)
        func day(_ offset: Double) -> String {
            String(ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: offset * 86_400)).prefix(10))
        }
        let arguments = ["report", "user", "la-1", "--from", day(-1), "--to", day(1), "--format", "json", "--out",
                         directory.subpath("hs.json"), "--as", "safety-rep", "--config", config, "--state", state]
        #expect(try courtwatch(arguments).code == 77)
        #expect(try courtwatch(["staff", "share", "la-1", "--with", "safety-rep", "--config", config, "--state", state]).code == 0)
        let made = try courtwatch(arguments)
        #expect(made.code == 0, "\(made.stderr)")
        let json = try String(contentsOfFile: directory.subpath("hs.json"), encoding: .utf8)
        #expect(json.contains("no access to risk flags before a hearing"))
        #expect(!json.contains("time-lost"))
        #expect(!json.contains("hours_lost"))
    }

    @Test func erasureKeepsTheChainValid() throws {
        let (directory, config, state) = try setUp()
        defer { withExtendedLifetime(directory) {} }
        #expect(try courtwatch(["staff", "log", "la-1", "--kind", "cost", "--amount", "4.20", "--what", "phone",
                                "--config", config, "--state", state]).code == 0)
        let unconfirmed = try courtwatch(["staff", "erase", "la-1", "--config", config, "--state", state])
        #expect(unconfirmed.code == 64)
        let erased = try courtwatch(["staff", "erase", "la-1", "--confirm", "--config", config, "--state", state])
        #expect(erased.code == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("erased the details of 1 entries"))
        #expect(!FileManager.default.fileExists(atPath: config + "/staff/la-1.staff"))
        let verify = try courtwatch(["log", "verify", "--state", state])
        #expect(verify.code == 0)
        #expect(verify.stdout.hasPrefix("OK: 2 events verify"))
        let export = try courtwatch(["staff", "export", "la-1", "--config", config, "--state", state])
        #expect(export.stdout.contains("\"erased\": true"))
        #expect(!export.stdout.contains("4.20"))
    }

    @Test func teamFiguresNeedAGroupOfFive() throws {
        let (directory, config, state) = try setUp()
        defer { withExtendedLifetime(directory) {} }
        for index in 2...4 {
            #expect(try courtwatch(["staff", "add", "la-\(index)", "--name", "P\(index)", "--role", "legal-adviser",
                                    "--hours", "Mon-Fri 09:00-17:00", "--team", index == 4 ? "family" : "crime",
                                    "--config", config]).code == 0)
        }
        let teams = ["staff", "teams", "--from", "2026-11-01", "--to", "2026-11-30", "--config", config, "--state", state]
        let small = try courtwatch(teams)
        #expect(small.code == 0, "\(small.stderr)")
        #expect(small.stdout == "4 people in groups smaller than 5 are not shown\n")
        #expect(try courtwatch(["staff", "add", "la-5", "--name", "P5", "--role", "usher", "--hours", "Mon 09:00-10:00",
                                "--team", "crime", "--config", config]).code == 0)
        #expect(try courtwatch(teams).stdout == "other teams: 5 people, 0.0 hours lost of 677.0 contracted\n")
        #expect(try courtwatch(["staff", "edit", "la-4", "--team", "crime", "--config", config]).code == 0)
        #expect(try courtwatch(teams).stdout.hasPrefix("crime: 5 people"))
        let tooSmall = try courtwatch(["staff", "teams", "--from", "2026-11-01", "--to", "2026-11-30", "--min-group", "2",
                                       "--config", config, "--state", state])
        #expect(tooSmall.code == 64)
    }
}
