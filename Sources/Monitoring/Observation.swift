/// Why a probe run failed, in a fixed vocabulary that the log, reports and status sentences share.
public enum FailureClass: String, Sendable, Hashable, CaseIterable {
    case dns = "dns"                          // the name did not resolve
    case connect = "connect"                  // refused, unreachable, no route
    case timeout = "timeout"                  // no complete answer within Timeout=
    case tls = "tls"                          // handshake or certificate
    case startTLSRefused = "starttls-refused" // a mail server that did not offer STARTTLS when required
    case loginDenied = "login-denied"         // the server refused the probe's credentials
    case httpStatus = "http-status"           // answered with a status not in ExpectStatus=
    case bodyMismatch = "body-mismatch"       // answered, but without ExpectBody=
    case bodyTooLarge = "body-too-large"      // answered with more than the probe will read
    case protocolError = "protocol"           // the server did not speak the protocol
    case network = "network"                  // the connection broke mid-transfer
    case internalError = "internal"           // courtwatch itself could not run the probe
    case userReported = "user-reported"       // enough staff reported a problem (slowness, errors on save)
}

/// Phase times of one run, microseconds from its start (as curl reports them).
public struct PhaseTimings: Hashable, Sendable {
    public var dns: Int64
    public var connect: Int64
    public var tls: Int64
    public var firstByte: Int64
    public var total: Int64

    public init(dns: Int64 = 0, connect: Int64 = 0, tls: Int64 = 0, firstByte: Int64 = 0, total: Int64 = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
    }
}

/// Evidence kept with a failed run.
public struct FailureEvidence: Hashable, Sendable {
    public var failureClass: FailureClass
    /// A plain sentence: curl's error text, or what the answer lacked.
    public var message: String
    /// The library's error number (a CURLcode), if one applies.
    public var errorCode: Int?

    public init(failureClass: FailureClass, message: String, errorCode: Int? = nil) {
        self.failureClass = failureClass
        self.message = message
        self.errorCode = errorCode
    }
}

/// The result of one probe run.
public struct Observation: Hashable, Sendable {
    public var probeID: String
    /// When the run started (wall clock).
    public var at: Timestamp
    /// nil for success.
    public var failure: FailureEvidence?
    /// For a success slower than `MaxLatency=`: what was slow (e.g. "answered in 2300 ms; MaxLatency=1s").
    public var slowness: String?
    /// Time from start to the final answer or failure, in microseconds.
    public var latencyMicroseconds: Int64
    public var httpStatus: Int?
    public var timings: PhaseTimings?
    /// The leaf certificate's notAfter, when the run completed a TLS handshake and read the certificate.
    public var certificateExpiry: Timestamp?

    public init(probeID: String, at: Timestamp, failure: FailureEvidence? = nil, slowness: String? = nil,
                latencyMicroseconds: Int64 = 0, httpStatus: Int? = nil, timings: PhaseTimings? = nil) {
        self.probeID = probeID
        self.at = at
        self.failure = failure
        self.slowness = slowness
        self.latencyMicroseconds = latencyMicroseconds
        self.httpStatus = httpStatus
        self.timings = timings
    }

    public var succeeded: Bool { failure == nil }

    /// One line for a status table or a log message.
    public var summary: String {
        if let failure { return "\(failure.failureClass.rawValue): \(failure.message)" }
        if let slowness { return "slow: \(slowness)" }
        if let httpStatus { return "HTTP \(httpStatus) in \(latencyMicroseconds / 1000) ms" }
        return "ok in \(latencyMicroseconds / 1000) ms"
    }
}
