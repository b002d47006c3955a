@testable import Probing
import Testing

/// The codec alone: exact bytes out, exact errors back, no sockets.
@Suite struct DNSMessageTests {
    let query = try! DNSQuery(name: "example.test", type: Wire.a, id: 0x1234)

    /// The reply header and question for `query`, with `answers` records to follow.
    func start(answers: UInt16, flags: UInt16 = 0x8180, questions: UInt16 = 1) -> [UInt8] {
        Wire.header(id: 0x1234, flags: flags, questions: questions, answers: answers)
            + Wire.question("example.test", type: Wire.a)
    }

    func parse(_ bytes: [UInt8], for query: DNSQuery? = nil) throws(DNSMessageError) -> DNSResponse {
        try DNSResponse(parsing: bytes, for: query ?? self.query)
    }

    func error(_ bytes: [UInt8], for query: DNSQuery? = nil) -> String? {
        do {
            _ = try parse(bytes, for: query)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: Queries

    @Test func aQueryIsOneQuestionWithRecursionDesiredAndTheGivenID() throws {
        let query = try DNSQuery(name: "Example.test.", type: Wire.mx, id: 0xBEEF)
        #expect(query.bytes == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            + [7] + Array("Example".utf8) + [4] + Array("test".utf8) + [0, 0, 15, 0, 1])
        #expect(query.questionText == "Example.test MX")
    }

    @Test func queryIDsAreRandom() throws {
        let ids = try Set((0..<32).map { _ in try DNSQuery(name: "example.test", type: Wire.a).id })
        #expect(ids.count > 16)
    }

    @Test func namesThatCannotGoOnTheWireAreRefusedWithTheReason() {
        let long = String(repeating: "a", count: 64)
        let tooLong = DNSMessageError.invalidQueryName("\(long).test",
                                                       reason: "label '\(long)' is 64 bytes (at most 63)")
        #expect(throws: tooLong) {
            try DNSQuery(name: "\(long).test", type: Wire.a)
        }
        #expect(throws: DNSMessageError.invalidQueryName("a..test", reason: "it has an empty label")) {
            try DNSQuery(name: "a..test", type: Wire.a)
        }
        let huge = Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".")
        #expect(throws: DNSMessageError.invalidQueryName(huge, reason: "it is 306 bytes on the wire (at most 255)")) {
            try DNSQuery(name: huge, type: Wire.a)
        }
    }

    // MARK: Answers

    @Test func compressedAddressAnswersAreDecoded() throws {
        let bytes = start(answers: 2)
            + Wire.record(type: Wire.a, data: [192, 0, 2, 10])
            + Wire.record(type: Wire.a, data: [192, 0, 2, 11])
        let response = try parse(bytes)
        #expect(response.rcode == .noError)
        #expect(response.answers.map(\.name) == ["example.test", "example.test"])
        #expect(response.answers.map(\.data.text) == ["192.0.2.10", "192.0.2.11"])
        #expect(response.answers[0].ttl == 300)
    }

    @Test func theQuestionEchoIgnoresCase() throws {
        let bytes = Wire.header(id: 0x1234, flags: 0x8180, answers: 0) + Wire.question("EXAMPLE.Test", type: Wire.a)
        #expect(try parse(bytes).answers.isEmpty)
    }

    @Test func aCNAMEChainFollowsPointersIntoEarlierRecords() throws {
        let query = try DNSQuery(name: "www.example.test", type: Wire.a, id: 0x1234)
        // Question name at 12; "example.test" at 16. Answer 1 at 34, its RDATA at 46.
        let bytes = Wire.header(id: 0x1234, flags: 0x8180, answers: 2) + Wire.question("www.example.test", type: Wire.a)
            + Wire.record(type: Wire.cname, data: Wire.labels("cdn") + [0xC0, 16])
            + Wire.record(owner: [0xC0, 46], type: Wire.a, data: [192, 0, 2, 7])
        let response = try parse(bytes, for: query)
        #expect(response.answers.map(\.summary) == ["CNAME cdn.example.test", "A 192.0.2.7"])
        #expect(response.answers[1].name == "cdn.example.test")
    }

    @Test func mxTxtNsAndAAAARecordsAreDecoded() throws {
        let address: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [1]
        let bytes = start(answers: 5)
            + Wire.record(type: Wire.mx, data: Wire.u16(10) + Wire.labels("mail") + Wire.toQuestionName)
            + Wire.record(type: Wire.txt, data: Wire.txtData(["v=spf1 ", "include:example.test -all"]))
            + Wire.record(type: Wire.ns, data: Wire.name("ns1.example.net"))
            + Wire.record(type: Wire.aaaa, data: address)
            + Wire.record(type: Wire.cname, data: Wire.toQuestionName)
        let answers = try parse(bytes).answers
        #expect(answers[0].data == .mx(preference: 10, exchange: "mail.example.test"))
        #expect(answers[1].data.text == "v=spf1 include:example.test -all")
        #expect(answers[1].summary == "TXT \"v=spf1 include:example.test -all\"")
        #expect(answers[2].data == .ns("ns1.example.net"))
        #expect(answers[3].data.text == "2001:db8::1")
        #expect(answers[4].data == .cname("example.test"))
    }

    @Test func unknownTypesAreSkippedByTheirLength() throws {
        let bytes = start(answers: 2) + Wire.record(type: 99, data: [1, 2, 3, 4, 5, 6, 7])
            + Wire.record(type: Wire.a, data: [192, 0, 2, 1])
        let answers = try parse(bytes).answers
        #expect(answers.map(\.summary) == ["TYPE99 (7 bytes)", "A 192.0.2.1"])
    }

    @Test func anErrorReplyWithoutItsQuestionStillParses() throws {
        let bytes = Wire.header(id: 0x1234, flags: 0x8185, questions: 0, answers: 0)
        #expect(try parse(bytes).rcode == .refused)
        #expect(error(Wire.header(id: 0x1234, flags: 0x8180, questions: 0, answers: 0))
            == "reply (NOERROR) has 0 questions (expected 1, echoing ours)")
    }

    // MARK: Malformed replies: each error names what was wrong

    @Test func aRecordDataRunningPastTheEndIsNamedWithItsLength() {
        let bytes = start(answers: 2) + Wire.record(type: Wire.a, data: [192, 0, 2, 1])
            + Wire.toQuestionName + Wire.u16(Wire.a) + Wire.u16(1) + [0, 0, 1, 44] + Wire.u16(40) + [1, 2, 3]
        #expect(bytes.count == 61)
        #expect(error(bytes) == "answer 2 RDLENGTH 40 runs past the end of the 61-byte message")
        #expect(error(Array(bytes.prefix(50))) == "answer 2 header (type, class, TTL, RDLENGTH) at offset 48 runs past "
            + "the end of the 50-byte message")
    }

    @Test func compressionPointerLoopsAreCaught() {
        let selfLoop = Wire.header(id: 0x1234, flags: 0x8180, answers: 0) + [0xC0, 12] + Wire.u16(1) + Wire.u16(1)
        #expect(error(selfLoop) == "question name: compression pointer loop at offset 12")
        let twoStep = start(answers: 1) + [0xC0, 32, 0xC0, 30]
        #expect(error(twoStep) == "answer 1 name: compression pointer loop at offset 30")
    }

    @Test func pointersOutsideTheMessageAreCaught() {
        #expect(error(start(answers: 1) + [0xC0, 0xFF])
            == "answer 1 name: compression pointer at offset 30 points to offset 255, "
            + "past the end of the 32-byte message")
        #expect(error(start(answers: 1) + [0xC0])
            == "answer 1 name compression pointer at offset 30 runs past the end of the 31-byte message")
        #expect(error(start(answers: 1) + [9, 65, 65])
            == "answer 1 name label of 9 bytes at offset 30 runs past the end of the 33-byte message")
    }

    @Test func overlongNamesAndExtendedLabelTypesAreRefused() {
        let label = [UInt8(63)] + Array(repeating: UInt8(ascii: "x"), count: 63)
        let long = start(answers: 1) + label + label + label + label + [0]
        #expect(error(long) == "answer 1 name: name is longer than 255 bytes (at offset 222)")
        let extended = Wire.header(id: 0x1234, flags: 0x8180, answers: 0) + [0x41, 0, 0, 1, 0, 1]
        #expect(error(extended) == "question name: label type 0x40 at offset 12 is not supported "
            + "(only plain labels and compression pointers)")
    }

    @Test func headerProblemsAreNamed() {
        #expect(error([1, 2, 3, 4, 5]) == "reply is 5 bytes, shorter than the 12-byte DNS header")
        #expect(error(Wire.header(id: 0x4321, flags: 0x8180, answers: 0))
            == "reply ID 0x4321 does not match the query ID 0x1234")
        #expect(error(query.bytes) == "QR bit is 0: the message is a query, not a reply")
        #expect(error(start(answers: 0, flags: 0x9000)) == "reply has opcode 2 (expected 0, a standard query)")
        #expect(error(start(answers: 0, flags: 0x8380)) == "reply truncated (TC bit set)")
        #expect(error(start(answers: 0, questions: 2)) == "reply (NOERROR) has 2 questions (expected 1, echoing ours)")
        let other = Wire.header(id: 0x1234, flags: 0x8180, answers: 0) + Wire.question("other.test", type: Wire.mx)
        #expect(error(other) == "reply's question 'other.test MX' is not ours 'example.test A'")
    }

    @Test func recordDataOfTheWrongShapeIsNamed() {
        #expect(error(start(answers: 1) + Wire.record(type: Wire.a, data: [1, 2, 3]))
            == "answer 1 A record has RDLENGTH 3 (expected 4)")
        #expect(error(start(answers: 1) + Wire.record(type: Wire.aaaa, data: [1, 2, 3, 4]))
            == "answer 1 AAAA record has RDLENGTH 4 (expected 16)")
        // RDLENGTH 5 but the exchange (4 "mail" + pointer) takes 7 bytes after the preference.
        var mx = start(answers: 1) + Wire.record(type: Wire.mx, data: Wire.u16(10) + Wire.labels("mail") + [0xC0, 12])
        mx[41] = 5
        #expect(error(mx) == "answer 1 MX record exchange ends at offset 51 but RDLENGTH 5 ends the data at offset 47")
        #expect(error(start(answers: 1) + Wire.record(type: Wire.txt, data: [10, 65, 66]))
            == "answer 1 TXT record character-string of 10 bytes at offset 42 runs past RDLENGTH 3")
        #expect(error(start(answers: 1) + Wire.record(type: Wire.cname, data: []))
            == "answer 1 CNAME record has no room for its target (RDLENGTH 0)")
    }

    @Test func ipv6AddressesAreWrittenTheRFC5952Way() {
        func text(_ groups: [UInt16]) -> String { DNSAddressText.ipv6(groups.flatMap { Wire.u16($0) }) }
        #expect(text([0x2001, 0xDB8, 0, 0, 0, 0, 0, 1]) == "2001:db8::1")
        #expect(text([0, 0, 0, 0, 0, 0, 0, 0]) == "::")
        #expect(text([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(text([0xFE80, 0, 0, 0, 0, 0, 0, 0]) == "fe80::")
        #expect(text([0x2001, 0xDB8, 0, 1, 1, 1, 1, 1]) == "2001:db8:0:1:1:1:1:1")
        #expect(text([0x2001, 0, 0, 1, 0, 0, 0, 1]) == "2001:0:0:1::1")
    }
}
