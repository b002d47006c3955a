import Testing
import TestSupport
@testable import Web

/// 20,000 random and mutated requests through the parser: it never crashes and always answers with a
/// request (whose parts are consistent with the input) or a clean error, or asks for more bytes.
@Suite("RequestParser fuzz")
struct RequestParserFuzzTests {
    static let seeds: [String] = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /api/v1/incidents/3/ack HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nAuthorization: Bearer x\r\n\r\n{\"by\":\"me\"}",
        "HEAD /metrics?x=%41 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /api/v1/status HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ]

    @Test func randomAndMutatedInputsNeverCrash() {
        var random = SplitMix64(state: 0xC0FFEE)
        let parser = RequestParser(limits: ParserLimits(maximumHeaderBytes: 2048, maximumBodyBytes: 256, maximumHeaderFields: 20))
        var counts = (requests: 0, failures: 0, incomplete: 0)
        let alphabet = Array("GETPOSThead /?%&=:\r\n\t HTTP/1.01 Content-Length:Transfer-Encoding Host".utf8) + [0, 127, 200, 255]
        for round in 0..<20_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int(random.next() % 300)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            case 1:
                bytes = (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default:
                bytes = Array(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))].utf8)
                for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                    let position = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 4 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                    case 1: bytes.remove(at: position)
                    case 2: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                    default: bytes = Array(bytes[..<position])
                    }
                }
            }
            switch parser.parse(bytes) {
            case .incomplete:
                counts.incomplete += 1
            case .failure(let error):
                counts.failures += 1
                #expect([400, 411, 413, 431, 505].contains(error.status), "\(error)")
                #expect(!error.code.isEmpty && !error.detail.isEmpty)
            case .request(let request, let consumed):
                counts.requests += 1
                #expect(consumed <= bytes.count && consumed > 0)
                #expect(request.body.count <= 256)
                #expect(request.target.hasPrefix("/"))
                #expect(request.headers.allSatisfy { !$0.name.isEmpty && $0.name == $0.name.lowercased() })
            }
        }
        // The mutations must reach every branch, or the test proves little.
        #expect(counts.requests > 100)
        #expect(counts.failures > 1000)
        #expect(counts.incomplete > 100)
    }
}
