import Foundation
import SimulatedSite
import TestSupport
import Testing

/// The daemon serves the web surface on Listen= (port 0 here), with tokens made by `courtwatch token add`.
@Suite struct WebSurfaceDaemonTests {
    /// One GET (or a bodiless `method`) on a fresh loopback connection; returns (status, body) or nil.
    static func get(port: Int, path: String, token: String? = nil, method: String = "GET") -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        if method == "POST" { request += "Content-Length: 0\r\n" }
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<1000 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return (status, String(text[headEnd.upperBound...]))
    }

    /// The port the daemon's web surface bound, once it says so (20 s at most; a test issue otherwise).
    static func waitForPort(_ daemon: CourtwatchProcess) -> Int? {
        var port: Int?
        #expect(eventually(timeout: .seconds(20)) {
            port = boundPort(daemon)
            return port != nil
        }, "no web surface: \(daemon.standardError)")
        return port
    }

    static func boundPort(_ daemon: CourtwatchProcess) -> Int? {
        let text = daemon.standardError
        guard let range = text.range(of: "web surface on http://127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func theDaemonServesStatusHealthAndTokenProtectedAPI() throws {
        let healthy = try LoopbackServer { _ in .http(status: 200, body: "ok") }
        defer { healthy.stop() }
        let directory = TemporaryDirectory("courtwatch-web-daemon")
        let config = SiteFixture.write(in: directory, probes: [
            "signin.probe": SiteFixture.probe(id: "cp-signin", url: "http://127.0.0.1:\(healthy.port)/",
                                              extra: "System=common-platform"),
            "nightly.probe": "[Probe]\nID=nightly\nKind=heartbeat\nPeriod=1h\nGrace=10m\n",
        ])
        directory.write("config/courtwatch.conf", "[Daemon]\nListen=127.0.0.1:0\nTokensFile=tokens\n")
        let made = try CourtwatchProcess.run(["token", "add", "--role", "ops", "--subject", "alice", "--config", config])
        #expect(made.code == 0, "\(made.stderr)")
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 43)
        let stored = try String(contentsOfFile: config + "/tokens", encoding: .utf8)
        #expect(stored.hasSuffix(" ops alice\n"))
        #expect(!stored.contains(token))

        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", directory.subpath("state")])
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait(timeout: .seconds(10))
        }
        guard let port = Self.waitForPort(daemon) else { return }
        #expect(eventually(timeout: .seconds(20)) { Self.get(port: port, path: "/healthz")?.status == 200 })
        #expect(Self.get(port: port, path: "/healthz")?.body == "ok\n")
        #expect(Self.get(port: port, path: "/api/v1/status")?.status == 401)
        #expect(eventually(timeout: .seconds(20)) {
            Self.get(port: port, path: "/api/v1/status", token: token)?.body.contains(#""state":"up""#) == true
        })
        // A heartbeat through the API is kept in STATE/heartbeats before it is acknowledged.
        let beat = Self.get(port: port, path: "/api/v1/heartbeat/nightly", token: token, method: "POST")
        #expect(beat?.status == 200, "\(beat?.body ?? "no answer")")
        let ledger = (try? String(contentsOfFile: directory.subpath("state") + "/heartbeats", encoding: .utf8)) ?? ""
        #expect(ledger.hasPrefix("nightly "), "\(ledger)")
        #expect(Self.get(port: port, path: "/api/v1/heartbeat/cp-signin", token: token, method: "POST")?.status == 409)
        let metrics = Self.get(port: port, path: "/metrics", token: token)
        #expect(metrics?.body.contains(#"courtwatch_probe_success{probe="cp-signin",site="test-site",system="common-platform"} 1"#) == true)
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)
        #expect(Self.get(port: port, path: "/healthz") == nil)
    }

    @Test func anExplicitListenAddressInUseIsAStartupErrorNamingIt() throws {
        let taken = try LoopbackServer { _ in .http(status: 200, body: "") }
        defer { taken.stop() }
        let directory = TemporaryDirectory("courtwatch-web-daemon")
        let config = SiteFixture.write(in: directory, probes: [
            "a.probe": SiteFixture.probe(id: "a", url: "http://127.0.0.1:\(taken.port)/"),
        ])
        directory.write("config/courtwatch.conf", "[Daemon]\nListen=127.0.0.1:\(taken.port)\n")
        let result = try CourtwatchProcess.run(["run", "--config", config, "--state", directory.subpath("state")])
        #expect(result.code == 1)
        #expect(result.stderr.contains("cannot serve the web surface on 127.0.0.1:\(taken.port): bind 127.0.0.1:\(taken.port): Address already in use"))
    }

    @Test func tokenAddRefusesBadRolesAndMissingTokensFile() throws {
        let directory = TemporaryDirectory("courtwatch-web-daemon")
        let config = SiteFixture.write(in: directory, probes: [
            "a.probe": SiteFixture.probe(id: "a", url: "http://127.0.0.1:9/"),
        ])
        let role = try CourtwatchProcess.run(["token", "add", "--role", "admin", "--subject", "x", "--config", config])
        #expect(role.code == 64)
        #expect(role.stderr.contains("--role admin is not one of ops, site-lead, manager, union-rep, staff"))
        let unset = try CourtwatchProcess.run(["token", "add", "--role", "ops", "--subject", "x", "--config", config])
        #expect(unset.code == 65)
        #expect(unset.stderr.contains("sets no TokensFile= in [Daemon]; set it or pass --file"))
    }
}
