import Diagnostics
import Foundation
import Monitoring
import Probing
import Synchronization
import TestSupport
import Testing

/// Real TLS servers on loopback with certificates made at test time (Tests/Fixtures/tls_server.py).
@Suite struct TLSTests {
    /// A running fixture server: its port and the CA file that trusts it.
    final class TLSServer {
        let process = Process()
        let directory = TemporaryDirectory("courtwatch-tls")
        let port: Int

        init(_ mode: String, protocol: String = "https") throws {
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", packageRoot + "/Tests/Fixtures/tls_server.py", mode, directory.path, `protocol`]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line is "PORT n"; bounded by the pipe closing if the fixture fails.
            var line = Data()
            while !line.contains(10) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                process.terminate()
                throw FixtureFailure(message: "tls_server.py did not start (needs python3 with cryptography): \(text)")
            }
            self.port = port
        }

        var caFile: String { directory.subpath("ca.pem") }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)  // our own child; nothing to flush
                process.waitUntilExit()
            }
        }
    }

    struct FixtureFailure: Error { var message: String }

    final class Collector: Sendable {
        let outcomes = Mutex<[Observation]>([])
    }

    func probe(_ server: TLSServer, trustCA: Bool = true, smtps: Bool = false) throws -> Observation {
        let check: ProbeCheck = smtps
            ? .smtp(SMTPCheck(url: try Endpoint(parsing: "smtps://127.0.0.1:\(server.port)", allowedSchemes: ["smtps"])))
            : .http(HTTPCheck(url: try Endpoint(parsing: "https://127.0.0.1:\(server.port)/", allowedSchemes: ["https"]),
                              expectBody: "Sign in"))
        var definition = ProbeDefinition(id: "tls", name: "tls", check: check, interval: .seconds(60),
                                         timeout: .seconds(3))
        if trustCA { definition.caFile = server.caFile }
        let collector = Collector()
        let engine = try ProbeEngine(probes: [definition], mode: .once, logger: Logger(label: "t", sink: .discard)) { batch in
            collector.outcomes.withLock { $0 += batch.map(\.observation) }
        }
        engine.start()
        engine.waitUntilFinished()
        return try #require(collector.outcomes.withLock { $0.first })
    }

    @Test func aValidCertificateFromTheTrustedCAPasses() throws {
        let server = try TLSServer("valid")
        let result = try probe(server)
        #expect(result.failure == nil)
        #expect(result.slowness == nil)
        #expect(result.timings?.tls ?? 0 > 0)
    }

    @Test func aCertificateCloseToExpiryIsAWarningBeforeItBreaks() throws {
        let server = try TLSServer("expiring")
        let result = try probe(server)
        #expect(result.failure == nil)
        #expect(result.slowness?.hasPrefix("TLS certificate expires in 3 days (") == true)
        #expect(result.slowness?.hasSuffix("CertExpiryWarn=14d") == true)
    }

    @Test func anExpiredCertificateIsATLSFailure() throws {
        let server = try TLSServer("expired")
        let failure = try #require(try probe(server).failure)
        #expect(failure.failureClass == .tls)
        #expect(failure.message.contains("expired"))
    }

    @Test func aCertificateForAnotherNameIsATLSFailure() throws {
        let server = try TLSServer("wrong-name")
        let failure = try #require(try probe(server).failure)
        #expect(failure.failureClass == .tls)
        #expect(failure.message.contains("127.0.0.1"))
    }

    @Test func aSelfSignedCertificateIsNotTrustedByDefault() throws {
        let server = try TLSServer("self-signed")
        let failure = try #require(try probe(server, trustCA: false).failure)
        #expect(failure.failureClass == .tls)
        #expect(failure.message.lowercased().contains("self"))
    }

    @Test func aMailGatewaysCertificateCloseToExpiryIsAWarningToo() throws {
        let expiring = try TLSServer("expiring", protocol: "smtps")
        let warned = try probe(expiring, smtps: true)
        #expect(warned.failure == nil)
        #expect(warned.slowness?.hasPrefix("TLS certificate expires in 3 days (") == true)
        let valid = try TLSServer("valid", protocol: "smtps")
        let fine = try probe(valid, smtps: true)
        #expect(fine.failure == nil)
        #expect(fine.slowness == nil)
    }
}
