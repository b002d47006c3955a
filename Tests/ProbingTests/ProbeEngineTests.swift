import Diagnostics
import Monitoring
import Probing
import SimulatedSite
import Synchronization
import TestSupport
import Testing

/// The engine against real loopback servers: every result here crossed a real socket through libcurl.
@Suite struct ProbeEngineTests {
    final class Collector: Sendable {
        let outcomes = Mutex<[ProbeOutcome]>([])
        func add(_ batch: [ProbeOutcome]) { outcomes.withLock { $0 += batch } }
        func of(_ id: String) -> [ProbeOutcome] { outcomes.withLock { $0.filter { $0.observation.probeID == id } } }
    }

    func probe(_ id: String, _ check: ProbeCheck, interval: Duration = .milliseconds(100),
               timeout: Duration = .seconds(1), failuresToDown: Int = 3) -> ProbeDefinition {
        ProbeDefinition(id: id, name: id, check: check, interval: interval, timeout: timeout,
                        retryInterval: .milliseconds(50),
                        policy: DetectionPolicy(failuresToDown: failuresToDown, successesToUp: 2))
    }

    func http(_ url: String, status: StatusCodes = [200], body: String? = nil) -> ProbeCheck {
        .http(HTTPCheck(url: try! Endpoint(parsing: url, allowedSchemes: ["http", "https"]), expectStatus: status,
                        expectBody: body))
    }

    func run(_ probes: [ProbeDefinition], until done: (Collector) -> Bool) throws -> Collector {
        let collector = Collector()
        let engine = try ProbeEngine(probes: probes, logger: Logger(label: "test", sink: .discard)) { collector.add($0) }
        engine.start()
        let finished = eventually(timeout: .seconds(20)) { done(collector) }
        engine.stop(grace: .seconds(2))
        #expect(finished, "the engine did not produce the expected results in time")
        return collector
    }

    @Test func aHealthyPageIsUpWithStatusLatencyAndTimings() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "<p>Sign in</p>") }
        defer { server.stop() }
        let collector = try run([probe("ok", http("http://127.0.0.1:\(server.port)/", body: "Sign in"))]) {
            $0.of("ok").count >= 2
        }
        let first = try #require(collector.of("ok").first)
        #expect(first.observation.failure == nil)
        #expect(first.observation.httpStatus == 200)
        #expect(first.state == .up)
        #expect(first.observation.timings?.total ?? 0 > 0)
        #expect(first.observation.timings?.connect ?? 0 > 0)
    }

    @Test func aFailingPageGoesDownAfterThreeFailuresWithTheReason() throws {
        let server = try LoopbackServer { _ in .http(status: 503, body: "maintenance") }
        defer { server.stop() }
        let collector = try run([probe("cp", http("http://127.0.0.1:\(server.port)/"))]) {
            $0.of("cp").contains { $0.state == .down }
        }
        let outcomes = collector.of("cp")
        #expect(outcomes.prefix(3).map(\.state) == [.suspect, .suspect, .down])
        #expect(outcomes[0].observation.failure?.failureClass == .httpStatus)
        #expect(outcomes[0].observation.failure?.message == "HTTP 503 (expected 200)")
        #expect(outcomes[2].actions.contains { if case .openIncident = $0 { true } else { false } })
    }

    @Test func aMissingPhraseIsABodyMismatch() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "<h1>Service Unavailable</h1>") }
        defer { server.stop() }
        let collector = try run([probe("cp", http("http://127.0.0.1:\(server.port)/", body: "Sign in"))]) {
            !$0.of("cp").isEmpty
        }
        let failure = try #require(collector.of("cp").first?.observation.failure)
        #expect(failure.failureClass == .bodyMismatch)
        #expect(failure.message == "HTTP 200 but the page does not contain 'Sign in'")
    }

    @Test func aRefusedConnectionIsAConnectFailureForBothKinds() throws {
        // Bind and close a listener to get a port that refuses.
        let closed = try LoopbackServer { _ in .close }
        let port = closed.port
        closed.stop()
        let collector = try run([
            probe("web", http("http://127.0.0.1:\(port)/")),
            probe("gw", .tcp(try Endpoint(parsing: "tcp://127.0.0.1:\(port)", allowedSchemes: ["tcp"]))),
        ]) { !$0.of("web").isEmpty && !$0.of("gw").isEmpty }
        for id in ["web", "gw"] {
            let failure = try #require(collector.of(id).first?.observation.failure)
            #expect(failure.failureClass == .connect)
            #expect(failure.message.contains("127.0.0.1") && failure.message.contains("\(port)"))
            #expect(failure.errorCode == 7)
        }
    }

    @Test func anOpenTCPPortIsUp() throws {
        let gateway = try LoopbackServer(mode: .onAccept) { _ in .close }
        defer { gateway.stop() }
        let collector = try run([
            probe("gw", .tcp(try Endpoint(parsing: "tcp://127.0.0.1:\(gateway.port)", allowedSchemes: ["tcp"]))),
        ]) { !$0.of("gw").isEmpty }
        #expect(collector.of("gw").first?.observation.failure == nil)
        #expect(collector.of("gw").first?.state == .up)
    }

    @Test func aServerThatNeverAnswersTimesOutAtTimeoutAndDoesNotDelayOthers() throws {
        let silent = try LoopbackServer { _ in .silence }
        let healthy = try LoopbackServer { _ in .http(status: 200, body: "ok") }
        defer {
            silent.stop()
            healthy.stop()
        }
        let clock = ContinuousClock()
        let started = clock.now
        let collector = try run([
            probe("slow", http("http://127.0.0.1:\(silent.port)/"), timeout: .milliseconds(600)),
            probe("fast", http("http://127.0.0.1:\(healthy.port)/"), interval: .milliseconds(100)),
        ]) { !$0.of("slow").isEmpty }
        let elapsed = clock.now - started
        let failure = try #require(collector.of("slow").first?.observation.failure)
        #expect(failure.failureClass == .timeout)
        #expect(failure.message.contains("timed out"))
        #expect(elapsed < .seconds(5))
        // While the slow probe hung for 600 ms, the fast one kept running on the same loop.
        #expect(collector.of("fast").count >= 3)
    }

    @Test func aHugeBodyIsCutOffAndRecordedAsTooLarge() throws {
        let big = String(repeating: "x", count: 3 << 20)
        let server = try LoopbackServer { _ in .http(status: 200, body: big) }
        defer { server.stop() }
        let collector = try run([probe("big", http("http://127.0.0.1:\(server.port)/", body: "needle"))]) {
            !$0.of("big").isEmpty
        }
        let failure = try #require(collector.of("big").first?.observation.failure)
        #expect(failure.failureClass == .bodyTooLarge)
        #expect(failure.message.contains("larger than 1048576 bytes"))
    }
}
