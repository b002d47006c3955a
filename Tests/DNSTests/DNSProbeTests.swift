@testable import Probing
import Monitoring
import Synchronization
import Testing

/// `Kind=dns` through the real ProbeEngine: real UDP sockets to loopback servers whose replies each test
/// sets, from good answers to garbage.
@Suite struct DNSProbeTests {
    /// Answers every query with `records` (built per query) and `rcode`.
    static func answering(rcode: UInt16 = 0, flags: UInt16 = 0,
                          _ records: @escaping @Sendable (ReceivedQuery) -> [[UInt8]] = { _ in [] })
        -> @Sendable (ReceivedQuery) -> [ServerAction]
    {
        { query in [.reply(Wire.reply(to: query, rcode: rcode, extraFlags: flags, records: records(query)))] }
    }

    static let twoAddresses = answering { _ in
        [Wire.record(type: Wire.a, data: [192, 0, 2, 10]), Wire.record(type: Wire.a, data: [192, 0, 2, 11])]
    }

    /// Answers by query type, with compression in owners and in RDATA.
    static let zone: @Sendable (ReceivedQuery) -> [ServerAction] = { query in
        let records: [[UInt8]] = switch query.type {
        case Wire.mx: [Wire.record(type: Wire.mx, data: Wire.u16(10) + Wire.labels("mail") + Wire.toQuestionName),
                       Wire.record(type: Wire.mx, data: Wire.u16(20) + Wire.labels("backup") + Wire.toQuestionName)]
        case Wire.txt: [Wire.record(type: Wire.txt, data: Wire.txtData(["v=spf1 ", "include:example.test -all"]))]
        case Wire.ns: [Wire.record(type: Wire.ns, data: Wire.labels("ns1") + Wire.toQuestionName)]
        // www.example.test: "example.test" sits at offset 16.
        case Wire.cname: [Wire.record(type: Wire.cname, data: Wire.labels("cdn") + [0xC0, 16])]
        case Wire.aaaa: [Wire.record(type: Wire.aaaa, data: Self.documentationAddress)]
        default: [Wire.record(type: Wire.a, data: [192, 0, 2, 1])]
        }
        return [.reply(Wire.reply(to: query, records: records))]
    }

    /// 2001:db8::1
    static let documentationAddress: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [1]

    static func hex(_ value: UInt16) -> String { DNSMessageError.hex(value) }

    // MARK: Good answers

    @Test func anExpectedAddressAmongCompressedAnswersIsUpWithTheRoundTripAsLatency() throws {
        let server = try TestDNSServer(behaviour: Self.twoAddresses)
        defer { server.stop() }
        let probe = DNSHarness.probe("site-dns", server: server, expect: "192.0.2.11")
        let (collector, _) = try DNSHarness.runOnce([probe])
        let outcome = try #require(collector.of("site-dns").first)
        #expect(outcome.observation.failure == nil)
        #expect(outcome.state == .up)
        #expect(outcome.observation.latencyMicroseconds > 0)
        #expect(outcome.observation.latencyMicroseconds < 2_000_000)
        #expect(server.queryCount == 1)
    }

    @Test func mxTxtNsAndCNAMEAnswersAreMatchedAgainstExpect() throws {
        let server = try TestDNSServer(behaviour: Self.zone)
        defer { server.stop() }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("mx", server: server, type: .mx, expect: "mail.example.test"),
            DNSHarness.probe("txt", server: server, type: .txt, expect: "spf1 include:example.test"),
            DNSHarness.probe("ns", server: server, type: .ns, expect: "NS1.example.test."),
            DNSHarness.probe("cname", server: server, query: "www.example.test", type: .cname,
                             expect: "cdn.example.test"),
            DNSHarness.probe("dmarc", server: server, type: .txt, expect: "v=DMARC1"),
        ])
        for id in ["mx", "txt", "ns", "cname"] {
            let summary = collector.of(id).first?.observation.summary ?? "no result"
            #expect(collector.of(id).first?.observation.failure == nil, "\(id): \(summary)")
        }
        let failure = try #require(collector.of("dmarc").first?.observation.failure)
        #expect(failure.failureClass == .dns)
        #expect(failure.message == "\(server.address) answers example.test TXT with "
            + "TXT \"v=spf1 include:example.test -all\"; none contains 'v=DMARC1'")
    }

    @Test(.enabled(if: TestDNSServer.ipv6Available, "no IPv6 loopback here"))
    func anAAAARecordOverIPv6LoopbackMatchesTheAddressInAnyWriting() throws {
        let server = try TestDNSServer(host: "::1", behaviour: Self.zone)
        defer { server.stop() }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("v6", server: server, type: .aaaa, expect: "2001:DB8:0::1"),
            DNSHarness.probe("v6-wrong", server: server, type: .aaaa, expect: "2001:db8::2"),
        ])
        #expect(collector.of("v6").first?.observation.failure == nil)
        #expect(collector.of("v6-wrong").first?.observation.failure?.message
            == "[::1]:\(server.port) answers example.test AAAA with AAAA 2001:db8::1; none is '2001:db8::2'")
    }

    // MARK: Resolution failures

    @Test func nxdomainServfailAndRefusedAreDNSFailuresNamingResolverAndRcode() throws {
        let nxdomain = try TestDNSServer(behaviour: Self.answering(rcode: 3))
        let servfail = try TestDNSServer(behaviour: Self.answering(rcode: 2))
        let refused = try TestDNSServer(behaviour: { query in
            // REFUSED without the question, as some servers send it.
            [.reply(Wire.header(id: query.id, flags: 0x8185, questions: 0, answers: 0))]
        })
        defer {
            nxdomain.stop()
            servfail.stop()
            refused.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("nx", server: nxdomain), DNSHarness.probe("sf", server: servfail),
            DNSHarness.probe("rf", server: refused),
        ])
        let cases = [("nx", nxdomain, "NXDOMAIN"), ("sf", servfail, "SERVFAIL"), ("rf", refused, "REFUSED")]
        for (id, server, rcode) in cases {
            let failure = try #require(collector.of(id).first?.observation.failure)
            #expect(failure.failureClass == .dns)
            #expect(failure.message == "\(server.address) says \(rcode) for example.test A (expected NOERROR)")
        }
    }

    @Test func aNameThatMustNotExistIsUpOnNXDOMAINAndFailsWhenItAppears() throws {
        let nxdomain = try TestDNSServer(behaviour: Self.answering(rcode: 3))
        let exists = try TestDNSServer(behaviour: Self.twoAddresses)
        defer {
            nxdomain.stop()
            exists.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("gone", server: nxdomain, query: "old.example.test", expectRcode: "NXDOMAIN"),
            DNSHarness.probe("back", server: exists, query: "old.example.test", expectRcode: "NXDOMAIN"),
        ])
        #expect(collector.of("gone").first?.observation.failure == nil)
        #expect(collector.of("back").first?.observation.failure?.message
            == "\(exists.address) says NOERROR for old.example.test A (expected NXDOMAIN)")
    }

    @Test func anEmptyAnswerAndAWrongAddressSayWhatCameBack() throws {
        let empty = try TestDNSServer(behaviour: Self.answering())
        let chained = try TestDNSServer(behaviour: Self.answering { _ in
            [Wire.record(type: Wire.cname, data: Wire.name("cdn.example.net"))]
        })
        let other = try TestDNSServer(behaviour: Self.twoAddresses)
        defer {
            empty.stop()
            chained.stop()
            other.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("empty", server: empty, expect: "192.0.2.1"),
            DNSHarness.probe("chained", server: chained),
            DNSHarness.probe("other", server: other, expect: "192.0.2.1"),
        ])
        let messages = ["empty", "chained", "other"].map { collector.of($0).first?.observation.failure?.message }
        #expect(messages == [
            "\(empty.address) has no A records for example.test (NOERROR with an empty answer)",
            "\(chained.address) has no A records for example.test (NOERROR with only CNAME cdn.example.net)",
            "\(other.address) answers example.test A with A 192.0.2.10, A 192.0.2.11; none is '192.0.2.1'",
        ])
        let classes = ["empty", "chained", "other"].map { collector.of($0).first?.observation.failure?.failureClass }
        #expect(classes == [.dns, .dns, .dns])
    }

    // MARK: Malformed replies

    @Test func garbageBehindOurIDIsAProtocolErrorSayingWhatIsWrong() throws {
        let garbage = try TestDNSServer(behaviour: { query in
            [.reply(Wire.header(id: query.id, flags: 0x8180, answers: 5) + query.question
                + Array(repeating: 0xFF, count: 10))]
        })
        let echo = try TestDNSServer(behaviour: { query in [.reply(query.bytes)] })
        defer {
            garbage.stop()
            echo.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("junk", server: garbage), DNSHarness.probe("echo", server: echo),
        ])
        let expected = [
            "junk": "\(garbage.address) sent an unusable reply: answer 1 name: compression pointer at offset 30 points "
                + "to offset 16383, past the end of the 40-byte message",
            "echo": "\(echo.address) sent an unusable reply: QR bit is 0: the message is a query, not a reply",
        ]
        for (id, message) in expected {
            let failure = try #require(collector.of(id).first?.observation.failure)
            #expect(failure.failureClass == .protocolError)
            #expect(failure.message == message)
        }
    }

    // MARK: Truncated replies: asked again over TCP (RFC 7766)

    /// Forty addresses: more than a 512-byte datagram holds, so the UDP reply is truncated and empty.
    static let manyAddresses: @Sendable (ReceivedQuery) -> [[UInt8]] = { _ in
        (1...40).map { Wire.record(type: Wire.a, data: [192, 0, 2, UInt8($0)]) }
    }

    @Test func aTruncatedReplyIsAskedAgainOverTCPAndJudgedOnTheWholeAnswer() throws {
        let server = try TestDNSServer(behaviour: Self.answering(flags: 0x0200), tcp: { query in
            .reply(Wire.reply(to: query, records: Self.manyAddresses(query)))
        })
        defer { server.stop() }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("big", server: server, expect: "192.0.2.37"),
            DNSHarness.probe("missing", server: server, expect: "192.0.2.99"),
        ])
        #expect(collector.of("big").first?.observation.failure == nil)
        #expect(collector.of("big").first?.state == .up)
        let failure = try #require(collector.of("missing").first?.observation.failure)
        #expect(failure.failureClass == .dns)
        #expect(failure.message.hasPrefix("\(server.address) answers example.test A with A 192.0.2.1, A 192.0.2.2, "))
        #expect(server.queryCount == 2)
        #expect(server.tcpQueryCount == 2)
    }

    @Test func aTruncatedReplyWithNothingOnTCPOrACutTCPReplyFailsSayingSo() throws {
        let refused = try TestDNSServer(behaviour: Self.answering(flags: 0x0200))
        // Says 200 bytes follow, sends 10, hangs up.
        let cut = try TestDNSServer(behaviour: Self.answering(flags: 0x0200), tcp: { query in
            .raw([0, 200] + Array(Wire.reply(to: query).prefix(10)))
        })
        let stillTruncated = try TestDNSServer(behaviour: Self.answering(flags: 0x0200), tcp: { query in
            .reply(Wire.reply(to: query, extraFlags: 0x0200))
        })
        defer {
            refused.stop()
            cut.stop()
            stillTruncated.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("refused", server: refused), DNSHarness.probe("cut", server: cut),
            DNSHarness.probe("still", server: stillTruncated),
        ])
        let expected: [String: (FailureClass, String)] = [
            "refused": (.connect, "\(refused.address) sent a truncated reply (TC bit set); asked again over TCP, it "
                        + "cannot connect over TCP: Connection refused"),
            "cut": (.protocolError, "\(cut.address) sent a truncated reply (TC bit set); asked again over TCP, it "
                    + "closed the TCP connection after 12 of 202 bytes"),
            "still": (.protocolError, "\(stillTruncated.address) sent an unusable reply over TCP: reply truncated "
                      + "(TC bit set)"),
        ]
        for (id, (failureClass, message)) in expected {
            let failure = try #require(collector.of(id).first?.observation.failure)
            #expect(failure.failureClass == failureClass, "\(id)")
            #expect(failure.message == message)
        }
        #expect(cut.tcpQueryCount == 1)
    }

    // MARK: Datagrams that are not the reply

    @Test func aShortDatagramIsIgnoredAndNamedWhenTheRunTimesOut() throws {
        let server = try TestDNSServer(behaviour: { _ in [.reply([0xDE, 0xAD, 0xBE, 0xEF, 0x00])] })
        defer { server.stop() }
        let probe = DNSHarness.probe("short", server: server, timeout: .milliseconds(500))
        let (collector, _) = try DNSHarness.runOnce([probe])
        let failure = try #require(collector.of("short").first?.observation.failure)
        #expect(failure.failureClass == .timeout)
        #expect(failure.message == "timed out after 500ms; ignored 1 reply from \(server.address) "
            + "(reply is 5 bytes, shorter than the 12-byte DNS header)")
    }

    @Test func repliesWithAnotherIDOrQuestionAreIgnoredNotFatal() throws {
        let lastID = Mutex<UInt16>(0)
        let wrongThenRight = try TestDNSServer(behaviour: { query in
            var wrong = query
            wrong.id ^= 0x5555
            return [.reply(Wire.reply(to: wrong, records: [Wire.record(type: Wire.a, data: [10, 9, 9, 9])])),
                    .reply(Wire.reply(to: query, records: [Wire.record(type: Wire.a, data: [192, 0, 2, 1])]))]
        })
        let wrongOnly = try TestDNSServer(behaviour: { query in
            lastID.withLock { $0 = query.id }
            var wrong = query
            wrong.id ^= 0x5555
            return [.reply(Wire.reply(to: wrong))]
        })
        let otherQuestion = try TestDNSServer(behaviour: { query in
            [.reply(Wire.header(id: query.id, flags: 0x8180, answers: 0) + Wire.question("other.test", type: Wire.a))]
        })
        defer {
            wrongThenRight.stop()
            wrongOnly.stop()
            otherQuestion.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("recovers", server: wrongThenRight, expect: "192.0.2.1", timeout: .milliseconds(500)),
            DNSHarness.probe("wrong-id", server: wrongOnly, timeout: .milliseconds(500)),
            DNSHarness.probe("wrong-question", server: otherQuestion, timeout: .milliseconds(500)),
        ])
        #expect(collector.of("recovers").first?.observation.failure == nil)
        let id = lastID.withLock { $0 }
        let wrongID = try #require(collector.of("wrong-id").first?.observation.failure)
        #expect(wrongID.failureClass == .timeout)
        #expect(wrongID.message == "timed out after 500ms; ignored 1 reply from \(wrongOnly.address) "
            + "(reply ID \(Self.hex(id ^ 0x5555)) does not match the query ID \(Self.hex(id)))")
        #expect(collector.of("wrong-question").first?.observation.failure?.message
            == "timed out after 500ms; ignored 1 reply from \(otherQuestion.address) "
            + "(reply's question 'other.test A' is not ours 'example.test A')")
    }

    @Test func aReplyFromAnotherPortIsIgnored() throws {
        let spoofThenRight = try TestDNSServer(behaviour: { query in
            [.replyFromOtherPort(Wire.reply(to: query, records: [Wire.record(type: Wire.a, data: [10, 6, 6, 6])])),
             .reply(Wire.reply(to: query, records: [Wire.record(type: Wire.a, data: [192, 0, 2, 1])]))]
        })
        let spoofOnly = try TestDNSServer(behaviour: { query in
            [.replyFromOtherPort(Wire.reply(to: query)), .replyFromOtherPort(Wire.reply(to: query))]
        })
        defer {
            spoofThenRight.stop()
            spoofOnly.stop()
        }
        let (collector, _) = try DNSHarness.runOnce([
            DNSHarness.probe("recovers", server: spoofThenRight, expect: "192.0.2.1", timeout: .milliseconds(500)),
            DNSHarness.probe("spoofed", server: spoofOnly, timeout: .milliseconds(500)),
        ])
        #expect(collector.of("recovers").first?.observation.failure == nil)
        let failure = try #require(collector.of("spoofed").first?.observation.failure)
        #expect(failure.failureClass == .timeout)
        #expect(failure.message == "timed out after 500ms; ignored 2 replies, the last from \(spoofOnly.otherAddress) "
            + "(not the server's port)")
    }

    @Test func aResolverThatCannotBeSentToFailsAtOnceAndTheReferenceIsStillAsked() throws {
        let reference = try TestDNSServer(behaviour: Self.twoAddresses)
        defer { reference.stop() }
        // Port 0 cannot be sent to (EINVAL): the send fails inside start(), on loopback, without any traffic.
        let unsendable = ResolverAddress(host: "127.0.0.1", port: 0)
        func probe(_ id: String, compare: ResolverAddress?) -> ProbeDefinition {
            ProbeDefinition(id: id, name: id, check: .dns(DNSCheck(server: unsendable, query: "example.test",
                                                                    compare: compare)),
                            interval: .milliseconds(100), timeout: .seconds(2))
        }
        let (collector, started) = try DNSHarness.runOnce([
            probe("alone", compare: nil),
            probe("compared", compare: ResolverAddress(host: "127.0.0.1", port: Int(reference.port))),
        ])
        let alone = try #require(collector.of("alone").first?.observation.failure)
        #expect(alone.failureClass == .connect)
        #expect(alone.message == "could not send to 127.0.0.1:0: sendto 127.0.0.1:0: Invalid argument")
        #expect(collector.of("compared").first?.observation.failure?.message
            == "site resolver 127.0.0.1:0 failed (could not send: sendto 127.0.0.1:0: Invalid argument) but reference "
            + "\(reference.address) answers: the site's DNS is broken")
        let elapsed = try #require(collector.firstArrival(of: "alone")) - started
        #expect(elapsed < .seconds(1), "a failed send waited \(elapsed) instead of reporting at once")
    }

    // MARK: Time

    @Test func aSilentServerTimesOutAtTimeoutWithoutHoldingUpOtherProbes() throws {
        let silent = try TestDNSServer(behaviour: { _ in [] })
        let healthy = try TestDNSServer(behaviour: Self.twoAddresses)
        defer {
            silent.stop()
            healthy.stop()
        }
        let (collector, started) = try DNSHarness.run([
            DNSHarness.probe("silent", server: silent, timeout: .milliseconds(600)),
            DNSHarness.probe("healthy", server: healthy, interval: .milliseconds(100)),
        ]) { !$0.of("silent").isEmpty }
        let observation = try #require(collector.of("silent").first?.observation)
        #expect(observation.failure?.failureClass == .timeout)
        #expect(observation.failure?.message == "timed out after 600ms")
        #expect(observation.latencyMicroseconds == 600_000)
        let elapsed = try #require(collector.firstArrival(of: "silent")) - started
        // The first run starts within one interval (phase offset); then exactly Timeout=, plus loop slack.
        #expect(elapsed >= .milliseconds(600))
        #expect(elapsed < .milliseconds(600 + 100 + 1500), "took \(elapsed)")
        #expect(collector.of("healthy").count >= 3)
        #expect(silent.queryCount >= 1)
    }

    @Test func threeFailuresInARowMakeTheProbeDown() throws {
        let server = try TestDNSServer(behaviour: Self.answering(rcode: 2))
        defer { server.stop() }
        let (collector, _) = try DNSHarness.run([DNSHarness.probe("dns", server: server)]) {
            $0.of("dns").contains { $0.state == .down }
        }
        #expect(collector.of("dns").prefix(3).map(\.state) == [.suspect, .suspect, .down])
    }
}
