@testable import Probing
import Monitoring
import TestSupport
import Testing

/// Hostile replies: the parser must parse or throw for every one of them, never trap, never loop.
@Suite struct DNSParserFuzzTests {
    static let rounds = 20_000

    /// Valid replies to start mutating from: compression everywhere, every decoded type, a CNAME chain.
    static func seeds() throws -> [(DNSQuery, [UInt8])] {
        let a = try DNSQuery(name: "example.test", type: Wire.a, id: 0x1234)
        let www = try DNSQuery(name: "www.example.test", type: Wire.aaaa, id: 0xABCD)
        let mx = try DNSQuery(name: "example.test", type: Wire.mx, id: 0x0F0F)
        let aReply = Wire.header(id: 0x1234, flags: 0x8180, answers: 3) + Wire.question("example.test", type: Wire.a)
            + Wire.record(type: Wire.a, data: [192, 0, 2, 1])
            + Wire.record(type: Wire.a, data: [192, 0, 2, 2])
            + Wire.record(type: Wire.txt, data: Wire.txtData(["hello", "", "world"]))
        let wwwReply = Wire.header(id: 0xABCD, flags: 0x8180, answers: 3)
            + Wire.question("www.example.test", type: Wire.aaaa)
            + Wire.record(type: Wire.cname, data: Wire.labels("cdn") + [0xC0, 16])
            + Wire.record(owner: [0xC0, 46], type: Wire.aaaa,
                          data: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 12))
            + Wire.record(type: 99, data: [1, 2, 3])
        let mxReply = Wire.header(id: 0x0F0F, flags: 0x8180, answers: 3) + Wire.question("example.test", type: Wire.mx)
            + Wire.record(type: Wire.mx, data: Wire.u16(10) + Wire.labels("mail") + Wire.toQuestionName)
            + Wire.record(type: Wire.mx, data: Wire.u16(20) + Wire.name("backup.example.net"))
            + Wire.record(type: Wire.ns, data: Wire.labels("ns1") + Wire.toQuestionName)
        return [(a, aReply), (www, wwwReply), (mx, mxReply)]
    }

    static func mutate(_ original: [UInt8], id: UInt16, using random: inout SplitMix64) -> [UInt8] {
        var message = original
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = message.isEmpty ? 0 : Int.random(in: 0..<message.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !message.isEmpty:
                message[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1 where !message.isEmpty:
                message[position] = UInt8.random(in: 0...255, using: &random)
            case 2 where position + 1 < message.count:
                // A compression pointer somewhere, often at a name, often pointing near itself.
                message[position] = 0xC0 | UInt8.random(in: 0...0x3F, using: &random) & 0x01
                message[position + 1] = UInt8.random(in: 0...UInt8(min(255, message.count + 8)), using: &random)
            case 3:
                message = Array(message.prefix(position))
            case 4 where message.count >= 8:
                // Section counts: 0, small or huge.
                let field = 4 + 2 * Int.random(in: 0...1, using: &random)
                let count = [0, 1, 2, 7, 0xFFFF].randomElement(using: &random) ?? 1
                message[field] = UInt8(count >> 8)
                message[field + 1] = UInt8(count & 0xFF)
            case 5 where !message.isEmpty:
                let end = min(message.count, position + Int.random(in: 1...20, using: &random))
                message.insert(contentsOf: message[position..<end], at: position)
            case 6:
                message += Self.noise(count: Int.random(in: 1...40, using: &random), using: &random)
            default:
                // An RDLENGTH-sized field set to something large.
                if position + 1 < message.count { message[position + 1] = 0xFF }
            }
        }
        // Keep the right ID most of the time so the parser gets past the header.
        if message.count >= 2 && Int.random(in: 0..<10, using: &random) > 0 {
            message[0] = UInt8(id >> 8)
            message[1] = UInt8(id & 0xFF)
        }
        return message
    }

    static func noise(count: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    static func kind(of error: DNSMessageError) -> String {
        switch error {
        case .invalidQueryName: "invalidQueryName"
        case .shorterThanHeader: "shorterThanHeader"
        case .idMismatch: "idMismatch"
        case .notAResponse: "notAResponse"
        case .unexpectedOpcode: "unexpectedOpcode"
        case .truncated: "truncated"
        case .questionCount: "questionCount"
        case .questionMismatch: "questionMismatch"
        case .runsPastEnd: "runsPastEnd"
        case .pointerLoop: "pointerLoop"
        case .pointerOutOfBounds: "pointerOutOfBounds"
        case .unsupportedLabelType: "unsupportedLabelType"
        case .nameTooLong: "nameTooLong"
        case .malformedRecordData: "malformedRecordData"
        }
    }

    @Test func twentyThousandRandomAndMutatedRepliesEachParseOrThrowASpecificError() throws {
        var random = SplitMix64(state: 0x00C0_FFEE_D15C_0001)
        let seeds = try Self.seeds()
        let check = DNSCheck(server: ResolverAddress(host: "127.0.0.1"), query: "example.test", expect: "192.0.2.1")
        var parsed = 0
        var errors: [String: Int] = [:]
        for round in 0..<Self.rounds {
            let (query, seed) = seeds[round % seeds.count]
            let message: [UInt8]
            if round % 5 == 0 {
                var bytes = Self.noise(count: Int.random(in: 0...600, using: &random), using: &random)
                if bytes.count >= 2 && round % 2 == 0 {
                    bytes[0] = UInt8(query.id >> 8)
                    bytes[1] = UInt8(query.id & 0xFF)
                }
                message = bytes
            } else {
                message = Self.mutate(seed, id: query.id, using: &random)
            }
            do {
                let response = try DNSResponse(parsing: message, for: query)
                parsed += 1
                #expect(response.answers.count == Int(message[6]) << 8 | Int(message[7]), "round \(round)")
                for record in response.answers {
                    // Escaped text is at most 4 characters per byte of a 255-byte name.
                    #expect(record.name.utf8.count <= 4 * 255, "round \(round)")
                    if case .a(let bytes) = record.data { #expect(bytes.count == 4, "round \(round)") }
                    if case .aaaa(let bytes) = record.data { #expect(bytes.count == 16, "round \(round)") }
                }
                _ = DNSVerdict.judge(response, from: check.server, check: check)
            } catch {
                errors[Self.kind(of: error), default: 0] += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(parsed + errors.values.reduce(0, +) == Self.rounds)
        // The mutations reach deep into the parser, not just the header checks.
        #expect(parsed > 500, "only \(parsed) mutated replies parsed")
        for kind in ["shorterThanHeader", "idMismatch", "notAResponse", "truncated", "questionMismatch", "runsPastEnd",
                     "pointerLoop", "pointerOutOfBounds", "unsupportedLabelType", "malformedRecordData"] {
            #expect(errors[kind, default: 0] > 0, "no input produced \(kind); errors seen: \(errors)")
        }
    }
}
