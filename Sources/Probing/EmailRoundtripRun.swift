import Curl
import Foundation
import Sockets
import Monitoring

/// One run of an `email-roundtrip` probe: submit a canary over SMTP, poll INBOX over IMAP every
/// `RetryInterval=` until it arrives or `Deadline=` passes, then delete it — together with any canary an
/// earlier run of the same probe left behind (one that arrived after its deadline, or whose deletion
/// failed), so the mailbox never fills with them. Nothing of the message is kept but its tag. The run ends by `startedMono + Deadline + Timeout` at the latest: every transfer's timeout is
/// clamped to what is left of that.
final class EmailRoundtripRun: TransferSequence {
    private enum Stage {
        case submit
        case search
        /// Cleanup after the canary was found; `delivered` is the run's result whatever cleanup does.
        /// First every canary of this probe (earlier runs' leftovers too), then flag them and expunge.
        case sweep(uid: String, delivered: Observation)
        case flagDeleted(uids: [String], delivered: Observation)
        case expunge(delivered: Observation)
    }

    private let probe: ProbeDefinition
    private let check: EmailRoundtripCheck
    private let startedAt: Timestamp
    private let startedMono: Int64
    private let runEnd: Int64
    /// Random hex naming this run's canary, in its Subject and in `X-Courtwatch-Canary`.
    let tag: String
    private var stage = Stage.submit
    private var submittedMono: Int64 = 0
    private var pollDeadline: Int64 = 0

    init(probe: ProbeDefinition, check: EmailRoundtripCheck, startedAt: Timestamp, startedMono: Int64,
         tag: String = String(UInt64.random(in: 1...UInt64.max), radix: 16)) {
        self.probe = probe
        self.check = check
        self.startedAt = startedAt
        self.startedMono = startedMono
        self.tag = tag
        runEnd = startedMono + (check.deadline + probe.timeout).nanoseconds
    }

    func configureNext(_ easy: CurlEasy) throws(CurlSetupError) {
        let left = max(1, Int((runEnd - SystemClock.monotonicNanoseconds()) / 1_000_000))
        let timeout = min(Int(probe.timeout.milliseconds), left)
        try easy.setTimeouts(totalMilliseconds: timeout, connectMilliseconds: timeout)
        try easy.setVerifyTLS(probe.verifyTLS)
        try easy.setLogin(username: check.credentials.username, password: check.credentials.password)
        switch stage {
        case .submit:
            try easy.setURL(check.submitURL.description)
            try easy.setProtocols("smtp,smtps", redirectProtocols: "smtp,smtps")
            try easy.setRequireTLS(check.requireTLS && check.submitURL.scheme == "smtp")
            try easy.setMailFrom("<\(check.from)>")
            try easy.setMailRecipients(["<\(check.to)>"])
            try easy.setUpload(Array(message().utf8))
        case .search:
            try configureMailbox(easy, command: "UID SEARCH HEADER X-Courtwatch-Canary \(tag)")
        case .sweep:
            try configureMailbox(easy, command: "UID SEARCH HEADER X-Courtwatch-Probe \"\(probeMark)\"")
        case .flagDeleted(let uids, _):
            try configureMailbox(easy, command: "UID STORE \(uids.joined(separator: ",")) +FLAGS (\\Deleted)")
        case .expunge:
            try configureMailbox(easy, command: "EXPUNGE")
        }
    }

    func finished(_ easy: CurlEasy, error: CurlError?, now: Int64) -> SequenceStep {
        switch stage {
        case .submit:
            if let error { return .done(failure(error, doing: "submitting to \(check.submitURL)")) }
            submittedMono = now
            pollDeadline = now + check.deadline.nanoseconds
            stage = .search
            return .next(after: .zero)
        case .search:
            if let error {
                if now >= pollDeadline { return .done(notDelivered()) }
                return .done(failure(error, doing: "searching \(check.readURL) for the canary"))
            }
            if let uid = Self.uids(inSearchResponse: easy.body).first {
                let delivered = success(latencyNanoseconds: now - submittedMono)
                return cleanUp(next: .sweep(uid: uid, delivered: delivered), delivered: delivered, now: now)
            }
            if now >= pollDeadline { return .done(notDelivered()) }
            let wait = min(probe.retryInterval.nanoseconds, pollDeadline - now)
            return .next(after: .nanoseconds(wait))
        case .sweep(let uid, let delivered):
            // If the wider search fails, this run's own canary is still deleted.
            let found = error == nil ? Self.uids(inSearchResponse: easy.body) : []
            let uids = found.contains(uid) ? found : [uid] + found
            return cleanUp(next: .flagDeleted(uids: uids, delivered: delivered), delivered: delivered, now: now)
        case .flagDeleted(_, let delivered):
            // Cleanup is best effort: the canary was delivered whatever happens to its deletion.
            return error == nil ? cleanUp(next: .expunge(delivered: delivered), delivered: delivered, now: now)
                : .done(delivered)
        case .expunge(let delivered):
            return .done(delivered)
        }
    }

    /// The next cleanup transfer, unless the run is out of time (then the delivery result stands alone).
    private func cleanUp(next: Stage, delivered: Observation, now: Int64) -> SequenceStep {
        guard runEnd - now > 100_000_000 else { return .done(delivered) }
        stage = next
        return .next(after: .zero)
    }

    private func configureMailbox(_ easy: CurlEasy, command: String) throws(CurlSetupError) {
        // curl SELECTs the mailbox named in the path, then sends the command; untagged replies become the body.
        try easy.setURL(check.readURL.description + "/INBOX")
        try easy.setProtocols("imap,imaps", redirectProtocols: "imap,imaps")
        try easy.setRequireTLS(check.requireTLS && check.readURL.scheme == "imap")
        try easy.setCustomRequest(command)
        easy.setBodyLimit(64 * 1024, keep: true)
    }

    /// The canary: headers that identify it and one line that says what it is. Never anything else.
    private func message() -> String {
        let domain = check.from.split(separator: "@").last.map(String.init) ?? "courtwatch.invalid"
        let lines = [
            "From: <\(check.from)>",
            "To: <\(check.to)>",
            "Date: \(Self.rfc5322Date(startedAt))",
            "Message-ID: <courtwatch.\(tag)@\(domain)>",
            "Subject: courtwatch canary \(tag)",
            "X-Courtwatch-Canary: \(tag)",
            "X-Courtwatch-Probe: \(probeMark)",
            "",
            "Delivery canary sent by courtwatch (probe \(probe.id)); it deletes this message when it arrives.",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func success(latencyNanoseconds: Int64) -> Observation {
        var observation = Observation(probeID: probe.id, at: startedAt, latencyMicroseconds: latencyNanoseconds / 1000)
        if let limit = probe.maxLatency, observation.latencyMicroseconds > limit.microseconds {
            observation.slowness = "canary delivered in \(latencyNanoseconds / 1_000_000) ms; "
                + "MaxLatency=\(limit.configText)"
        }
        return observation
    }

    private func notDelivered() -> Observation {
        let submittedAt = startedAt + .nanoseconds(submittedMono - startedMono)
        return Observation(probeID: probe.id, at: startedAt, failure: FailureEvidence(
            failureClass: .timeout,
            message: "canary \(tag) submitted at \(submittedAt.iso8601) not delivered within \(check.deadline.configText)"),
            latencyMicroseconds: check.deadline.microseconds)
    }

    private func failure(_ error: CurlError, doing what: String) -> Observation {
        var observation = Observation(probeID: probe.id, at: startedAt, failure: FailureEvidence(
            failureClass: CheckRequest.failureClass(error.category), message: "\(what): \(error)",
            errorCode: Int(error.code)))
        if error.category == .timeout { observation.latencyMicroseconds = probe.timeout.microseconds }
        return observation
    }

    /// Names this probe's canaries for the sweep: `probe=ID; host=HOST;`, delimited so that a search for one
    /// probe's (IMAP SEARCH HEADER matches substrings) never finds another's whose ID begins the same way. The
    /// host name is part of it so two installations sharing a mailbox with the same probe ID never sweep each
    /// other's canary in flight (runs of one probe on one host never overlap, so its leftovers are never in
    /// flight).
    var probeMark: String { "probe=\(probe.id); host=\(Self.hostName);" }

    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Only what is safe inside a quoted IMAP string and a header.
        let safe = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
        return safe.isEmpty ? "unknown" : safe
    }()

    /// The UIDs of untagged `* SEARCH 17 18` lines, in order; empty when the search found nothing.
    static func uids(inSearchResponse body: [UInt8]) -> [String] {
        var found: [String] = []
        for line in String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            guard words.count >= 3, words[0] == "*", words[1].uppercased() == "SEARCH" else { continue }
            found += words[2...].filter { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }.map(String.init)
        }
        return found
    }

    /// `Sun, 22 Nov 2026 03:50:15 +0000`.
    static func rfc5322Date(_ time: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000))
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
