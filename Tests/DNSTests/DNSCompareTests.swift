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

    @Test func aFailingSiteResolverWithAWorkingReferenceMeansTheSitesDNSIsBroken() throws {
        let site = try TestDNSServer(behaviour: Self.servfail)
        let reference = try TestDNSServer(behaviour: Self.answers)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([DNSHarness.probe("dns", server: site, compare: reference)])
        let failure = try #require(collector.of("dns").first?.observation.failure)
        #expect(failure.failureClass == .dns)
        #expect(failure.message == "site resolver \(site.address) failed (SERVFAIL) but reference \(reference.address) "
            + "answers: the site's DNS is broken")
        #expect(reference.queryCount == 1)
    }

    @Test func bothResolversSayingNXDOMAINMeansTheNameIsGone() throws {
        let site = try TestDNSServer(behaviour: Self.nxdomain)
        let reference = try TestDNSServer(behaviour: Self.nxdomain)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([DNSHarness.probe("dns", server: site, compare: reference)])
        let failure = try #require(collector.of("dns").first?.observation.failure)
        #expect(failure.failureClass == .dns)
        #expect(failure.message == "both resolvers say NXDOMAIN: the name is gone")
    }

    @Test func aSilentSiteResolverIsComparedAfterItsTimeoutAndKeepsTheTimeoutClass() throws {
        let site = try TestDNSServer(behaviour: Self.silent)
        let reference = try TestDNSServer(behaviour: Self.answers)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, started) = try DNSHarness.runOnce([
            DNSHarness.probe("dns", server: site, compare: reference, timeout: .milliseconds(400)),
        ])
        let failure = try #require(collector.of("dns").first?.observation.failure)
        #expect(failure.failureClass == .timeout)
        #expect(failure.message == "site resolver \(site.address) failed (timed out after 400ms) but reference "
            + "\(reference.address) answers: the site's DNS is broken")
        let elapsed = try #require(collector.firstArrival(of: "dns")) - started
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .milliseconds(400 + 1500), "took \(elapsed)")
    }

    @Test func aSilentReferenceGetsItsOwnTimeoutAndTheRunStillEnds() throws {
        let site = try TestDNSServer(behaviour: Self.servfail)
        let reference = try TestDNSServer(behaviour: Self.silent)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, started) = try DNSHarness.runOnce([
            DNSHarness.probe("dns", server: site, compare: reference, timeout: .milliseconds(400)),
        ])
        let failure = try #require(collector.of("dns").first?.observation.failure)
        #expect(failure.failureClass == .dns)
        #expect(failure.message == "site resolver \(site.address) failed (SERVFAIL) and reference \(reference.address) "
            + "failed too (timed out after 400ms)")
        let elapsed = try #require(collector.firstArrival(of: "dns")) - started
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .milliseconds(2 * 400 + 1500), "took \(elapsed)")
    }

    @Test func aMalformedSiteReplyAndAnNXDOMAINReferenceSayTheNameIsGone() throws {
        let site = try TestDNSServer(behaviour: DNSProbeTests.answering(flags: 0x0200))
        let reference = try TestDNSServer(behaviour: Self.nxdomain)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([DNSHarness.probe("dns", server: site, compare: reference)])
        let failure = try #require(collector.of("dns").first?.observation.failure)
        #expect(failure.failureClass == .protocolError)
        #expect(failure.message == "site resolver \(site.address) failed (unusable reply: reply truncated "
            + "(TC bit set)) and reference \(reference.address) says NXDOMAIN: the name is gone")
    }

    @Test func aHealthySiteResolverNeverBothersTheReference() throws {
        let site = try TestDNSServer(behaviour: Self.answers)
        let reference = try TestDNSServer(behaviour: Self.answers)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([DNSHarness.probe("dns", server: site, compare: reference)])
        #expect(collector.of("dns").first?.observation.failure == nil)
        #expect(reference.queryCount == 0)
    }

    @Test(.enabled(if: TestDNSServer.ipv6Available, "no IPv6 loopback here"))
    func anIPv6ReferenceForAnIPv4SiteResolverSharesOneDualStackSocket() throws {
        let site = try TestDNSServer(behaviour: Self.servfail)
        let reference = try TestDNSServer(host: "::1", behaviour: Self.answers)
        defer {
            site.stop()
            reference.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([DNSHarness.probe("dns", server: site, compare: reference)])
        #expect(collector.of("dns").first?.observation.failure?.message
            == "site resolver \(site.address) failed (SERVFAIL) but reference [::1]:\(reference.port) answers: "
            + "the site's DNS is broken")
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
