import Foundation
import SimulatedSite
import TestSupport
import Testing

/// `courtwatch sweep`, the real executable against real loopback servers.
@Suite struct SweepTests {
    @Test func aSweepPrintsEachTargetsStateInFileOrderAndExitsOneWhenAnyIsDown() throws {
        let web = try LoopbackServer { _ in .http(status: 200, body: "ok") }
        let broken = try LoopbackServer { _ in .http(status: 503, body: "down") }
        let closed = try LoopbackServer { _ in .close }
        let closedPort = closed.port
        closed.stop()
        defer {
            web.stop()
            broken.stop()
        }
        var lines = [
            "http http://127.0.0.1:\(web.port)/ up",
            "http http://127.0.0.1:\(broken.port)/ down",
            "tcp 127.0.0.1:\(web.port) up",
            "tcp 127.0.0.1:\(closedPort) down",
        ]
        // ICMP needs a ping socket or CAP_NET_RAW; root (as CI runs) has the latter.
        let canPing = geteuid() == 0
        if canPing { lines.append("icmp 127.0.0.1 up") }
        let directory = TemporaryDirectory()
        let file = directory.write("targets.txt", lines.joined(separator: "\n") + "\n")
        let result = try CourtwatchProcess.run(["sweep", "--targets", file, "--timeout", "2s", "--parallel", "2"])
        #expect(result.code == 1)
        var expected = [
            "http://127.0.0.1:\(web.port)/ up", "http://127.0.0.1:\(broken.port)/ down",
            "127.0.0.1:\(web.port) up", "127.0.0.1:\(closedPort) down",
        ]
        if canPing { expected.append("127.0.0.1 up") }
        #expect(result.stdout.split(separator: "\n").map(String.init) == expected)

        let verbose = try CourtwatchProcess.run(["sweep", "--targets", file, "--timeout", "2s", "--verbose"])
        #expect(verbose.stdout.contains("http://127.0.0.1:\(broken.port)/ down  http-status: HTTP 503 (expected 200-299)"))
    }
}
