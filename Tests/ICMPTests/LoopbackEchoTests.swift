import Foundation
import Monitoring
import Probing
import Testing

/// Whether this process can ping at all.
enum ICMPAccess {
    /// Why this process can open neither kind of ICMP socket, or nil when it can open one.
    static let unavailableReason: String? = {
        for type in [SOCK_DGRAM, SOCK_RAW] {
            let descriptor = socket(AF_INET, Int32(type.rawValue), Int32(IPPROTO_ICMP))
            if descriptor >= 0 {
                close(descriptor)
                return nil
            }
        }
        return "net.ipv4.ping_group_range excludes this process's group and it lacks CAP_NET_RAW"
    }()
}

/// ICMP probes against this machine's own loopback, through the real engine and real sockets (a ping socket
/// where net.ipv4.ping_group_range allows it, a raw one otherwise). A process allowed neither cannot ping at
/// all; NamespaceEchoTests checks the error it gets then.
@Suite(.enabled(if: ICMPAccess.unavailableReason == nil,
                Comment(rawValue: "these tests need an ICMP socket, but " + (ICMPAccess.unavailableReason ?? ""))))
struct LoopbackEchoTests {
    static let hasIPv6Loopback: Bool = {
        guard let text = try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0.hasPrefix("00000000000000000000000000000001 ") }
    }()

    @Test func theIPv4LoopbackAnswersEveryEchoWithARoundTripTime() throws {
        let (outcomes, elapsed) = try EngineRun.once([
            EngineRun.probe("lo4", host: "127.0.0.1", count: 4, spacing: .milliseconds(100)),
        ])
        let outcome = try #require(outcomes["lo4"])
        #expect(outcome.observation.failure == nil)
        #expect(outcome.observation.slowness == nil)
        #expect(outcome.observation.latencyMicroseconds > 0)
        #expect(outcome.observation.latencyMicroseconds < 1_000_000)
        #expect(outcome.state == .up)
        // The fourth echo leaves 300 ms after the first, and the run waits for its reply.
        #expect(elapsed >= .milliseconds(300))
    }

    @Test(.enabled(if: LoopbackEchoTests.hasIPv6Loopback, "this machine has no ::1"))
    func theIPv6LoopbackAnswersEveryEcho() throws {
        let (outcomes, elapsed) = try EngineRun.once([
            EngineRun.probe("lo6", host: "::1", count: 3, spacing: .milliseconds(100)),
        ])
        let outcome = try #require(outcomes["lo6"])
        #expect(outcome.observation.failure == nil)
        #expect(outcome.observation.slowness == nil)
        #expect(outcome.observation.latencyMicroseconds > 0)
        #expect(outcome.state == .up)
        #expect(elapsed >= .milliseconds(200))
    }

    @Test func manyRunsAtOnceToTheSameHostAllSucceed() throws {
        // On a raw socket every run sees every run's replies (and, on loopback, its requests): each keeps
        // only its own, so none of them counts a loss or a foreign reply.
        let probes = (0..<6).map { EngineRun.probe("lo\($0)", host: "127.0.0.1", count: 5, spacing: .milliseconds(60)) }
        let (outcomes, elapsed) = try EngineRun.once(probes)
        for probe in probes {
            let outcome = try #require(outcomes[probe.id])
            #expect(outcome.observation.failure == nil, "\(probe.id): \(outcome.observation.summary)")
            #expect(outcome.observation.slowness == nil, "\(probe.id): \(outcome.observation.summary)")
        }
        #expect(elapsed >= .milliseconds(240))
    }
}
