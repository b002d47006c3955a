import Diagnostics
import Foundation
import Monitoring
import Probing
import Synchronization
import TestSupport
import Testing

/// Real TLS servers on loopback with certificates made at test time (Tests/Fixtures/tls_server.py).
@Suite struct TLSTests {

    final class Collector: Sendable {
        let outcomes = Mutex<[Observation]>([])
    }

    func probe(_ server: TLSFixtureServer, trustCA: Bool = true, smtps: Bool = false) throws -> Observation {
        try run(server, trustCA: trustCA, smtps: smtps).observation
    }

    /// Runs the probe once; returns its observation and what the engine then reports for /metrics.
    /// `startTLS`: plain SMTP upgraded with STARTTLS (the fixture's smtp-starttls).
    func run(_ server: TLSFixtureServer, trustCA: Bool = true, smtps: Bool = false, startTLS: Bool = false)
        throws -> (observation: Observation, expiries: [String: Timestamp])
    {
        let check: ProbeCheck = startTLS
            ? .smtp(SMTPCheck(url: try Endpoint(parsing: "smtp://127.0.0.1:\(server.port)", allowedSchemes: ["smtp"])))
            : smtps
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
        return (try #require(collector.outcomes.withLock { $0.first }), engine.certificateExpiries())
    }

    @Test func theLeafCertificatesNotAfterIsCarriedToTheEngineForMetrics() throws {
        for (mode, serving) in [("valid", "https"), ("expiring", "https"), ("valid", "smtps"), ("valid", "smtp-starttls")] {
            let server = try TLSFixtureServer(mode: mode, protocol: serving)
            let notAfter = try server.leafNotAfterSeconds()
            let (observation, expiries) = try run(server, smtps: serving == "smtps", startTLS: serving == "smtp-starttls")
            #expect(observation.failure == nil, "\(mode) \(serving)")
            #expect(observation.certificateExpiry?.millisecondsSinceEpoch == notAfter * 1000, "\(mode) \(serving)")
            #expect(expiries == ["tls": Timestamp(millisecondsSinceEpoch: notAfter * 1000)], "\(mode) \(serving)")
        }
    }

    @Test func aCheckThatSawNoCertificateReportsNoExpiry() throws {
        // The handshake fails (untrusted), so curl has no certificate to report: no series, not a stale one.
        let server = try TLSFixtureServer(mode: "self-signed", protocol: "https")
        let (observation, expiries) = try run(server, trustCA: false)
        #expect(observation.failure?.failureClass == .tls)
        #expect(observation.certificateExpiry == nil)
        #expect(expiries.isEmpty)
    }

    @Test func aValidCertificateFromTheTrustedCAPasses() throws {
        let server = try TLSFixtureServer(mode: "valid", protocol: "https")
        let result = try probe(server)
        #expect(result.failure == nil)
        #expect(result.slowness == nil)
        #expect(result.timings?.tls ?? 0 > 0)
    }

    @Test func aCertificateCloseToExpiryIsAWarningBeforeItBreaks() throws {
        let server = try TLSFixtureServer(mode: "expiring", protocol: "https")
        let result = try probe(server)
        #expect(result.failure == nil)
        #expect(result.slowness?.hasPrefix("TLS certificate expires in 3 days (") == true)
        #expect(result.slowness?.hasSuffix("CertExpiryWarn=14d") == true)
    }

    @Test func anExpiredCertificateIsATLSFailure() throws {
        let server = try TLSFixtureServer(mode: "expired", protocol: "https")
        let failure = try #require(try probe(server).failure)
        #expect(failure.failureClass == .tls)
        #expect(failure.message.contains("expired"))
    }

    @Test func aCertificateForAnotherNameIsATLSFailure() throws {
        let server = try TLSFixtureServer(mode: "wrong-name", protocol: "https")
        let failure = try #require(try probe(server).failure)
        #expect(failure.failureClass == .tls)
        #expect(failure.message.contains("127.0.0.1"))
    }

    @Test func aSelfSignedCertificateIsNotTrustedByDefault() throws {
        let server = try TLSFixtureServer(mode: "self-signed", protocol: "https")
        let failure = try #require(try probe(server, trustCA: false).failure)
        #expect(failure.failureClass == .tls)
        #expect(failure.message.lowercased().contains("self"))
    }

    @Test func aMailGatewaysCertificateCloseToExpiryIsAWarningToo() throws {
        let expiring = try TLSFixtureServer(mode: "expiring", protocol: "smtps")
        let warned = try probe(expiring, smtps: true)
        #expect(warned.failure == nil)
        #expect(warned.slowness?.hasPrefix("TLS certificate expires in 3 days (") == true)
        let valid = try TLSFixtureServer(mode: "valid", protocol: "smtps")
        let fine = try probe(valid, smtps: true)
        #expect(fine.failure == nil)
        #expect(fine.slowness == nil)
    }
}
