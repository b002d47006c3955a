/// The server's hard limits. Defaults suit a site LAN behind a reverse proxy; tests shrink them.
public struct ServerLimits: Sendable {
    public var parser = ParserLimits()
    /// Open connections; a connection beyond this is answered 503 and closed.
    public var maximumConnections = 256
    /// Open connections from one client IP; one more is answered 503 with Retry-After and closed, so a single
    /// client cannot take every slot. Not applied to loopback peers while `trustRealIPFromLoopback` is on: they
    /// are the reverse proxy carrying everyone's requests (cap clients there, e.g. nginx `limit_conn`).
    public var maximumConnectionsPerClient = 32
    /// A connection with nothing in flight is closed after this long.
    public var idleTimeoutMilliseconds: Int64 = 30_000
    /// From a request's first byte to its last: a client that trickles (slowloris) is answered 408 and closed.
    public var requestTimeoutMilliseconds: Int64 = 10_000
    /// Requests per second each client IP may sustain (token bucket refill rate)...
    public var requestsPerSecond: Double = 20
    /// ...and the burst it may spend at once (bucket size).
    public var burst: Double = 60
    /// Behind a reverse proxy on the same host every client arrives from loopback; with this on, a request
    /// from 127.0.0.0/8 or ::1 is counted against its `X-Real-IP` header instead (set by the proxy).
    public var trustRealIPFromLoopback = true

    public init() {}
}

/// The address a client connected from, and the time the request arrived (monotonic nanoseconds).
public struct ClientContext: Sendable {
    public var address: String
    public var receivedAt: Int64

    public init(address: String, receivedAt: Int64) {
        self.address = address
        self.receivedAt = receivedAt
    }
}

/// `host:port` or `[v6]:port` from `Listen=`; port 0 asks the kernel for a free one (tests).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { host = "127.0.0.1" }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
