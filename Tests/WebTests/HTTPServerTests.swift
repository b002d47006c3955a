import Diagnostics
import Foundation
import Testing
import TestSupport
@testable import Web

/// The server over real loopback sockets, with its limits shrunk so each is reached quickly.
@Suite("HTTPServer", .serialized)
struct HTTPServerTests {
    static func server(_ adjust: (inout ServerLimits) -> Void = { _ in }) throws -> HTTPServer {
        var limits = ServerLimits()
        limits.parser = ParserLimits(maximumHeaderBytes: 1024, maximumBodyBytes: 64, maximumHeaderFields: 20)
        adjust(&limits)
        let server = try HTTPServer(listen: ListenAddress(host: "127.0.0.1", port: 0), limits: limits,
                                    logger: Logger(label: "test", sink: .discard)) { request, client in
            .text("\(request.method) \(request.path) \(request.body.count) from \(client.address)")
        }
        server.start()
        return server
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnectionAndHeadHasNoBody() throws {
        let server = try Self.server()
        defer { server.stop() }
        #expect(server.port != 0)
        let client = try HTTPTestClient(port: server.port)
        client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try client.readResponse()
        #expect(first.status == 200)
        #expect(first.text == "GET /one 0 from 127.0.0.1")
        #expect(first.headers["connection"] == "keep-alive")
        // Pipelined: a POST with a body, then a HEAD.
        client.send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcHEAD /three HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == "POST /two 3 from 127.0.0.1")
        let head = try client.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == String("HEAD /three 0 from 127.0.0.1".utf8.count))
        client.send("GET /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let last = try client.readResponse()
        #expect(last.headers["connection"] == "close")
        #expect(client.waitForClose())
    }

    @Test func aMalformedRequestIsAnswered400WithAJSONErrorAndClosed() throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try HTTPTestClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost : x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.text.contains(#""error":"bad-header-name""#))
        #expect(response.text.contains(#""detail":"header name 'Host ' is not a token""#))
        #expect(client.waitForClose())
    }

    @Test func headerAndBodyLimitsAre431And413() throws {
        let server = try Self.server()
        defer { server.stop() }
        let big = try HTTPTestClient(port: server.port)
        big.send("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "y", count: 2000) + "\r\n\r\n")
        #expect(try big.readResponse().status == 431)
        let body = try HTTPTestClient(port: server.port)
        body.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n" + String(repeating: "z", count: 65))
        let response = try body.readResponse()
        #expect(response.status == 413)
        #expect(response.text.contains("65 bytes exceeds the limit of 64"))
        let chunked = try HTTPTestClient(port: server.port)
        chunked.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(try chunked.readResponse().status == 411)
    }

    @Test func connectionsBeyondTheLimitAreAnswered503() throws {
        let server = try Self.server { $0.maximumConnections = 2 }
        defer { server.stop() }
        var held: [HTTPTestClient] = []
        for _ in 0..<2 {
            let client = try HTTPTestClient(port: server.port)
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            held.append(client)
        }
        let refused = try HTTPTestClient(port: server.port)
        let response = try refused.readResponse()
        #expect(response.status == 503)
        #expect(response.text.contains("2 connections open"))
        #expect(refused.waitForClose())
        // One of the held connections goes away: a new client gets in.
        held.removeFirst()
        #expect(eventually {
            guard let client = try? HTTPTestClient(port: server.port) else { return false }
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            return (try? client.readResponse().status) == 200
        })
    }

    @Test func oneClientBeyondItsConnectionCapIsAnswered503WhileAnotherClientIsServed() throws {
        let server = try Self.server {
            $0.maximumConnectionsPerClient = 3
            $0.trustRealIPFromLoopback = false
        }
        defer { server.stop() }
        var held: [HTTPTestClient] = []
        for _ in 0..<3 {
            let client = try HTTPTestClient(port: server.port, source: "127.0.0.1")
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            held.append(client)
        }
        let refused = try HTTPTestClient(port: server.port, source: "127.0.0.1")
        let response = try refused.readResponse()
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "1")
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.text.contains(#""error":"too-many-client-connections""#))
        #expect(response.text.contains("127.0.0.1 has 3 connections open"))
        #expect(refused.waitForClose())
        // Another client address still gets in, and its connections are its own.
        let other = try HTTPTestClient(port: server.port, source: "127.0.0.2")
        other.send("GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try other.readResponse().text == "GET /other 0 from 127.0.0.2")
        // The first client closes one: its count goes down and it may open another.
        held.removeFirst()
        #expect(eventually {
            guard let client = try? HTTPTestClient(port: server.port, source: "127.0.0.1") else { return false }
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            return (try? client.readResponse().status) == 200
        })
    }

    @Test func connectionsTheServerEndsAreReleasedFromTheClientsCount() throws {
        let server = try Self.server {
            $0.maximumConnectionsPerClient = 2
            $0.trustRealIPFromLoopback = false
            $0.idleTimeoutMilliseconds = 200
            $0.requestTimeoutMilliseconds = 200
        }
        defer { server.stop() }
        /// Two connections at once from `source`, both answered 200: both of its slots are free.
        func bothServed(_ source: String) -> Bool {
            let clients = (0..<2).compactMap { _ in try? HTTPTestClient(port: server.port, source: source) }
            for client in clients { client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
            return clients.count == 2 && clients.allSatisfy { (try? $0.readResponse().status) == 200 }
        }
        // Three ways the server ends a connection while the client keeps its socket open: idle after a
        // request, a request never finished (slowloris, 408), a malformed request (400). After each pair
        // the client's two slots are free again.
        let openings: [(String, String)] = [
            ("idle", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("slow", "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: s"),
            ("malformed", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
        ]
        for (index, (path, opening)) in openings.enumerated() {
            let source = "127.0.0.\(10 + index)"
            let kept = try (0..<2).map { _ in try HTTPTestClient(port: server.port, source: source) }
            for client in kept { client.send(opening) }
            for client in kept { #expect(client.waitForClose(), "\(path)") }
            // The client still holds both sockets; the server's side has ended (or ends its 2 s drain).
            #expect(eventually { bothServed(source) }, "\(path)")
            withExtendedLifetime(kept) {}
        }
    }

    @Test func loopbackPeersAreNotCappedWhileTheyAreTrustedAsTheProxy() throws {
        let server = try Self.server { $0.maximumConnectionsPerClient = 2 }
        defer { server.stop() }
        var held: [HTTPTestClient] = []
        for index in 0..<4 {
            let client = try HTTPTestClient(port: server.port)
            client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\nX-Real-IP: 192.0.2.\(index)\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            held.append(client)
        }
        #expect(held.count == 4)
    }

    @Test func aClientTricklingItsHeadersIsCutOff() throws {
        let server = try Self.server { $0.requestTimeoutMilliseconds = 300 }
        defer { server.stop() }
        let client = try HTTPTestClient(port: server.port)
        let started = Date()
        var answered: HTTPTestClient.Response?
        // One header byte every 50 ms, for at most 5 s: far longer than the 300 ms the server allows.
        let trickle = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "s", count: 100))
        for character in trickle {
            guard client.send(String(character)) else { break }
            usleep(50_000)
            if Date().timeIntervalSince(started) > 1.5 { break }
        }
        answered = try? client.readResponse()
        #expect(answered?.status == 408)
        #expect(answered?.text.contains("not complete within 300 ms") == true)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(client.waitForClose())
    }

    @Test func anIdleConnectionIsClosed() throws {
        let server = try Self.server { $0.idleTimeoutMilliseconds = 200 }
        defer { server.stop() }
        let client = try HTTPTestClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let started = Date()
        #expect(client.waitForClose())
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test func requestsBeyondTheRateAre429WithRetryAfter() throws {
        let server = try Self.server {
            $0.requestsPerSecond = 0.5
            $0.burst = 3
        }
        defer { server.stop() }
        let client = try HTTPTestClient(port: server.port)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<5 {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            statuses.append(response.status)
            if response.status == 429 { retryAfter = response.headers["retry-after"] }
        }
        #expect(statuses == [200, 200, 200, 429, 429])
        #expect(retryAfter.flatMap(Int.init).map { (1...2).contains($0) } == true)
    }

    @Test func behindALoopbackProxyEachRealClientHasItsOwnBucket() throws {
        let server = try Self.server {
            $0.requestsPerSecond = 0.5
            $0.burst = 1
        }
        defer { server.stop() }
        let client = try HTTPTestClient(port: server.port)
        func status(_ realIP: String?) throws -> (Int, String) {
            let header = realIP.map { "X-Real-IP: \($0)\r\n" } ?? ""
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\(header)\r\n")
            let response = try client.readResponse()
            return (response.status, response.text)
        }
        #expect(try status("192.0.2.10") == (200, "GET / 0 from 192.0.2.10"))
        #expect(try status("192.0.2.11").0 == 200)
        #expect(try status("192.0.2.10").0 == 429)
        // Not an address: ignored, the loopback peer is counted.
        #expect(try status("<script>").1 == "GET / 0 from 127.0.0.1")
    }

    @Test func bindingAnAddressInUseNamesIt() throws {
        let first = try Self.server()
        defer { first.stop() }
        #expect {
            _ = try HTTPServer(listen: ListenAddress(host: "127.0.0.1", port: first.port),
                               logger: Logger(label: "test", sink: .discard)) { _, _ in .text("") }
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(first.port)") && "\(error)".contains("in use")
        }
    }

    @Test func garbageOnManyConnectionsLeavesTheServerAnswering() throws {
        let server = try Self.server { $0.requestsPerSecond = 10_000; $0.burst = 10_000 }
        defer { server.stop() }
        var random = SplitMix64(state: 7)
        var clients: [HTTPTestClient] = []
        for round in 0..<60 {
            let client = try HTTPTestClient(port: server.port, timeoutSeconds: 2)
            var bytes = (0..<Int(random.next() % 2000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 3 == 0 { bytes = Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8) + bytes }
            client.send(bytes)
            if round % 2 == 0 { clients.append(client) }
        }
        clients.removeAll()
        let good = try HTTPTestClient(port: server.port)
        good.send("GET /still-here HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try good.readResponse().text == "GET /still-here 0 from 127.0.0.1")
    }

    @Test func listenAddressesParse() {
        #expect(ListenAddress("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(ListenAddress("[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(ListenAddress("localhost:80")?.host == "127.0.0.1")
        #expect(ListenAddress("nonsense") == nil)
        #expect(ListenAddress(":80") == nil)
    }
}
