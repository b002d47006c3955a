import FailureLog
import Foundation
import TestSupport
import Testing

/// `courtwatch forms` through the built binary: exit codes, files written, the forms.issued event.
@Suite struct FormsCommandTests {
    /// A configuration directory for site "test-site" with two contacts.
    private func configuration(in directory: TemporaryDirectory) -> String {
        directory.write("config/site.conf", SiteFixture.siteConf + """

            [Contact]
            Role=Duty manager
            Name=Sam Patel
            Phone=0116 222 3333
            Hours=Mon-Fri 08:00-18:00

            [Contact]
            Role=EM supplier
            Email=notifications@example.invalid

            """)
        directory.write("config/gateway.probe", SiteFixture.probe(id: "gateway", kind: "tcp", url: "tcp://127.0.0.1:9",
                                                                  extra: "System=network", interval: "30s"))
        return directory.subpath("config")
    }

    private func formsIssuedEvents(stateDirectory: String) throws -> [StoredEvent] {
        let reader = try LogReader(store: FailureLogStore(stateDirectory: stateDirectory))
        return try reader.recentEvents(kinds: ["forms.issued"], limit: 10)
    }

    @Test func helpIsAvailableForEveryAction() throws {
        for arguments in [["forms", "--help"], ["forms", "list", "--help"], ["forms", "render", "--help"],
                          ["forms", "pack", "--help"]] {
            let result = try CourtwatchProcess.run(arguments)
            #expect(result.code == 0, "\(arguments)")
            #expect(result.stdout.contains("USAGE: courtwatch forms list"), "\(arguments)")
            #expect(result.stdout.contains("courtwatch forms render NAME"), "\(arguments)")
        }
        #expect(try CourtwatchProcess.run(["forms"]).code == 64)
    }

    @Test func listNamesEveryFormAndItsJSONParses() throws {
        let text = try CourtwatchProcess.run(["forms", "list"])
        #expect(text.code == 0)
        for name in ["court-register", "em-notification", "reception-sign-in", "site-contacts"] {
            #expect(text.stdout.contains(name))
        }
        let json = try CourtwatchProcess.run(["forms", "list", "--json"])
        #expect(json.code == 0)
        let forms = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(forms.count == 12)
        #expect(forms.contains { $0["id"] as? String == "CW-F04" && $0["name"] as? String == "em-notification" })
    }

    @Test func renderWritesAValidPDFAndRecordsFormsIssuedAndTheChainStillVerifies() throws {
        let directory = TemporaryDirectory()
        let config = configuration(in: directory)
        let state = directory.subpath("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let out = directory.subpath("em.pdf")
        let result = try CourtwatchProcess.run([
            "forms", "render", "em-notification", "--site", "test-site", "--incident", "INC-7",
            "--courtroom", "Court 2",
            "--format", "pdf", "--out", out, "--by", "clerk-17", "--copies", "3", "--config", config, "--state", state,
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Recorded in the failure log as event"))
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: out)))
        #expect(try PDFTools.check(bytes).code == 0)
        let text = try PDFTools.text(bytes, page: 1)
        #expect(text.contains("Test Magistrates' Court") && text.contains("INC-7") && text.contains("Court 2"))

        let events = try formsIssuedEvents(stateDirectory: state)
        #expect(events.count == 1)
        let event = try #require(events.first)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any])
        #expect(payload["site"] as? String == "test-site")
        #expect(payload["incident"] as? String == "INC-7")
        #expect(payload["by"] as? String == "clerk-17")
        let forms = try #require(payload["forms"] as? [[String: Any]])
        #expect(forms.count == 1)
        #expect(forms.first?["id"] as? String == "CW-F04")
        #expect(forms.first?["version"] as? String == "1.0")
        #expect(forms.first?["count"] as? Int == 3)

        let verify = try CourtwatchProcess.run(["log", "verify", "--state", state])
        #expect(verify.code == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasPrefix("OK: 1 events verify"))
    }

    @Test func renderAsHTMLWritesTheContactsFromTheConfiguration() throws {
        let directory = TemporaryDirectory()
        let out = directory.subpath("contacts.html")
        let result = try CourtwatchProcess.run([
            "forms", "render", "CW-F12", "--site", "test-site", "--format", "html", "--out", out,
            "--config", configuration(in: directory), "--state", directory.subpath("no-state"),
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Not recorded in the failure log: no state directory at"))
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for value in ["Duty manager", "Sam Patel", "0116 222 3333", "EM supplier", "notifications@example.invalid"] {
            #expect(html.contains(value), "missing \(value)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.subpath("no-state")), "forms never create state")
    }

    @Test func packWritesEveryFormInBothFormatsWithAnIndexEvenWithoutAStateDirectory() throws {
        let directory = TemporaryDirectory()
        let out = directory.subpath("pack")
        let result = try CourtwatchProcess.run([
            "forms", "pack", "--site", "test-site", "--out", out, "--config", configuration(in: directory),
            "--state", directory.subpath("missing"),
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Wrote 12 forms"))
        #expect(result.stdout.contains("Not recorded in the failure log") && result.stdout.contains("pre-printing"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.filter { $0.hasSuffix(".pdf") }.count == 12)
        #expect(files.filter { $0.hasSuffix(".html") }.count == 13)
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        for file in files where file != "index.html" {
            #expect(index.contains("href=\"\(file)\""), "index does not link \(file)")
        }
        let pdf = [UInt8](try #require(FileManager.default.contents(atPath: out + "/CW-F06-daily-list.pdf")))
        #expect(try PDFTools.check(pdf).code == 0)
    }

    @Test func packRecordsOneEventListingEveryForm() throws {
        let directory = TemporaryDirectory()
        let state = directory.subpath("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let result = try CourtwatchProcess.run([
            "forms", "pack", "--site", "test-site", "--out", directory.subpath("pack"), "--copies", "20",
            "--config", configuration(in: directory), "--state", state,
        ])
        #expect(result.code == 0, "\(result.stderr)")
        let events = try formsIssuedEvents(stateDirectory: state)
        #expect(events.count == 1)
        let event = try #require(events.first)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any])
        let forms = try #require(payload["forms"] as? [[String: Any]])
        #expect(forms.count == 12)
        #expect(forms.allSatisfy { $0["count"] as? Int == 20 })
        #expect(payload["incident"] == nil && payload["by"] == nil)
        #expect(try CourtwatchProcess.run(["log", "verify", "--state", state]).code == 0)
    }

    @Test func aNumericIncidentIsRecordedAsAnIntegerAndAnUnknownOneIsPointedOut() throws {
        let directory = TemporaryDirectory()
        let state = directory.subpath("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let config = configuration(in: directory)
        let arguments = ["forms", "render", "it-failure-log", "--site", "test-site", "--format", "pdf",
                         "--out", directory.subpath("log.pdf"), "--config", config, "--state", state]
        let opened = try CourtwatchProcess.run([
            "incidents", "open", "--site", "test-site", "--system", "network", "--by", "clerk-17",
            "--text", "Network down", "--json", "--state", state, "--config", config,
        ])
        #expect(opened.stdout.contains("\"incident\":1"), "\(opened.stdout) \(opened.stderr)")
        let known = try CourtwatchProcess.run(arguments + ["--incident", "1"])
        #expect(known.code == 0 && !known.stdout.contains("Note: incident"), "\(known.stdout)")
        let result = try CourtwatchProcess.run(arguments + ["--incident", "999"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Note: incident 999 is not in the failure log"), "\(result.stdout)")
        let paper = try CourtwatchProcess.run(arguments + ["--incident", "PAPER-3"])
        #expect(!paper.stdout.contains("Note: incident"))
        let events = try formsIssuedEvents(stateDirectory: state)
        #expect(events.count == 3)
        #expect(try CourtwatchProcess.run(["log", "verify", "--state", state]).code == 0)
        let numeric = try #require(events.first { $0.payload.contains("999") })
        #expect(numeric.payload.contains("\"incident\":999"), "\(numeric.payload)")
        #expect(events.contains { $0.payload.contains("\"incident\":\"PAPER-3\"") })
    }

    @Test func badUsageAndBadDataExitWithTheirCodesAndSayWhy() throws {
        let directory = TemporaryDirectory()
        let config = configuration(in: directory)
        let out = directory.subpath("x.pdf")
        let cases: [([String], Int32, [String])] = [
            (["forms", "render", "form-99", "--site", "test-site", "--format", "pdf", "--out", out, "--config", config],
             64, ["unknown form 'form-99'", "known forms: court-register", "site-contacts"]),
            (["forms", "render", "--site", "test-site", "--format", "pdf", "--out", out, "--config", config],
             64, ["needs a form NAME", "em-notification"]),
            (["forms", "render", "daily-list", "--site", "test-site", "--format", "docx", "--out", out,
              "--config", config],
             64, ["--format must be pdf or html"]),
            (["forms", "render", "daily-list", "--site", "elsewhere", "--format", "pdf", "--out", out,
              "--config", config],
             65, ["unknown site 'elsewhere'", "is for site 'test-site'"]),
            (["forms", "pack", "--site", "test-site", "--config", config], 64, ["--out DIR is required"]),
            (["forms", "pack", "--site", "test-site", "--out", out, "--copies", "0", "--config", config],
             64, ["--copies must be a whole number"]),
            (["forms", "shred"], 64, ["unknown forms action 'shred'"]),
            (["forms", "render", "daily-list", "--site", "test-site", "--format", "pdf", "--out", out, "--config",
              directory.subpath("nowhere")], 65, ["configuration has errors", "does not exist"]),
        ]
        for (arguments, code, messages) in cases {
            let result = try CourtwatchProcess.run(arguments)
            #expect(result.code == code, "\(arguments): \(result.stderr)")
            for message in messages {
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written when the command fails")
    }
}
