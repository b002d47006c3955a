@testable import Probing
import Monitoring
import Testing

/// `Compare=`: when the site resolver fails, the same question goes to a reference resolver, and the
/// message says whose fault it is. Two loopback servers play the two resolvers.
@Suite struct DNSCompareTests {
    static let answers = DNSProbeTests.twoAddresses
    static let nxdomain = DNSProbeTests.answering(rcode: 3)
    static let servfail = DNSProbeTests.answering(rcode: 2)
    static let silent: @Sendable (ReceivedQuery) -> [ServerAction] = { _ in [] }

    typealias Behaviour = @Sendable (ReceivedQuery) -> [ServerAction]

    /// One run of a `Compare=` probe: a site resolver and a reference resolver with these behaviours on
    /// loopback, both stopped afterwards. `check` sees the servers, the observation and how long it took.
    func compare(site siteBehaviour: @escaping Behaviour, reference referenceBehaviour: @escaping Behaviour,
                 referenceHost: String = "127.0.0.1", timeout: Duration = .seconds(2),
                 _ check: (TestDNSServer, TestDNSServer, Observation?, Duration?) throws -> Void) throws {
        let site = try TestDNSServer(behaviour: siteBehaviour)
        let reference = try TestDNSServer(host: referenceHost, behaviour: referenceBehaviour)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, started) = try DNSHarness.runOnce([
            DNSHarness.probe("dns", server: site, compare: reference, timeout: timeout),
        ])
        try check(site, reference, collector.of("dns").first?.observation,
                  collector.firstArrival(of: "dns").map { $0 - started })
    }

    @Test func aFailingSiteResolverWithAWorkingReferenceMeansTheSitesDNSIsBroken() throws {
        try compare(site: Self.servfail, reference: Self.answers) { site, reference, observation, _ in
            let failure = try #require(observation?.failure)
            #expect(failure.failureClass == .dns)
            #expect(failure.message == "site resolver \(site.address) failed (SERVFAIL) but reference "
                + "\(reference.address) answers: the site's DNS is broken")
            #expect(reference.queryCount == 1)
        }
    }

    @Test func bothResolversSayingNXDOMAINMeansTheNameIsGone() throws {
        try compare(site: Self.nxdomain, reference: Self.nxdomain) { _, _, observation, _ in
            let failure = try #require(observation?.failure)
            #expect(failure.failureClass == .dns)
            #expect(failure.message == "both resolvers say NXDOMAIN: the name is gone")
        }
    }

    @Test func aSilentSiteResolverIsComparedAfterItsTimeoutAndKeepsTheTimeoutClass() throws {
        try compare(site: Self.silent, reference: Self.answers, timeout: .milliseconds(400)) {
            site, reference, observation, elapsed in
            let failure = try #require(observation?.failure)
            #expect(failure.failureClass == .timeout)
            #expect(failure.message == "site resolver \(site.address) failed (timed out after 400ms) but reference "
                + "\(reference.address) answers: the site's DNS is broken")
            let elapsed = try #require(elapsed)
            #expect(elapsed >= .milliseconds(400))
            #expect(elapsed < .milliseconds(400 + 1500), "took \(elapsed)")
        }
    }

    @Test func aSilentReferenceGetsItsOwnTimeoutAndTheRunStillEnds() throws {
        try compare(site: Self.servfail, reference: Self.silent, timeout: .milliseconds(400)) {
            site, reference, observation, elapsed in
            let failure = try #require(observation?.failure)
            #expect(failure.failureClass == .dns)
            #expect(failure.message == "site resolver \(site.address) failed (SERVFAIL) and reference "
                + "\(reference.address) failed too (timed out after 400ms)")
            let elapsed = try #require(elapsed)
            #expect(elapsed >= .milliseconds(400))
            #expect(elapsed < .milliseconds(2 * 400 + 1500), "took \(elapsed)")
        }
    }

    @Test func aMalformedSiteReplyAndAnNXDOMAINReferenceSayTheNameIsGone() throws {
        try compare(site: { query in [.reply(query.bytes)] }, reference: Self.nxdomain) {
            site, reference, observation, _ in
            let failure = try #require(observation?.failure)
            #expect(failure.failureClass == .protocolError)
            #expect(failure.message == "site resolver \(site.address) failed (unusable reply: QR bit is 0: the "
                + "message is a query, not a reply) and reference \(reference.address) says NXDOMAIN: the name is gone")
        }
    }

    @Test func aHealthySiteResolverNeverBothersTheReference() throws {
        try compare(site: Self.answers, reference: Self.answers) { _, reference, observation, _ in
            #expect(observation?.failure == nil)
            #expect(reference.queryCount == 0)
        }
    }

    @Test(.enabled(if: TestDNSServer.ipv6Available, "no IPv6 loopback here"))
    func anIPv6ReferenceForAnIPv4SiteResolverSharesOneDualStackSocket() throws {
        try compare(site: Self.servfail, reference: Self.answers, referenceHost: "::1") {
            site, reference, observation, _ in
            #expect(observation?.failure?.message
                == "site resolver \(site.address) failed (SERVFAIL) but reference [::1]:\(reference.port) answers: "
                + "the site's DNS is broken")
        }
    }

    // MARK: The judgement alone

    @Test func theVerdictComparesAddressesAsAddressesAndTextAsText() throws {
        let response = DNSResponse(id: 1, rcode: .noError, isAuthoritative: false, answers: [
            DNSRecord(name: "example.test", type: 1, recordClass: 1, ttl: 60, data: .a([192, 0, 2, 10])),
        ])
        let server = ResolverAddress(host: "10.0.0.53")
        func verdict(_ expect: String) -> DNSVerdict {
            let check = DNSCheck(server: server, query: "example.test", expect: expect)
            return DNSVerdict.judge(response, from: server, check: check)
        }
        #expect(verdict("192.0.2.10").failure == nil)
        #expect(verdict("192.0.2.1").failure?.message
            == "10.0.0.53:53 answers example.test A with A 192.0.2.10; none is '192.0.2.1'")
        #expect(verdict("192.0.2.").failure == nil)  // not an address: a substring
    }

    @Test func comparedMessagesNameBothResolvers() {
        let check = DNSCheck(server: ResolverAddress(host: "10.0.0.53"), query: "cp.example.test",
                             compare: ResolverAddress(host: "9.9.9.9"))
        let servfail = DNSVerdict.failed(.dns, "10.0.0.53:53 says SERVFAIL", summary: "SERVFAIL")
        let empty = DNSVerdict.failed(.dns, "no records", summary: "no A records", absence: .noRecords)
        func message(_ site: DNSVerdict, _ reference: DNSVerdict) -> String {
            DNSVerdict.compared(site: site, server: check.server, reference: reference,
                                referenceAddress: ResolverAddress(host: "9.9.9.9"), check: check).message
        }
        #expect(message(servfail, .answered)
            == "site resolver 10.0.0.53:53 failed (SERVFAIL) but reference 9.9.9.9:53 answers: "
            + "the site's DNS is broken")
        #expect(message(empty, empty) == "both resolvers have no A records for cp.example.test: the records are gone")
        #expect(message(servfail, empty)
            == "site resolver 10.0.0.53:53 failed (SERVFAIL) and reference 9.9.9.9:53 says no A records: "
            + "the records are gone")
    }
}
