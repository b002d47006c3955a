import Foundation
import TestSupport
import Testing

/// `courtwatch report site` with the built binary against the Leicester example configuration.
@Suite struct SiteReportCommandTests {
    let config = packageRoot + "/Probes/examples/leicester"

    func courtwatch(_ arguments: [String]) throws -> (code: Int32?, stdout: String, stderr: String) {
        try CourtwatchProcess.run(arguments)
    }

    func seed(_ state: String) throws {
        let opened = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "leicester-crown",
                                     "--system", "common-platform", "--by", "J. Ops", "--text", "CP sign-in failing",
                                     "--started-at", "2026-10-23T08:30:00+01:00", "--resolved-at", "2026-10-27T10:00:00Z",
                                     "--source", "site paper IT-failure log", "--ticket", "INC0042"])
        #expect(opened.code == 0, "\(opened.stderr)")
        #expect(try courtwatch(["incidents", "note", "1", "--state", state, "--by", "A. Lead",
                                "--text", "supplier confirmed an SSO fault"]).code == 0)
    }

    @Test func everyFormatIsWrittenSignedAndThePDFIsSound() throws {
        let state = TemporaryDirectory().path
        try seed(state)
        for format in ["pdf", "html", "csv", "json"] {
            let out = "\(state)/site.\(format)"
            let result = try courtwatch(["report", "site", "leicester-crown", "--config", config, "--state", state,
                                         "--from", "2026-10-01", "--to", "2026-10-31", "--format", format, "--out", out])
            #expect(result.code == 0, "\(result.stderr)")
            #expect(result.stdout.contains("1 incidents, 21 h 30 min of business hours lost (1 back-recorded)"))
            let check = try #require(result.stdout.split(separator: "\n").last?.replacingOccurrences(of: "check: ", with: ""))
            let verify = Process()
            verify.executableURL = URL(fileURLWithPath: "/bin/sh")
            verify.arguments = ["-c", check + " >/dev/null 2>&1"]
            try verify.run()
            verify.waitUntilExit()
            #expect(verify.terminationStatus == 0, "the \(format) report's signature verifies with openssl")
        }
        let pdf = try [UInt8](Data(contentsOf: URL(fileURLWithPath: state + "/site.pdf")))
        #expect(try PDFTools.check(pdf).code == 0)
        // pdftotext breaks table cells and paragraphs into lines; compare the words.
        let text = try PDFTools.text(pdf).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("back-recorded"))
        #expect(text.contains("J. Ops from site paper"))
        #expect(text.contains("ticket INC0042"))
        #expect(text.contains("supplier confirmed an SSO fault"))
        let csv = try String(contentsOfFile: state + "/site.csv", encoding: .utf8)
        #expect(csv.contains(",1290,0,lost,major,unplanned,back-recorded,J. Ops,site paper IT-failure log,INC0042,"))
        #expect(csv.contains("month,2026-10,"))
    }

    @Test func badRequestsAreRefusedWithTheReason() throws {
        let state = TemporaryDirectory().path
        try seed(state)
        let site = try courtwatch(["report", "site", "york-crown", "--config", config, "--state", state, "--from", "2026-10-01",
                                   "--to", "2026-10-31", "--format", "pdf", "--out", state + "/x.pdf"])
        #expect(site.code == 65)
        #expect(site.stderr.contains("unknown site 'york-crown'"))
        let format = try courtwatch(["report", "site", "leicester-crown", "--config", config, "--state", state,
                                     "--from", "2026-10-01", "--to", "2026-10-31", "--format", "docx", "--out", state + "/x"])
        #expect(format.code == 64)
        let date = try courtwatch(["report", "site", "leicester-crown", "--config", config, "--state", state,
                                   "--from", "October", "--to", "2026-10-31", "--format", "pdf", "--out", state + "/x.pdf"])
        #expect(date.code == 64)
        #expect(date.stderr.contains("--from October is not a date"))
        let order = try courtwatch(["report", "site", "leicester-crown", "--config", config, "--state", state,
                                    "--from", "2026-11-01", "--to", "2026-10-31", "--format", "pdf", "--out", state + "/x.pdf"])
        #expect(order.code == 65)
        #expect(!FileManager.default.fileExists(atPath: state + "/x.pdf"))
    }
}
