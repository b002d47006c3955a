import Diagnostics
import Foundation
import Monitoring
@testable import Probing
import SimulatedSite
import Synchronization
import TestSupport
import Testing

/// The email canary end to end on loopback: a fake submission server and a fake IMAP server share one
/// in-memory mailbox, and the engine runs the probe once.
@Suite struct EmailRoundtripTests {
    /// One mailbox, written by the SMTP server and read by the IMAP server; a message becomes visible over
    /// IMAP `deliveryDelay` after its submission (never, when nil).
    final class Mailbox: Sendable {
        struct Message {
            var uid: Int
            var canaryTag: String?
            var probeMark: String?
            var subject: String?
            var visibleAt: ContinuousClock.Instant?
            var deleted = false
        }

        let deliveryDelay: Duration?
        private let state = Mutex<(messages: [Message], nextUID: Int, envelopes: [String])>(([], 17, []))

        init(deliveryDelay: Duration?) { self.deliveryDelay = deliveryDelay }

        func deliver(headers: [String], envelope: [String]) {
            func header(_ name: String) -> String? {
                headers.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                    .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
            }
            let visibleAt = deliveryDelay.map { ContinuousClock.now + $0 }
            state.withLock { mailbox in
                mailbox.messages.append(Message(uid: mailbox.nextUID, canaryTag: header("X-Courtwatch-Canary"),
                                                probeMark: header("X-Courtwatch-Probe"), subject: header("Subject"),
                                                visibleAt: visibleAt))
                mailbox.nextUID += 1
                mailbox.envelopes += envelope
            }
        }

        /// UIDs of visible, undeleted messages whose canary header is `tag`.
        func search(tag: String) -> [Int] {
            let now = ContinuousClock.now
            return state.withLock { mailbox in
                mailbox.messages.filter { message in
                    message.canaryTag == tag && !message.deleted && message.visibleAt.map { $0 <= now } == true
                }.map(\.uid)
            }
        }

        /// UIDs of visible, undeleted messages whose probe header contains `mark` (IMAP: a substring match).
        func search(probeMark mark: String) -> [Int] {
            state.withLock { mailbox in
                mailbox.messages.filter { $0.probeMark?.contains(mark) == true && !$0.deleted }.map(\.uid)
            }
        }

        /// Puts a message in the mailbox as if it had arrived earlier (a leftover canary, or someone's mail).
        func plant(canaryTag: String?, probeMark: String?, subject: String) {
            state.withLock { mailbox in
                mailbox.messages.append(Message(uid: mailbox.nextUID, canaryTag: canaryTag, probeMark: probeMark,
                                                subject: subject, visibleAt: ContinuousClock.now))
                mailbox.nextUID += 1
            }
        }

        func flagDeleted(uid: Int) {
            state.withLock { mailbox in
                for index in mailbox.messages.indices where mailbox.messages[index].uid == uid {
                    mailbox.messages[index].deleted = true
                }
            }
        }

        func expunge() { state.withLock { $0.messages.removeAll { $0.deleted } } }

        var messages: [Message] { state.withLock { $0.messages } }
        var envelopes: [String] { state.withLock { $0.envelopes } }
        var submitted: Int { state.withLock { $0.nextUID - 17 } }
    }

    /// What one SMTP connection is in the middle of.
    final class SMTPSession: Sendable {
        enum Stage { case command, authContinuation, data }
        let state = Mutex<(stage: Stage, lines: [String], envelope: [String])>((.command, [], []))
    }

    /// "\0probe\0secret", the AUTH PLAIN answer for the test account.
    static let plainResponse = Data("\u{0}probe\u{0}secret".utf8).base64EncodedString()

    /// A submission server: EHLO offers AUTH, which accepts probe/secret unless `refusingAuth`.
    func smtpServer(_ mailbox: Mailbox, refusingAuth: Bool = false) throws -> LoopbackServer {
        try LoopbackServer(mode: .onAccept) { _ in
            let session = SMTPSession()
            return .conversation(greeting: "220 mx.test ESMTP\r\n") { line in
                session.state.withLock { state -> String? in
                    func authenticate(_ response: String) -> String {
                        state.stage = .command
                        return !refusingAuth && response == Self.plainResponse
                            ? "235 2.7.0 Authentication successful\r\n" : "535 5.7.8 Authentication credentials invalid\r\n"
                    }
                    switch state.stage {
                    case .authContinuation:
                        return authenticate(line)
                    case .data:
                        guard line == "." else {
                            state.lines.append(line)
                            return ""
                        }
                        mailbox.deliver(headers: state.lines.prefix { !$0.isEmpty }, envelope: state.envelope)
                        state = (.command, [], [])
                        return "250 2.0.0 OK queued\r\n"
                    case .command:
                        let verb = line.uppercased()
                        if verb.hasPrefix("EHLO") { return "250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000000\r\n" }
                        if verb.hasPrefix("AUTH PLAIN") {
                            let words = line.split(separator: " ")
                            if words.count == 3 { return authenticate(String(words[2])) }
                            state.stage = .authContinuation
                            return "334 \r\n"
                        }
                        if verb.hasPrefix("AUTH") { return "504 5.5.4 Unrecognized authentication type\r\n" }
                        if verb.hasPrefix("MAIL FROM:") || verb.hasPrefix("RCPT TO:") {
                            state.envelope.append(line)
                            return "250 2.1.0 OK\r\n"
                        }
                        if verb == "DATA" {
                            state.stage = .data
                            return "354 End data with <CR><LF>.<CR><LF>\r\n"
                        }
                        if verb == "QUIT" { return "221 2.0.0 Bye\r\n" }
                        return "502 5.5.2 Command not recognized\r\n"
                    }
                }
            }
        }
    }

    /// An IMAP server over the same mailbox: LOGIN probe/secret, SELECT INBOX, UID SEARCH/STORE, EXPUNGE.
    func imapServer(_ mailbox: Mailbox) throws -> LoopbackServer {
        try LoopbackServer(mode: .onAccept) { _ in
            .conversation(greeting: "* OK IMAP4rev1 test server ready\r\n") { line in
                let words = line.split(separator: " ").map(String.init)
                guard let tag = words.first, words.count >= 2 else { return "* BAD\r\n" }
                switch words[1].uppercased() {
                case "CAPABILITY": return "* CAPABILITY IMAP4rev1\r\n\(tag) OK CAPABILITY completed\r\n"
                case "LOGIN":
                    return words.count == 4 && words[2] == "probe" && words[3] == "secret"
                        ? "\(tag) OK LOGIN completed\r\n" : "\(tag) NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"
                case "SELECT", "EXAMINE":
                    guard words.count == 3, words[2].uppercased() == "INBOX" else { return "\(tag) NO no such mailbox\r\n" }
                    return "* FLAGS (\\Deleted \\Seen)\r\n* \(mailbox.messages.count) EXISTS\r\n"
                        + "* OK [UIDVALIDITY 1] UIDs valid\r\n\(tag) OK [READ-WRITE] SELECT completed\r\n"
                case "UID" where words.count >= 6 && words[2].uppercased() == "SEARCH"
                    && words[3].uppercased() == "HEADER" && words[4].lowercased() == "x-courtwatch-canary":
                    let found = mailbox.search(tag: words[5]).map(String.init).joined(separator: " ")
                    return "* SEARCH\(found.isEmpty ? "" : " " + found)\r\n\(tag) OK SEARCH completed\r\n"
                case "UID" where words.count >= 6 && words[2].uppercased() == "SEARCH"
                    && words[3].uppercased() == "HEADER" && words[4].lowercased() == "x-courtwatch-probe":
                    let quoted = words[5...].joined(separator: " ")
                    guard quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") else {
                        return "\(tag) BAD expected a quoted string\r\n"
                    }
                    let found = mailbox.search(probeMark: String(quoted.dropFirst().dropLast()))
                        .map(String.init).joined(separator: " ")
                    return "* SEARCH\(found.isEmpty ? "" : " " + found)\r\n\(tag) OK SEARCH completed\r\n"
                case "UID" where words.count >= 6 && words[2].uppercased() == "STORE" && words[4] == "+FLAGS":
                    let uids = words[3].split(separator: ",").compactMap { Int($0) }
                    guard !uids.isEmpty else { return "\(tag) BAD not a UID set\r\n" }
                    uids.forEach(mailbox.flagDeleted)
                    return uids.map { "* 1 FETCH (UID \($0) FLAGS (\\Deleted))\r\n" }.joined()
                        + "\(tag) OK STORE completed\r\n"
                case "EXPUNGE":
                    mailbox.expunge()
                    return "* 1 EXPUNGE\r\n\(tag) OK EXPUNGE completed\r\n"
                case "LOGOUT": return "* BYE\r\n\(tag) OK LOGOUT completed\r\n"
                default: return "\(tag) BAD unknown command\r\n"
                }
            }
        }
    }

    func probe(submit: LoopbackServer, read: LoopbackServer, deadline: Duration = .seconds(5),
               maxLatency: Duration? = nil) throws -> ProbeDefinition {
        let check = EmailRoundtripCheck(
            submitURL: try Endpoint(parsing: "smtp://127.0.0.1:\(submit.port)", allowedSchemes: ["smtp"]),
            readURL: try Endpoint(parsing: "imap://127.0.0.1:\(read.port)", allowedSchemes: ["imap"]),
            credentials: Credentials(username: "probe", password: "secret", file: "test"),
            from: "canary@court.test", to: "canary-inbox@court.test", deadline: deadline, requireTLS: false)
        return ProbeDefinition(id: "canary", name: "canary", check: .emailRoundtrip(check), interval: .seconds(60),
                               timeout: .seconds(2), retryInterval: .milliseconds(100), maxLatency: maxLatency)
    }

    /// Runs `probe` once (`courtwatch sweep` style) and returns its observation.
    func runOnce(_ probe: ProbeDefinition) throws -> Observation? {
        let observations = Mutex<[Observation]>([])
        let engine = try ProbeEngine(probes: [probe], mode: .once, logger: Logger(label: "test", sink: .discard)) { batch in
            observations.withLock { $0 += batch.map(\.observation) }
        }
        engine.start()
        engine.waitUntilFinished()
        return observations.withLock { $0.first }
    }

    @Test func aPromptlyDeliveredCanarySucceedsWithItsDeliveryTimeAndIsDeleted() throws {
        let mailbox = Mailbox(deliveryDelay: .milliseconds(300))
        let submit = try smtpServer(mailbox)
        let read = try imapServer(mailbox)
        defer { submit.stop(); read.stop() }
        let observation = try #require(try runOnce(probe(submit: submit, read: read)))
        #expect(observation.failure == nil)
        #expect(observation.slowness == nil)
        #expect(observation.latencyMicroseconds >= 300_000)
        #expect(observation.latencyMicroseconds < 1_500_000)
        #expect(mailbox.submitted == 1)
        #expect(mailbox.messages.isEmpty, "the canary is expunged once found")
        #expect(mailbox.envelopes.first?.hasPrefix("MAIL FROM:<canary@court.test>") == true)
        #expect(mailbox.envelopes.last == "RCPT TO:<canary-inbox@court.test>")
    }

    /// Leftovers of earlier runs of the same probe (arrived after their deadline, or their deletion failed)
    /// go with this run's canary; another probe's canary and ordinary mail stay.
    @Test func aDeliveredCanarySweepsThisProbesLeftoversAndNothingElse() throws {
        let mailbox = Mailbox(deliveryDelay: .milliseconds(100))
        let submit = try smtpServer(mailbox)
        let read = try imapServer(mailbox)
        defer { submit.stop(); read.stop() }
        let definition = try probe(submit: submit, read: read)
        let mark = "probe=canary; host=\(EmailRoundtripRun.hostName);"
        mailbox.plant(canaryTag: "old1", probeMark: mark, subject: "courtwatch canary old1")
        mailbox.plant(canaryTag: "old2", probeMark: mark, subject: "courtwatch canary old2")
        mailbox.plant(canaryTag: "theirs", probeMark: "probe=canary-2; host=\(EmailRoundtripRun.hostName);",
                      subject: "courtwatch canary theirs")
        mailbox.plant(canaryTag: "elsewhere", probeMark: "probe=canary; host=other-court-host;",
                      subject: "courtwatch canary elsewhere")
        mailbox.plant(canaryTag: nil, probeMark: nil, subject: "Listing for Monday")
        let observation = try #require(try runOnce(definition))
        #expect(observation.failure == nil)
        #expect(mailbox.envelopes.filter { $0.hasPrefix("MAIL FROM:") }.count == 1, "one canary submitted")
        #expect(mailbox.messages.map(\.subject) == ["courtwatch canary theirs", "courtwatch canary elsewhere",
                                                     "Listing for Monday"])
    }

    @Test func aCanaryThatNeverArrivesFailsAtTheDeadline() throws {
        let mailbox = Mailbox(deliveryDelay: nil)
        let submit = try smtpServer(mailbox)
        let read = try imapServer(mailbox)
        defer { submit.stop(); read.stop() }
        let clock = ContinuousClock()
        let started = clock.now
        let failure = try #require(try runOnce(probe(submit: submit, read: read, deadline: .seconds(1)))?.failure)
        let elapsed = clock.now - started
        #expect(failure.failureClass == .timeout)
        let tag = try #require(mailbox.messages.first?.canaryTag)
        #expect(tag.count >= 8 && tag.allSatisfy(\.isHexDigit))
        #expect(mailbox.messages.first?.subject == "courtwatch canary \(tag)")
        #expect(failure.message.hasPrefix("canary \(tag) submitted at "))
        #expect(failure.message.hasSuffix(" not delivered within 1s"))
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(4))
    }

    @Test func aSubmissionServerThatRefusesTheLoginIsLoginDenied() throws {
        let mailbox = Mailbox(deliveryDelay: .zero)
        let submit = try smtpServer(mailbox, refusingAuth: true)
        let read = try imapServer(mailbox)
        defer { submit.stop(); read.stop() }
        let failure = try #require(try runOnce(probe(submit: submit, read: read))?.failure)
        #expect(failure.failureClass == .loginDenied)
        #expect(failure.errorCode == 67)
        #expect(failure.message.hasPrefix("submitting to smtp://127.0.0.1:\(submit.port): "))
        #expect(mailbox.submitted == 0)
    }

    @Test func aCanaryDeliveredLaterThanMaxLatencyIsSlow() throws {
        let mailbox = Mailbox(deliveryDelay: .milliseconds(400))
        let submit = try smtpServer(mailbox)
        let read = try imapServer(mailbox)
        defer { submit.stop(); read.stop() }
        let observation = try #require(try runOnce(probe(submit: submit, read: read, maxLatency: .milliseconds(100))))
        #expect(observation.failure == nil)
        let slowness = try #require(observation.slowness)
        #expect(slowness.hasPrefix("canary delivered in "))
        #expect(slowness.hasSuffix("MaxLatency=100ms"))
        #expect(mailbox.messages.isEmpty)
    }
}
