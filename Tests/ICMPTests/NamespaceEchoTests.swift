import Monitoring
import Probing
import Testing

/// ICMP probes against network namespaces that each test builds and removes itself (recipe G6): silent
/// drops from a blackhole route, partial loss from the target's own ICMP rate limit (netem is not available
/// everywhere), unreachable errors from a forwarding namespace; and, from a thread that lives inside a
/// namespace, the ping socket, the raw socket and the no-permission error each on their own. Traffic goes
/// only to loopback and to addresses these tests assigned.
@Suite(.serialized, .enabled(if: TestNetwork.isAvailable,
                Comment(rawValue: "these tests build their own network namespaces, but "
                    + (TestNetwork.unavailableReason ?? "nothing stops them here"))))
struct NamespaceEchoTests {
    /// A target namespace linked to the host: the host end is `<prefix>.1`, the target `<prefix>.2`.
    private func hostAndTarget(_ network: TestNetwork) throws -> (target: String, prefix: String) {
        let prefix = "10.203.\(try network.freeSubnet())"
        let target = try network.addNamespace("t")
        try network.linkHost("\(prefix).1", to: target, at: "\(prefix).2")
        return (target, prefix)
    }

    /// Makes `namespace` answer echoes from a new peer `allowed` times, then drop them: its per-peer ICMP
    /// token bucket starts with 60 s of credit (at most 6 × the limit) and each reply costs the limit.
    private func limitEchoReplies(in namespace: String, to allowed: Int, _ network: TestNetwork) throws {
        try network.setSysctl(namespace, "net.ipv4.icmp_ratemask", "6169")  // the default 6168 plus echo reply
        try network.setSysctl(namespace, "net.ipv4.icmp_ratelimit", "\(60_000 / allowed)")
    }

    @Test func everyEchoLostIsATimeoutThatNamesTheHostAndTheCount() throws {
        let network = TestNetwork()
        defer { network.remove() }
        let (target, prefix) = try hostAndTarget(network)
        // The target receives the requests, but its replies to the host go nowhere.
        try network.inside(target, ["route", "add", "blackhole", "\(prefix).1/32"])
        let (outcomes, elapsed) = try EngineRun.once([
            EngineRun.probe("silent", host: "\(prefix).2", count: 3, timeout: .milliseconds(500), failuresToDown: 1),
            EngineRun.probe("lo", host: "127.0.0.1", count: 3),
        ])
        let silent = try #require(outcomes["silent"])
        let failure = try #require(silent.observation.failure)
        #expect(failure.failureClass == .timeout)
        #expect(failure.message == "no echo replies from \(prefix).2 (3 sent)")
        #expect(silent.state == .down)
        // The run waits Timeout= after its last echo (sent 100 ms in).
        #expect(elapsed >= .milliseconds(600))
        // Loopback replies reached the same kind of socket at the same time without counting for "silent".
        #expect(outcomes["lo"]?.observation.failure == nil)
    }

    @Test func lossAboveMaxLossIsASlowSuccessThatBecomesDegraded() throws {
        let network = TestNetwork()
        defer { network.remove() }
        let (target, prefix) = try hostAndTarget(network)
        try limitEchoReplies(in: target, to: 3, network)
        let (outcomes, _) = try EngineRun.once([
            EngineRun.probe("lossy", host: "\(prefix).2", count: 5, maxLoss: 20, timeout: .milliseconds(500),
                            failuresToDown: 1),
        ])
        let lossy = try #require(outcomes["lossy"])
        #expect(lossy.observation.failure == nil)
        #expect(lossy.observation.slowness == "40% loss (2 of 5 echoes lost); MaxLoss=20%")
        #expect(lossy.observation.latencyMicroseconds > 0)
        #expect(lossy.state == .degraded)
    }

    @Test func lossUpToMaxLossIsAPlainSuccess() throws {
        let network = TestNetwork()
        defer { network.remove() }
        let (target, prefix) = try hostAndTarget(network)
        try limitEchoReplies(in: target, to: 4, network)
        let (outcomes, _) = try EngineRun.once([
            EngineRun.probe("lossy", host: "\(prefix).2", count: 5, maxLoss: 20, timeout: .milliseconds(500),
                            failuresToDown: 1),
        ])
        let lossy = try #require(outcomes["lossy"])
        #expect(lossy.observation.failure == nil)
        #expect(lossy.observation.slowness == nil)
        #expect(lossy.state == .up)
    }

    @Test func anUnreachableHostIsAConnectFailureThatQuotesTheICMPError() throws {
        let network = TestNetwork()
        defer { network.remove() }
        let (router, prefix) = try hostAndTarget(network)
        let beyond = "10.203.\(try network.freeSubnet())"
        // The namespace routes `beyond` for the host and answers every packet for it with host unreachable.
        try network.setSysctl(router, "net.ipv4.ip_forward", "1")
        try network.setSysctl(router, "net.ipv4.icmp_ratelimit", "0")
        try network.inside(router, ["route", "add", "unreachable", "\(beyond).0/24"])
        try network.addHostRoute("\(beyond).0/24", via: "\(prefix).2")
        let (outcomes, elapsed) = try EngineRun.once([
            EngineRun.probe("gone", host: "\(beyond).9", count: 3, timeout: .seconds(5)),
        ])
        let failure = try #require(outcomes["gone"]?.observation.failure)
        #expect(failure.failureClass == .connect)
        #expect(failure.message == "no echo replies from \(beyond).9 (3 sent; "
            + "3 answered with destination unreachable (host unreachable) from \(prefix).2)")
        // Every echo has its answer, so the run ends without waiting out Timeout=.
        #expect(elapsed < .seconds(4))
    }

    /// Which socket a thread in the prober namespace gets.
    enum SocketPath: String, CaseIterable, Sendable {
        /// ping_group_range admits everyone and the thread has no CAP_NET_RAW.
        case pingSocket
        /// ping_group_range admits no one (a new namespace's default) and the thread keeps CAP_NET_RAW.
        case rawSocket
    }

    @Test(arguments: SocketPath.allCases)
    func eitherSocketReadsRepliesUnreachableErrorsAndSendFailuresOverIPv4AndIPv6(path: SocketPath) throws {
        let network = TestNetwork()
        defer { network.remove() }
        // prober ── router: the router answers for itself, answers "unreachable" for net 2 and has no net 3.
        let prober = try network.addNamespace("p")
        let router = try network.addNamespace("r")
        try network.link(prober, at: "10.203.1.1", to: router, at: "10.203.1.2")
        try network.inside(prober, ["-6", "addr", "add", "fd63:7774:1::1/64", "dev", network.firstEnd, "nodad"])
        try network.inside(router, ["-6", "addr", "add", "fd63:7774:1::2/64", "dev", network.secondEnd, "nodad"])
        try network.inside(prober, ["route", "add", "10.203.2.0/24", "via", "10.203.1.2"])
        try network.inside(prober, ["-6", "route", "add", "fd63:7774:2::/64", "via", "fd63:7774:1::2"])
        try network.inside(prober, ["route", "add", "unreachable", "10.203.3.0/24"])
        try network.inside(prober, ["-6", "route", "add", "unreachable", "fd63:7774:3::/64"])
        try network.setSysctl(router, "net.ipv4.ip_forward", "1")
        try network.setSysctl(router, "net.ipv6.conf.all.forwarding", "1")
        try network.setSysctl(router, "net.ipv4.icmp_ratelimit", "0")
        try network.setSysctl(router, "net.ipv6.icmp.ratelimit", "0")
        try network.inside(router, ["route", "add", "unreachable", "10.203.2.0/24"])
        try network.inside(router, ["-6", "route", "add", "unreachable", "fd63:7774:2::/64"])
        if path == .pingSocket { try network.setSysctl(prober, "net.ipv4.ping_group_range", "0 2147483647") }

        let (socketsAllowed, run) = try NamespaceThread.run(in: prober, withoutRawSockets: path == .pingSocket) {
            let allowed = (ping: NamespaceThread.canOpenPingSocket(), raw: NamespaceThread.canOpenRawSocket())
            return (allowed, try EngineRun.once([
                EngineRun.probe("lo4", host: "127.0.0.1"),
                EngineRun.probe("lo6", host: "::1"),
                EngineRun.probe("router4", host: "10.203.1.2"),
                EngineRun.probe("router6", host: "fd63:7774:1::2"),
                EngineRun.probe("beyond4", host: "10.203.2.9", timeout: .seconds(5)),
                EngineRun.probe("beyond6", host: "fd63:7774:2::9", timeout: .seconds(5)),
                EngineRun.probe("none4", host: "10.203.3.9", timeout: .seconds(5)),
                EngineRun.probe("none6", host: "fd63:7774:3::9", timeout: .seconds(5)),
            ]))
        }
        // Only the socket this case is about can be opened, so the results below came through it.
        #expect(socketsAllowed.ping == (path == .pingSocket))
        #expect(socketsAllowed.raw == (path == .rawSocket))
        for id in ["lo4", "lo6", "router4", "router6"] {
            let observation = try #require(run.outcomes[id]?.observation)
            #expect(observation.failure == nil, "\(id): \(observation.summary)")
            #expect(observation.slowness == nil, "\(id): \(observation.summary)")
            #expect(observation.latencyMicroseconds > 0)
        }
        let expected = [
            "none4": "no echo replies from 10.203.3.9 (0 sent; 3 not sent (sendto: No route to host))",
            "none6": "no echo replies from fd63:7774:3::9 (0 sent; 3 not sent (sendto: No route to host))",
        ]
        for (id, message) in expected {
            let failure = try #require(run.outcomes[id]?.observation.failure, "\(id) did not fail")
            #expect(failure.failureClass == .connect, "\(id)")
            #expect(failure.message == message)
        }
        // The router answers each echo with "unreachable"; the kernel's host-wide ICMP budget (shared by every
        // namespace, and by other tests running at the same time) may drop some of those answers.
        var everyEchoAnswered = true
        for (id, prefix, answer) in [
            ("beyond4", "no echo replies from 10.203.2.9 (3 sent; ",
             " answered with destination unreachable (host unreachable) from 10.203.1.2)"),
            ("beyond6", "no echo replies from fd63:7774:2::9 (3 sent; ",
             " answered with destination unreachable (no route to destination) from fd63:7774:1::2)"),
        ] {
            let failure = try #require(run.outcomes[id]?.observation.failure, "\(id) did not fail")
            #expect(failure.failureClass == .connect, "\(id)")
            let answered = ["1", "2", "3"].first { failure.message == prefix + $0 + answer }
            #expect(answered != nil, "\(id): \(failure.message)")
            if answered != "3" { everyEchoAnswered = false }
        }
        // When every echo had its answer, no run waited out its 5 s Timeout=.
        if everyEchoAnswered { #expect(run.elapsed < .seconds(4)) }
    }

    @Test func withNeitherSocketAllowedTheRunSaysWhatToChange() throws {
        let network = TestNetwork()
        defer { network.remove() }
        // A new namespace starts with ping_group_range "1 0": no group may open ping sockets.
        let prober = try network.addNamespace("p")
        let run = try NamespaceThread.run(in: prober, withoutRawSockets: true) {
            try EngineRun.once([EngineRun.probe("lo", host: "127.0.0.1")])
        }
        let failure = try #require(run.outcomes["lo"]?.observation.failure)
        #expect(failure.failureClass == .internalError)
        #expect(failure.message.hasPrefix("could not start: cannot send ICMP echoes to 127.0.0.1: no unprivileged "
            + "ping socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): Permission denied; net.ipv4.ping_group_range "
            + "is \"1 0\", which does not include this process's group (gid 0)) and no CAP_NET_RAW for a raw socket "
            + "(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): Operation not permitted)."), "\(failure.message)")
        #expect(failure.message.contains("net.ipv4.ping_group_range=0 2147483647"))
        #expect(failure.message.contains("AmbientCapabilities=CAP_NET_RAW"))
    }
}
