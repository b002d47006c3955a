/// Where a definition came from, so every message about it can name the file and line.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// A court or probation site: the place whose systems are watched.
public struct SiteDefinition: Hashable, Sendable {
    public var id: String
    public var name: String
    public var timeZone: String
    public var businessHours: WeeklySchedule?
    public var holidays: String?

    public init(id: String, name: String, timeZone: String = "UTC", businessHours: WeeklySchedule? = nil,
                holidays: String? = nil) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.businessHours = businessHours
        self.holidays = holidays
    }
}

/// A parsed `http(s)://` or `tcp://` address.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    /// Path and query, starting with `/`; empty for `tcp://`.
    public var path: String

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static let defaultPorts = ["http": 80, "https": 443, "smtp": 25, "smtps": 465, "imap": 143, "imaps": 993]

    /// Parses `scheme://host[:port][/path]`; `allowedSchemes` lists what the probe kind accepts.
    public init(parsing text: String, allowedSchemes: [String]) throws(ParseError) {
        let pieces = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            throw ParseError(message: "'\(text)' is not a URL (expected \(allowedSchemes[0])://host...)")
        }
        let scheme = pieces[0].lowercased()
        guard allowedSchemes.contains(scheme) else {
            throw ParseError(message: "URL scheme '\(scheme)' is not one of \(allowedSchemes.joined(separator: ", "))")
        }
        let rest = pieces[1]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var path = String(rest[authorityEnd...])
        guard !authority.contains("@") else {
            throw ParseError(message: "'\(text)' has credentials in the URL; put them in a CredentialsFile=")
        }
        var host: String
        var portText: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw ParseError(message: "'\(text)' has an unterminated IPv6 address")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) } else if !after.isEmpty {
                throw ParseError(message: "'\(text)' has text after the IPv6 address")
            }
        } else {
            let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw ParseError(message: "'\(text)' has more than one ':' in the host") }
            host = String(pieces[0])
            portText = pieces.count == 2 ? String(pieces[1]) : nil
        }
        guard !host.isEmpty else { throw ParseError(message: "'\(text)' has no host") }
        let hostAllowed = host.allSatisfy { (character: Character) -> Bool in
            guard character.isASCII else { return false }
            return character.isLetter || character.isNumber || "-._:".contains(character)
        }
        guard hostAllowed else { throw ParseError(message: "'\(host)' is not a valid host name or address") }
        let port: Int
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw ParseError(message: "'\(portText)' is not a port number (1-65535)")
            }
            port = value
        } else if let value = Self.defaultPorts[scheme] {
            port = value
        } else {
            throw ParseError(message: "'\(text)' needs a port (\(scheme)://host:port)")
        }
        if path.contains(where: { $0 == " " || $0.asciiValue.map { $0 < 0x20 } ?? false }) {
            throw ParseError(message: "'\(text)' has spaces or control characters in its path")
        }
        if scheme != "http" && scheme != "https" {
            guard path.isEmpty || path == "/" else { throw ParseError(message: "'\(text)': \(scheme):// takes no path") }
            path = ""
        } else if path.isEmpty {
            path = "/"
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.path = path
    }

    /// The URL as text, with the host bracketed when it is an IPv6 address.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        let defaultPort = Self.defaultPorts[scheme]
        let portText = defaultPort == port ? "" : ":\(port)"
        return "\(scheme)://\(hostText)\(portText)\(path)"
    }
}

/// What a probe checks and how.
public enum ProbeCheck: Hashable, Sendable {
    /// An HTTP(S) request whose answer must have one of `expectStatus` and, when given, contain `expectBody`.
    /// (Boxed, like the other large payloads, so that a probe definition stays a few words wide.)
    indirect case http(HTTPCheck)
    /// A TCP connection that must be accepted.
    case tcp(Endpoint)
    /// An SMTP server that must greet, answer EHLO and (by default) complete STARTTLS. Sends no mail.
    indirect case smtp(SMTPCheck)
    /// An IMAP server that must greet, offer and complete STARTTLS (by default) and, with credentials, log in.
    indirect case imap(IMAPCheck)
    /// A DNS question to a named resolver, sent by courtwatch itself over UDP.
    indirect case dns(DNSCheck)
    /// ICMP echo requests to an address.
    indirect case icmp(ICMPCheck)
    /// A canary message submitted over SMTP and looked for over IMAP: the whole secure-email path.
    indirect case emailRoundtrip(EmailRoundtripCheck)
    /// Passive: something outside must call in every `period`; silence past `grace` is a failure.
    case heartbeat(HeartbeatCheck)
    /// Passive: staff reports about a system; enough distinct reporters in a window is a failure.
    case userReports(UserReportsCheck)

    public var kindName: String {
        switch self {
        case .http: "http"
        case .tcp: "tcp"
        case .smtp: "smtp"
        case .imap: "imap"
        case .dns: "dns"
        case .icmp: "icmp"
        case .emailRoundtrip: "email-roundtrip"
        case .heartbeat: "heartbeat"
        case .userReports: "user-reports"
        }
    }

    public var target: String {
        switch self {
        case .http(let check): check.url.description
        case .tcp(let endpoint): endpoint.description
        case .smtp(let check): check.url.description
        case .imap(let check): check.url.description
        case .dns(let check): "\(check.query) \(check.type.rawValue) @\(check.server)"
        case .icmp(let check): check.host
        case .emailRoundtrip(let check): "\(check.submitURL) → \(check.readURL)"
        case .heartbeat(let check): "every \(check.period.configText) (+\(check.grace.configText))"
        case .userReports(let check): "\(check.reportsToOpen) reporters in \(check.window.configText)"
        }
    }

    /// Whether courtwatch waits to be told instead of asking.
    public var isPassive: Bool {
        switch self {
        case .heartbeat, .userReports: true
        default: false
        }
    }
}

public struct IMAPCheck: Hashable, Sendable {
    /// `imap://host:port` (STARTTLS) or `imaps://host:port` (TLS from the first byte).
    public var url: Endpoint
    /// With `imap://`, fail unless the server offers STARTTLS and the handshake completes.
    public var requireTLS: Bool
    /// A synthetic, authorised mailbox to log in to; without it the check stops after the greeting and TLS.
    public var credentials: Credentials?

    public init(url: Endpoint, requireTLS: Bool = true, credentials: Credentials? = nil) {
        self.url = url
        self.requireTLS = requireTLS
        self.credentials = credentials
    }
}

public struct EmailRoundtripCheck: Hashable, Sendable {
    /// `smtp://host:port` (STARTTLS) or `smtps://host:port`: where the canary is submitted.
    public var submitURL: Endpoint
    /// `imap://host:port` (STARTTLS) or `imaps://host:port`: where its arrival is looked for in INBOX.
    public var readURL: Endpoint
    /// One synthetic, authorised account, used for SMTP AUTH and for the IMAP login.
    public var credentials: Credentials
    /// The envelope and header addresses, bare (`canary@court.example`).
    public var from: String
    public var to: String
    /// A canary still missing this long after submission is a failure.
    public var deadline: Duration
    /// With `smtp://` and `imap://`, fail unless STARTTLS completes on both.
    public var requireTLS: Bool

    public init(submitURL: Endpoint, readURL: Endpoint, credentials: Credentials, from: String, to: String,
                deadline: Duration = .seconds(300), requireTLS: Bool = true) {
        self.submitURL = submitURL
        self.readURL = readURL
        self.credentials = credentials
        self.from = from
        self.to = to
        self.deadline = deadline
        self.requireTLS = requireTLS
    }
}

/// A resolver address: an IP literal and a port (courtwatch sends the packets itself; no name lookup).
public struct ResolverAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct DNSCheck: Hashable, Sendable {
    public enum RecordType: String, Hashable, Sendable, CaseIterable {
        case a = "A", aaaa = "AAAA", mx = "MX", txt = "TXT", ns = "NS", cname = "CNAME"
    }

    public var server: ResolverAddress
    public var query: String
    public var type: RecordType
    /// Text that must appear among the answers (an address, a host name, part of a TXT record).
    public var expect: String?
    /// The response code that counts as success: NOERROR unless set (e.g. NXDOMAIN for a name that must not exist).
    public var expectRcode: String
    /// A reference resolver asked the same question when the main one fails, to tell "our DNS is broken"
    /// from "the name is gone".
    public var compare: ResolverAddress?

    public init(server: ResolverAddress, query: String, type: RecordType = .a, expect: String? = nil,
                expectRcode: String = "NOERROR", compare: ResolverAddress? = nil) {
        self.server = server
        self.query = query
        self.type = type
        self.expect = expect
        self.expectRcode = expectRcode
        self.compare = compare
    }
}

public struct ICMPCheck: Hashable, Sendable {
    /// An IPv4 or IPv6 address literal.
    public var host: String
    /// Echo requests per run.
    public var count: Int
    /// Time between echo requests within a run.
    public var spacing: Duration
    /// Loss above this percentage makes the run slow (DEGRADED); losing every echo is a failure.
    public var maxLossPercent: Int

    public init(host: String, count: Int = 5, spacing: Duration = .milliseconds(200), maxLossPercent: Int = 20) {
        self.host = host
        self.count = count
        self.spacing = spacing
        self.maxLossPercent = maxLossPercent
    }
}

public struct HeartbeatCheck: Hashable, Sendable {
    public var period: Duration
    public var grace: Duration

    public init(period: Duration, grace: Duration) {
        self.period = period
        self.grace = grace
    }
}

public struct UserReportsCheck: Hashable, Sendable {
    /// Distinct reporters within `window` that open a user-reported incident.
    public var reportsToOpen: Int
    public var window: Duration

    public init(reportsToOpen: Int = 3, window: Duration = .seconds(900)) {
        self.reportsToOpen = reportsToOpen
        self.window = window
    }
}

public struct SMTPCheck: Hashable, Sendable {
    /// `smtp://host:port` (STARTTLS) or `smtps://host:port` (TLS from the first byte).
    public var url: Endpoint
    /// With `smtp://`, fail unless the server offers STARTTLS and the handshake completes.
    public var requireTLS: Bool

    public init(url: Endpoint, requireTLS: Bool = true) {
        self.url = url
        self.requireTLS = requireTLS
    }
}

public struct HTTPCheck: Hashable, Sendable {
    public var url: Endpoint
    public var method: String
    public var expectStatus: StatusCodes
    /// Text the page must contain ("Sign in").
    public var expectBody: String?
    /// Text the page must not contain ("maintenance", "Service Unavailable").
    public var rejectBody: String?
    /// Regular expressions (Swift `Regex` syntax) the page must, or must not, match.
    public var expectBodyPattern: String?
    public var rejectBodyPattern: String?
    /// Extra request headers, each "Name: value".
    public var headers: [String]
    /// Basic-auth credentials read from a `CredentialsFile=` (never written in the .probe itself).
    public var credentials: Credentials?
    public var followRedirects: Bool

    public init(url: Endpoint, method: String = "GET", expectStatus: StatusCodes = [200], expectBody: String? = nil,
                rejectBody: String? = nil, expectBodyPattern: String? = nil, rejectBodyPattern: String? = nil,
                headers: [String] = [], credentials: Credentials? = nil, followRedirects: Bool = false) {
        self.url = url
        self.method = method
        self.expectStatus = expectStatus
        self.expectBody = expectBody
        self.rejectBody = rejectBody
        self.expectBodyPattern = expectBodyPattern
        self.rejectBodyPattern = rejectBodyPattern
        self.headers = headers
        self.credentials = credentials
        self.followRedirects = followRedirects
    }

    /// Whether the body has to be read and kept to judge the answer.
    public var needsBody: Bool {
        expectBody != nil || rejectBody != nil || expectBodyPattern != nil || rejectBodyPattern != nil
    }
}

/// The HTTP statuses that count as success, kept as ranges (`200-299` is one range, not 100 entries:
/// 10,000 probes each holding a 100-element set cost 18 MiB).
public struct StatusCodes: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<Int>]

    public init(_ ranges: [ClosedRange<Int>]) {
        self.ranges = ranges
    }

    public init(arrayLiteral codes: Int...) {
        ranges = codes.map { $0...$0 }
    }

    public mutating func insert(_ range: ClosedRange<Int>) { ranges.append(range) }

    public func contains(_ code: Int) -> Bool { ranges.contains { $0.contains(code) } }

    /// "200", "200-299", "200,302".
    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }
}

/// A user name and password for a synthetic, authorised account. Kept out of logs and the failure log.
public struct Credentials: Hashable, Sendable, CustomStringConvertible {
    public var username: String
    public var password: String
    /// Where they came from, for messages.
    public var file: String

    public init(username: String, password: String, file: String) {
        self.username = username
        self.password = password
        self.file = file
    }

    public var description: String { "credentials from \(file)" }
}

/// How a probe's results become states.
public struct DetectionPolicy: Hashable, Sendable {
    /// Consecutive failures that make a probe DOWN.
    public var failuresToDown: Int
    /// Consecutive successes that bring a DOWN probe back UP.
    public var successesToUp: Int

    public init(failuresToDown: Int = 3, successesToUp: Int = 2) {
        precondition(failuresToDown >= 1 && successesToUp >= 1)
        self.failuresToDown = failuresToDown
        self.successesToUp = successesToUp
    }
}

/// One probe as configured in a `.probe` file.
public struct ProbeDefinition: Hashable, Sendable {
    public var id: String
    public var name: String
    public var check: ProbeCheck
    public var system: String?
    public var critical: Bool
    public var interval: Duration
    public var timeout: Duration
    /// How soon to probe again while a failure or a recovery is being confirmed.
    public var retryInterval: Duration
    public var policy: DetectionPolicy
    public var dependsOn: [String]
    /// A success slower than this counts toward DEGRADED.
    public var maxLatency: Duration?
    /// Probes whose failure means courtwatch itself is cut off (its own uplink), not the service.
    public var isReference: Bool
    /// nil turns flap detection off for this probe.
    public var flapPolicy: FlapDetector.Policy?
    /// Check TLS certificates (on by default; turning it off is explicit and recorded with the probe).
    public var verifyTLS: Bool
    /// Trust this CA bundle instead of the system's (a site's internal CA).
    public var caFile: String?
    /// For `tcp`: text the server must send first (e.g. "SSH-2.0", "220 "), read within `timeout`.
    public var expectBanner: String?
    /// A TLS certificate (HTTPS, SMTP, IMAP) that expires within this is DEGRADED before it breaks; nil: off.
    public var certificateExpiryWarning: Duration? = .seconds(14 * 86_400)
    public var source: SourceLocation?

    public init(id: String, name: String, check: ProbeCheck, system: String? = nil, critical: Bool = false,
                interval: Duration = .seconds(30), timeout: Duration = .seconds(5), retryInterval: Duration? = nil,
                policy: DetectionPolicy = DetectionPolicy(), dependsOn: [String] = [], verifyTLS: Bool = true,
                maxLatency: Duration? = nil, isReference: Bool = false,
                flapPolicy: FlapDetector.Policy? = FlapDetector.Policy(), source: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.check = check
        self.system = system
        self.critical = critical
        self.interval = interval
        self.timeout = timeout
        self.retryInterval = retryInterval ?? min(interval, .seconds(10))
        self.policy = policy
        self.dependsOn = dependsOn
        self.verifyTLS = verifyTLS
        self.caFile = nil
        self.maxLatency = maxLatency
        self.isReference = isReference
        self.flapPolicy = flapPolicy
        self.source = source
    }
}
