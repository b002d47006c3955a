import Crypto
import FailureLog
import Foundation
import Testing
import TestSupport
@testable import Web

/// GET /api/v1/log/export's own checks and signature (the CLI's bytes behind it: DaemonTests/WebContinuityTests).
@Suite("Log export API", .serialized)
struct LogExportAPITests {
    @Test func theQueryIsPassedOnAndTheBodyIsSignedWithTheStateDirectorysKey() throws {
        let fixture = try WebFixture()
        let response = try fixture.request(
            "GET", "/api/v1/log/export?from=2026-11-01&to=2026-12-01&format=csv&system=dcs&planned=no", role: .unionRep)
        #expect(response.status == 200)
        #expect(response.text == "export 2026-11-01 2026-12-01 csv - dcs false")
        #expect(response.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(response.headers["content-disposition"] == "attachment; filename=\"courtwatch-log.csv\"")
        let signature = try #require(Data(base64Encoded: response.headers["x-courtwatch-signature"] ?? ""))
        let signer = try ExportSigner.load(stateDirectory: fixture.stateDirectory)
        #expect(Array(signature) == (try signer.signature(for: response.body)), "the state directory's key signed these bytes")
        #expect(FileManager.default.fileExists(atPath: fixture.stateDirectory + "/signing-key.pub.pem"))
    }

    @Test func badQueriesAreRefusedNamingThem() throws {
        let fixture = try WebFixture()
        let cases: [(String, String)] = [
            ("from=2026-11-01&to=2026-12-01", "format is required"),
            ("to=2026-12-01&format=csv", "from is required"),
            ("from=2026-11-01&to=2026-12-01&format=pdf", "format must be csv or json, not 'pdf'"),
            ("from=2026-11-01&to=2026-12-01&format=csv&planned=maybe", "planned=maybe is not yes or no"),
            ("from=2026-11-01&to=2026-12-01&format=csv&person=x", "'person' is not a query parameter here"),
            ("from=2026-11-01&to=2026-12-01&format=csv&site=", "site must not be empty"),
            ("from=bad&to=2026-12-01&format=csv", "from bad is not a date"),
        ]
        for (query, says) in cases {
            let response = try fixture.request("GET", "/api/v1/log/export?" + query, role: .ops)
            #expect(response.status == 400, "\(query): \(response.status)")
            #expect(response.text.contains(says), "\(query): \(response.text)")
        }
    }
}
