import Curl
import Monitoring

/// Configures an easy handle for one run of a probe, and reads its result as an observation.
enum CheckRequest {
    static let userAgent = "courtwatch/0.1 (+IT failure monitor)"
    /// The most body bytes read from an answer; a larger one is a failure (a probe must not buffer 1 GiB).
    static let bodyLimit = 1 << 20

    static func configure(_ easy: CurlEasy, for probe: ProbeDefinition) throws(CurlSetupError) {
        try configureCommon(easy, for: probe)
        switch probe.check {
        case .http(let check):
            try easy.setURL(check.url.description)
            try easy.setProtocols("http,https", redirectProtocols: "http,https")
            try easy.setFollowRedirects(check.followRedirects)
            try easy.setVerifyTLS(probe.verifyTLS)
            if check.method == "HEAD" { try easy.setNoBody(true) }
            if !check.headers.isEmpty { try easy.setHeaders(check.headers) }
            if let credentials = check.credentials {
                try easy.setBasicAuthentication(username: credentials.username, password: credentials.password)
            }
            if check.url.scheme == "https" && probe.certificateExpiryWarning != nil {
                try easy.setCollectCertificateInfo(true)
            }
            easy.setBodyLimit(bodyLimit, keep: check.needsBody)
        case .tcp(let endpoint):
            // CONNECT_ONLY with an http:// URL opens the TCP connection and stops there.
            let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
            try easy.setURL("http://\(host):\(endpoint.port)/")
            try easy.setProtocols("http", redirectProtocols: "http")
            try easy.setConnectOnly(true)
        case .smtp(let check):
            // CONNECT_ONLY runs greeting, EHLO and (with USE_SSL) STARTTLS and the TLS handshake, then stops.
            try easy.setURL(check.url.description)
            try easy.setProtocols("smtp,smtps", redirectProtocols: "smtp,smtps")
            try easy.setRequireTLS(check.requireTLS && check.url.scheme == "smtp")
            try easy.setVerifyTLS(probe.verifyTLS)
            try easy.setCollectCertificateInfo(probe.certificateExpiryWarning != nil)
            try easy.setConnectOnly(true)
        case .imap(let check):
            // CONNECT_ONLY runs greeting, CAPABILITY, STARTTLS and (with credentials) the login, then stops.
            try easy.setURL(check.url.description + "/")
            try easy.setProtocols("imap,imaps", redirectProtocols: "imap,imaps")
            try easy.setRequireTLS(check.requireTLS && check.url.scheme == "imap")
            try easy.setVerifyTLS(probe.verifyTLS)
            try easy.setCollectCertificateInfo(probe.certificateExpiryWarning != nil)
            if let credentials = check.credentials {
                try easy.setLogin(username: credentials.username, password: credentials.password)
            }
            try easy.setConnectOnly(true)
        case .emailRoundtrip:
            throw CurlSetupError(operation: "a \(probe.check.kindName) probe",
                                 message: "this kind runs as a sequence of transfers (TransferSequences.make)")
        case .dns, .icmp, .heartbeat, .userReports:
            throw CurlSetupError(operation: "a \(probe.check.kindName) probe",
                                 message: "this kind is not run through libcurl")
        }
    }

    /// What every transfer of a probe shares: its timeout, a fresh connection, the user agent, the CA file.
    static func configureCommon(_ easy: CurlEasy, for probe: ProbeDefinition) throws(CurlSetupError) {
        let timeout = Int(probe.timeout.milliseconds)
        try easy.setTimeouts(totalMilliseconds: timeout, connectMilliseconds: timeout)
        try easy.setFreshConnection(true)
        try easy.setUserAgent(userAgent)
        if let caFile = probe.caFile { try easy.setCertificateAuthorityFile(caFile) }
    }

    /// The observation for a finished transfer, with `MaxLatency=` applied.
    static func observation(for probe: ProbeDefinition, easy: CurlEasy, error: CurlError?, startedAt: Timestamp)
        -> Observation
    {
        var observation = judge(probe, easy: easy, error: error, startedAt: startedAt)
        // Kept even when the run failed after the handshake (an HTTP 500 still showed its certificate).
        observation.certificateExpiry = easy.certificateExpiryTexts.first.flatMap(CertificateDate.parse)
        if observation.failure == nil, observation.slowness == nil, let limit = probe.certificateExpiryWarning,
           let expires = observation.certificateExpiry, expires - startedAt < limit {
            let days = (expires - startedAt).milliseconds / 86_400_000
            observation.slowness = "TLS certificate expires in \(days) day\(days == 1 ? "" : "s") "
                + "(\(expires.iso8601.prefix(10))); CertExpiryWarn=\(limit.configText)"
        }
        if observation.failure == nil, observation.slowness == nil, let limit = probe.maxLatency,
           observation.latencyMicroseconds > limit.microseconds {
            observation.slowness = "answered in \(observation.latencyMicroseconds / 1000) ms; MaxLatency=\(limit.configText)"
        }
        return observation
    }

    private static func judge(_ probe: ProbeDefinition, easy: CurlEasy, error: CurlError?, startedAt: Timestamp)
        -> Observation
    {
        let timings = easy.timings
        let phases = PhaseTimings(dns: timings.nameLookup, connect: timings.connect, tls: timings.tlsHandshake,
                                  firstByte: timings.firstByte, total: timings.total)
        var observation = Observation(probeID: probe.id, at: startedAt, latencyMicroseconds: timings.total,
                                      timings: phases)
        switch probe.check {
        case .tcp:
            observation.latencyMicroseconds = timings.connect
        case .smtp, .imap:
            // A CONNECT_ONLY conversation ends at its last handshake step, whichever phase that was.
            if error == nil {
                observation.latencyMicroseconds = max(timings.total, timings.tlsHandshake, timings.connect)
            }
        default:
            break
        }
        if let error {
            observation.failure = FailureEvidence(failureClass: failureClass(error.category), message: error.description,
                                                  errorCode: Int(error.code))
            if error.category == .timeout { observation.latencyMicroseconds = probe.timeout.microseconds }
            return observation
        }
        guard case .http(let check) = probe.check else { return observation }
        let status = easy.responseCode
        observation.httpStatus = status
        if !check.expectStatus.contains(status) {
            let expected = check.expectStatus.description
            observation.failure = FailureEvidence(failureClass: .httpStatus,
                                                  message: "HTTP \(status) (expected \(expected))")
        } else if let problem = bodyProblem(check, body: easy.body) {
            observation.failure = FailureEvidence(failureClass: .bodyMismatch, message: "HTTP \(status) but \(problem)")
        }
        return observation
    }

    /// What is wrong with the page, or nil when it passes every body check.
    static func bodyProblem(_ check: HTTPCheck, body: [UInt8]) -> String? {
        guard check.needsBody else { return nil }
        if let needle = check.expectBody, !body.contains(subsequence: Array(needle.utf8)) {
            return "the page does not contain '\(needle)'"
        }
        if let needle = check.rejectBody, body.contains(subsequence: Array(needle.utf8)) {
            return "the page contains '\(needle)'"
        }
        let text = String(decoding: body, as: UTF8.self)
        if let pattern = check.expectBodyPattern, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
            return "the page does not match /\(pattern)/"
        }
        if let pattern = check.rejectBodyPattern, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) != nil {
            return "the page matches /\(pattern)/"
        }
        return nil
    }

    static func failureClass(_ category: CurlError.Category) -> FailureClass {
        switch category {
        case .resolve: .dns
        case .connect: .connect
        case .timeout: .timeout
        case .tls: .tls
        case .tooLarge: .bodyTooLarge
        case .startTLSRefused: .startTLSRefused
        case .loginDenied: .loginDenied
        case .protocolError: .protocolError
        case .receive: .network
        case .aborted: .internalError
        case .other: .internalError
        }
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs in the array (a plain scan; bodies are at most 1 MiB).
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        let first = needle[0]
        var index = 0
        let last = count - needle.count
        while index <= last {
            if self[index] == first && self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
