import Testing
import TestSupport
@testable import Web

@Suite("RequestParser")
struct RequestParserTests {
    let parser = RequestParser()

    func parse(_ text: String) -> ParseOutcome { parser.parse(Array(text.utf8)) }

    func failure(_ text: String) -> RequestError? {
        if case .failure(let error) = parse(text) { return error }
        return nil
    }

    @Test func parsesAGetWithQueryAndHeaders() throws {
        let outcome = parse("GET /api/v1/incidents?open=yes&site=lei%20crown&x=a+b HTTP/1.1\r\nHost: h\r\nX-Thing:  v \r\n\r\n")
        guard case .request(let request, let consumed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(request.method == "GET")
        #expect(request.path == "/api/v1/incidents")
        #expect(request.query == ["open": "yes", "site": "lei crown", "x": "a b"])
        #expect(request.header("X-THING") == "v")
        #expect(request.keepsAlive)
        #expect(consumed == outcome.consumedBytes)
    }

    @Test func waitsForTheWholeBodyThenLeavesThePipelinedRest() {
        let head = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
        #expect(parse(head + "abc") == .incomplete)
        let outcome = parse(head + "abcdeGET /b HTTP/1.1\r\n")
        guard case .request(let request, let consumed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(request.body == Array("abcde".utf8))
        #expect(consumed == head.utf8.count + 5)
    }

    @Test func incompleteHeadIsIncomplete() {
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n") == .incomplete)
        #expect(parse("GE") == .incomplete)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400, "missing-host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate-host"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "transfer-encoding-unsupported"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "bad-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "bad-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n", 413, "body-too-large"),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "version-not-supported"),
        ("GET / FTP/1.0\r\nHost: a\r\n\r\n", 400, "bad-version"),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-request-line"),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-method"),
        ("GET http://x/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-target"),
        ("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-target"),
        ("GET /%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-target"),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obsolete-line-folding"),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "bad-header-name"),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, "bad-header"),
        ("GET / HTTP/1.1\r\nHost: a\u{1}\r\n\r\n", 400, "bad-header-value"),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "bad-line-ending"),
        ("GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400, "bad-line-ending"),
    ])
    func rejects(_ input: String, _ status: Int, _ code: String) {
        let error = failure(input)
        #expect(error?.status == status, "\(input.debugDescription) → \(String(describing: error))")
        #expect(error?.code == code)
        #expect(error?.detail.isEmpty == false)
    }

    @Test func headerBytesOverTheLimitAre431EvenBeforeTheBlankLine() {
        let long = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 17_000)
        #expect(failure(long)?.status == 431)
        let justUnder = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 16_000) + "\r\n\r\n"
        #expect(failure(justUnder) == nil)
    }

    @Test func tooManyHeaderFieldsAre431() {
        let fields = (0..<101).map { "X-\($0): v\r\n" }.joined()
        #expect(failure("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n")?.code == "too-many-headers")
    }

    @Test func aBrokenRequestLineFailsWithoutWaitingForTheBlankLine() {
        #expect(failure("GET / HTTP/9\r\n")?.code == "bad-version")
        #expect(failure("G\u{0}T")?.code == "bad-method")
    }

    @Test func keepAliveFollowsVersionAndConnectionHeader() throws {
        func request(_ text: String) -> HTTPRequest? {
            if case .request(let request, _) = parse(text) { return request }
            return nil
        }
        #expect(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")?.keepsAlive == false)
        #expect(request("GET / HTTP/1.0\r\n\r\n")?.keepsAlive == false)
        #expect(request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepsAlive == true)
    }

    @Test func strayLeadingLineEndsAreSkipped() {
        guard case .request(let request, let consumed) = parse("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(request.path == "/x")
        #expect(consumed == 4 + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n".utf8.count)
    }
}

extension ParseOutcome {
    var consumedBytes: Int? {
        if case .request(_, let consumed) = self { return consumed }
        return nil
    }
}
