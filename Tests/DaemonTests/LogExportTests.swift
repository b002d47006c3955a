import Foundation
import TestSupport
import Testing

/// `courtwatch log export` with the built binary, checked by the stock openssl command as a union rep would.
@Suite struct LogExportTests {
    let config = packageRoot + "/Probes/demo"

    func courtwatch(_ arguments: [String]) throws -> (code: Int32?, stdout: String, stderr: String) {
        try CourtwatchProcess.run(arguments)
    }

    func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " >/dev/null 2>&1"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func seed(_ state: String) throws {
        for (system, title, start, end) in [("network", "WAN down", "2026-11-20T09:15:00Z", "2026-11-20T11:40:00Z"),
                                            ("dcs", "=DCS slow", "2026-11-20T13:00:00Z", "2026-11-20T13:30:00Z"),
                                            ("dcs", "DCS down in October", "2026-10-02T10:00:00Z", "2026-10-02T10:30:00Z")] {
            let result = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                         "--system", system, "--by", "Site lead", "--text", title, "--started-at", start,
                                         "--resolved-at", end, "--source", "paper log"])
            #expect(result.code == 0, "\(result.stderr)")
        }
    }

    @Test func aSignedCSVExportVerifiesWithOpensslAndATamperedOneDoesNot() throws {
        let state = TemporaryDirectory().path
        try seed(state)
        let out = state + "/november.csv"
        let export = try courtwatch(["log", "export", "--state", state, "--from", "2026-11-01", "--to", "2026-12-01",
                                     "--format", "csv", "--sign", "--out", out])
        #expect(export.code == 0, "\(export.stderr)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        let lines = csv.split(separator: "\r\n")
        #expect(lines.count == 4, "header, two November incidents, chain head")
        #expect(csv.contains("WAN down"))
        #expect(!csv.contains("October"))
        #expect(csv.contains(",'=DCS slow,"), "a cell that a spreadsheet would run as a formula is defused")
        #expect(lines[1].contains(",145,"), "2 h 25 min")
        #expect(lines.last?.hasPrefix("# chain head,seq 6,") == true)
        let verify = "openssl pkeyutl -verify -pubin -inkey \(state)/signing-key.pub.pem -rawin -in \(out) -sigfile \(out).sig"
        #expect(export.stdout.contains(verify))
        #expect(try shell(verify) == 0)
        try (csv.replacingOccurrences(of: ",145,", with: ",14,")).write(toFile: out, atomically: true, encoding: .utf8)
        #expect(try shell(verify) != 0, "an edited export no longer verifies")
    }

    @Test func aJSONExportForOneSystemCarriesItsIncidentsEventsAndTheChainHead() throws {
        let state = TemporaryDirectory().path
        try seed(state)
        let out = state + "/dcs.json"
        let export = try courtwatch(["log", "export", "--state", state, "--from", "2026-10-01T00:00:00Z",
                                     "--to", "2026-12-01T00:00:00+00:00", "--system", "dcs", "--format", "json",
                                     "--out", out])
        #expect(export.code == 0, "\(export.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out)))
            as? [String: Any])
        let incidents = try #require(object["incidents"] as? [[String: Any]])
        #expect(incidents.compactMap { $0["title"] as? String } == ["DCS down in October", "=DCS slow"])
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.count == 4, "opened and resolved for each of the two DCS incidents")
        #expect(events.allSatisfy { ($0["hash"] as? String)?.count == 64 })
        let head = try #require((object["export"] as? [String: Any])?["chain_head"] as? [String: Any])
        #expect(head["seq"] as? Int == 6)
        #expect(!FileManager.default.fileExists(atPath: out + ".sig"))
    }

    @Test func badArgumentsAreRefusedWithoutWritingAFile() throws {
        let state = TemporaryDirectory().path
        try seed(state)
        let out = state + "/x.csv"
        let format = try courtwatch(["log", "export", "--state", state, "--from", "2026-11-01", "--to", "2026-12-01",
                                     "--format", "xlsx", "--out", out])
        #expect(format.code == 64)
        #expect(format.stderr.contains("--format must be csv or json"))
        let order = try courtwatch(["log", "export", "--state", state, "--from", "2026-12-01", "--to", "2026-11-01",
                                    "--format", "csv", "--out", out])
        #expect(order.code == 64)
        let date = try courtwatch(["log", "export", "--state", state, "--from", "1/11/2026", "--to", "2026-12-01",
                                   "--format", "csv", "--out", out])
        #expect(date.code == 64)
        #expect(date.stderr.contains("--from 1/11/2026 is not a date"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let noLog = try courtwatch(["log", "export", "--state", state + "/none", "--from", "2026-11-01", "--to", "2026-12-01",
                                    "--format", "csv", "--out", out])
        #expect(noLog.code == 1)
        #expect(noLog.stderr.contains("no failure log here"))
    }
}
