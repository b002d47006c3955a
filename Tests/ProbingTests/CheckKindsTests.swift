import Diagnostics
import Monitoring
import Probing
import SimulatedSite
import Synchronization
import TestSupport
import Testing

/// HTTP checks beyond status and phrase, SMTP conversations, and servers that misbehave — all on loopback.
@Suite struct CheckKindsTests {
    final class Collector: Sendable {
        let outcomes = Mutex<[ProbeOutcome]>([])
        func add(_ batch: [ProbeOutcome]) { outcomes.withLock { $0 += batch } }
        var all: [ProbeOutcome] { outcomes.withLock { $0 } }
    }

    /// Runs `probe` until `count` results arrive (at most 15 s) and returns them.
    func results(_ probe: ProbeDefinition, count: Int = 1) throws -> [Observation] {
        let collector = Collector()
        let engine = try ProbeEngine(probes: [probe], logger: Logger(label: "test", sink: .discard)) { collector.add($0) }
        engine.start()
        _ = eventually(timeout: .seconds(15)) { collector.all.count >= count }
        engine.stop(grace: .seconds(1))
        return collector.all.map(\.observation)
    }

    func http(_ server: LoopbackServer, path: String = "/", _ configure: (inout HTTPCheck) -> Void = { _ in },
              timeout: Duration = .seconds(2), maxLatency: Duration? = nil) -> ProbeDefinition {
        var check = HTTPCheck(url: try! Endpoint(parsing: "http://127.0.0.1:\(server.port)\(path)", allowedSchemes: ["http"]))
        configure(&check)
        return ProbeDefinition(id: "web", name: "web", check: .http(check), interval: .milliseconds(100), timeout: timeout,
                               retryInterval: .milliseconds(50), maxLatency: maxLatency)
    }

    func smtp(_ server: LoopbackServer, requireTLS: Bool, timeout: Duration = .seconds(2)) -> ProbeDefinition {
        let url = try! Endpoint(parsing: "smtp://127.0.0.1:\(server.port)", allowedSchemes: ["smtp"])
        return ProbeDefinition(id: "mail", name: "mail", check: .smtp(SMTPCheck(url: url, requireTLS: requireTLS)),
                               interval: .milliseconds(100), timeout: timeout)
    }

    /// A minimal SMTP responder; `startTLS` says whether EHLO offers STARTTLS (it never completes it).
    func smtpServer(offeringStartTLS startTLS: Bool) throws -> LoopbackServer {
        try LoopbackServer(mode: .onAccept) { _ in
            .conversation(greeting: "220 mx.test ESMTP\r\n") { line in
                let verb = line.uppercased()
                if verb.hasPrefix("EHLO") {
                    return startTLS ? "250-mx.test\r\n250-STARTTLS\r\n250 SIZE 1000000\r\n" : "250-mx.test\r\n250 SIZE 1000000\r\n"
                }
                if verb.hasPrefix("STARTTLS") { return "454 TLS not available due to temporary reason\r\n" }
                if verb.hasPrefix("QUIT") { return nil }
                return "250 OK\r\n"
            }
        }
    }

    @Test func aPageShowingAMaintenanceNoticeIsRejected() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "<p>Sign in</p><p>Planned maintenance tonight</p>") }
        defer { server.stop() }
        let failure = try #require(try results(http(server) { $0.expectBody = "Sign in"; $0.rejectBody = "maintenance" }).first?.failure)
        #expect(failure.failureClass == .bodyMismatch)
        #expect(failure.message == "HTTP 200 but the page contains 'maintenance'")
    }

    @Test func regularExpressionsMustAndMustNotMatch() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "<title>Case list (42 cases)</title>") }
        defer { server.stop() }
        #expect(try results(http(server) { $0.expectBodyPattern = #"\(\d+ cases\)"# }).first?.failure == nil)
        let missing = try #require(try results(http(server) { $0.expectBodyPattern = #"Sign in"# }).first?.failure)
        #expect(missing.message == "HTTP 200 but the page does not match /Sign in/")
        let present = try #require(try results(http(server) { $0.rejectBodyPattern = #"\d+ cases"# }).first?.failure)
        #expect(present.message == #"HTTP 200 but the page matches /\d+ cases/"#)
    }

    @Test func headersAndBasicCredentialsAreSent() throws {
        let server = try LoopbackServer { request in
            let headers = Dictionary(request?.headers.map { ($0.name.lowercased(), $0.value) } ?? [], uniquingKeysWith: { a, _ in a })
            // "probe:secret" in base64
            guard headers["authorization"] == "Basic cHJvYmU6c2VjcmV0", headers["x-courtwatch-site"] == "leicester" else {
                return .http(status: 401, body: "who are you")
            }
            return .http(status: 200, body: "welcome")
        }
        defer { server.stop() }
        let denied = try #require(try results(http(server)).first?.failure)
        #expect(denied.message == "HTTP 401 (expected 200)")
        let allowed = try results(http(server) {
            $0.headers = ["X-Courtwatch-Site: leicester"]
            $0.credentials = Credentials(username: "probe", password: "secret", file: "test")
        })
        #expect(allowed.first?.failure == nil)
    }

    @Test func redirectsAreFollowedOnlyWhenAskedTo() throws {
        let server = try LoopbackServer { request in
            request?.path == "/" ? .http(status: 301, body: "", headers: ["Location: /signin"])
                : .http(status: 200, body: "Sign in")
        }
        defer { server.stop() }
        #expect(try results(http(server)).first?.failure?.message == "HTTP 301 (expected 200)")
        #expect(try results(http(server) { $0.followRedirects = true; $0.expectBody = "Sign in" }).first?.failure == nil)
    }

    @Test func answersSlowerThanMaxLatencyAreSlowAndConfirmedAsDegraded() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "ok", delay: .milliseconds(150)) }
        defer { server.stop() }
        let collector = Collector()
        let engine = try ProbeEngine(probes: [http(server, maxLatency: .milliseconds(50))],
                                     logger: Logger(label: "test", sink: .discard)) { collector.add($0) }
        engine.start()
        let degraded = eventually(timeout: .seconds(15)) { collector.all.contains { $0.state == .degraded } }
        engine.stop(grace: .seconds(1))
        #expect(degraded)
        let slowness = try #require(collector.all.first?.observation.slowness)
        #expect(slowness.hasSuffix("MaxLatency=50ms"))
        #expect(collector.all.first?.observation.failure == nil)
    }

    @Test func aTricklingServerIsCutOffAtTimeout() throws {
        let server = try LoopbackServer { _ in .trickle(body: String(repeating: "x", count: 100), every: .milliseconds(200)) }
        defer { server.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        let failure = try #require(try results(http(server, timeout: .milliseconds(700))).first?.failure)
        #expect(failure.failureClass == .timeout)
        #expect(clock.now - started < .seconds(5))
    }

    @Test func smtpWithoutSTARTTLSFailsWhenTLSIsRequiredAndPassesWhenNot() throws {
        let server = try smtpServer(offeringStartTLS: false)
        defer { server.stop() }
        let failure = try #require(try results(smtp(server, requireTLS: true)).first?.failure)
        #expect(failure.failureClass == .startTLSRefused)
        #expect(failure.errorCode == 64)
        #expect(try results(smtp(server, requireTLS: false)).first?.failure == nil)
    }

    @Test func smtpThatOffersSTARTTLSButCannotCompleteItFails() throws {
        let server = try smtpServer(offeringStartTLS: true)
        defer { server.stop() }
        let failure = try #require(try results(smtp(server, requireTLS: true)).first?.failure)
        #expect(failure.failureClass == .startTLSRefused || failure.failureClass == .tls)
        #expect(failure.message.contains("STARTTLS") || failure.message.contains("TLS"))
    }

    @Test func anSMTPServerThatNeverGreetsTimesOut() throws {
        let server = try LoopbackServer(mode: .onAccept) { _ in .silence }
        defer { server.stop() }
        let failure = try #require(try results(smtp(server, requireTLS: false, timeout: .milliseconds(600))).first?.failure)
        #expect(failure.failureClass == .timeout)
    }

    /// A minimal IMAP responder: no STARTTLS, LOGIN accepted only for probe/secret.
    func imapServer() throws -> LoopbackServer {
        try LoopbackServer(mode: .onAccept) { _ in
            .conversation(greeting: "* OK IMAP4rev1 test server ready\r\n") { line in
                let words = line.split(separator: " ")
                guard let tag = words.first, words.count >= 2 else { return "* BAD\r\n" }
                switch words[1].uppercased() {
                case "CAPABILITY": return "* CAPABILITY IMAP4rev1\r\n\(tag) OK CAPABILITY completed\r\n"
                case "LOGIN":
                    return words.count == 4 && words[2] == "probe" && words[3] == "secret"
                        ? "\(tag) OK LOGIN completed\r\n" : "\(tag) NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"
                case "LOGOUT": return "* BYE\r\n\(tag) OK\r\n"
                default: return "\(tag) BAD unknown command\r\n"
                }
            }
        }
    }

    func imap(_ server: LoopbackServer, requireTLS: Bool, login: (String, String)? = nil) -> ProbeDefinition {
        let url = try! Endpoint(parsing: "imap://127.0.0.1:\(server.port)", allowedSchemes: ["imap"])
        let credentials = login.map { Credentials(username: $0.0, password: $0.1, file: "test") }
        return ProbeDefinition(id: "imap", name: "imap",
                               check: .imap(IMAPCheck(url: url, requireTLS: requireTLS, credentials: credentials)),
                               interval: .milliseconds(100), timeout: .seconds(2))
    }

    @Test func imapRequiresSTARTTLSByDefaultAndChecksTheLogin() throws {
        let server = try imapServer()
        defer { server.stop() }
        #expect(try results(imap(server, requireTLS: true)).first?.failure?.failureClass == .startTLSRefused)
        #expect(try results(imap(server, requireTLS: false)).first?.failure == nil)
        #expect(try results(imap(server, requireTLS: false, login: ("probe", "secret"))).first?.failure == nil)
        let denied = try #require(try results(imap(server, requireTLS: false, login: ("probe", "wrong"))).first?.failure)
        #expect(denied.failureClass == .loginDenied)
        #expect(denied.errorCode == 67)
    }

    func tcp(_ server: LoopbackServer, banner: String, timeout: Duration = .seconds(1)) -> ProbeDefinition {
        var probe = ProbeDefinition(id: "ssh", name: "ssh",
                                    check: .tcp(try! Endpoint(parsing: "tcp://127.0.0.1:\(server.port)", allowedSchemes: ["tcp"])),
                                    interval: .milliseconds(100), timeout: timeout)
        probe.expectBanner = banner
        return probe
    }

    @Test func aTCPBannerMustSayWhatIsExpected() throws {
        let ssh = try LoopbackServer(mode: .onAccept) { _ in .raw("SSH-2.0-OpenSSH_9.2p1 Debian\r\n") }
        defer { ssh.stop() }
        let good = try results(tcp(ssh, banner: "SSH-2.0-")).first
        #expect(good?.failure == nil)
        let wrong = try #require(try results(tcp(ssh, banner: "220 ")).first?.failure)
        #expect(wrong.failureClass == .protocolError)
        #expect(wrong.message == "the server closed the connection after 'SSH-2.0-OpenSSH_9.2p1 Debian' without '220 '")

        let closed = try LoopbackServer { _ in .close }
        let port = closed.port
        closed.stop()
        var refused = ProbeDefinition(id: "r", name: "r", check: .tcp(try Endpoint(parsing: "tcp://127.0.0.1:\(port)", allowedSchemes: ["tcp"])),
                                      interval: .milliseconds(100), timeout: .seconds(1))
        refused.expectBanner = "220 "
        let refusal = try #require(try results(refused).first?.failure)
        #expect(refusal.failureClass == .connect)
        #expect(refusal.message == "cannot connect to tcp://127.0.0.1:\(port): Connection refused")

        let silent = try LoopbackServer(mode: .onAccept) { _ in .silence }
        defer { silent.stop() }
        let quiet = try #require(try results(tcp(silent, banner: "220 ", timeout: .milliseconds(400))).first?.failure)
        #expect(quiet.failureClass == .timeout)
        #expect(quiet.message == "no banner within 400ms")
    }
}
