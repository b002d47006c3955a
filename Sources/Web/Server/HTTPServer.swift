import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import Sockets
public import Diagnostics
import Synchronization

/// The HTTP/1.1 server: one event-loop thread does all socket I/O with epoll (level-triggered) and calls the
/// handler synchronously on that thread. Handlers are fast by design (reads from SQLite's WAL, small
/// transactions for the few POSTs), so a pool would add locking without adding throughput on a 2-core site
/// server; a slow handler delays other clients but never the probe loop, which has its own threads.
///
/// Limits (`ServerLimits`): header and body bytes (431, 413, from the parser), connections in all and per
/// client IP (503 with Retry-After, then close),
/// idle time (close), total time per request (408 then close: slowloris), requests per client IP (429 with
/// Retry-After). Keep-alive and pipelining are supported; bodies are Content-Length only.
public final class HTTPServer: @unchecked Sendable {
    // @unchecked: everything mutable is confined to the event-loop thread; `stopping` is atomic, the rest is
    // immutable after init.
    public typealias Handler = @Sendable (HTTPRequest, ClientContext) -> HTTPResponse

    /// The address actually bound (the kernel's port when 0 was asked for).
    public let address: ListenAddress
    private let listener: Listener
    private let wake: WakeUp
    private let epoll: Epoll
    private let limits: ServerLimits
    private let parser: RequestParser
    private let logger: Logger
    private let handler: Handler
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    // Event-loop state.
    private var connections: [Int32: ClientConnection] = [:]
    /// Open connections per peer address; an entry goes when its last connection closes.
    private var connectionsPerPeer: [String: Int] = [:]
    private var rateLimiter: RateLimiter
    private var acceptPausedUntil: Int64?
    /// One receive buffer for every connection (the loop reads one at a time).
    private var receiveBuffer = [UInt8](repeating: 0, count: 65_536)

    /// Binds and listens; a failure names the address (`bind 127.0.0.1:8080: Address already in use`).
    public init(listen: ListenAddress, limits: ServerLimits = ServerLimits(), logger: Logger,
                handler: @escaping Handler) throws(SystemError) {
        listener = try Listener(host: listen.host, port: listen.port, backlog: 512)
        try listener.descriptor.setNonBlocking()
        address = ListenAddress(host: listen.host, port: listener.port)
        wake = try WakeUp()
        epoll = try Epoll(capacity: 256)
        try epoll.watch(listener.descriptor.rawValue, for: .readable)
        try epoll.watch(wake.descriptor.rawValue, for: .readable)
        self.limits = limits
        parser = RequestParser(limits: limits.parser)
        self.logger = logger
        self.handler = handler
        rateLimiter = RateLimiter(rate: limits.requestsPerSecond, burst: limits.burst)
    }

    public var port: UInt16 { address.port }

    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.name = "courtwatch-web"
        thread.start()
    }

    /// Stops accepting, closes every connection and returns when the loop has ended.
    public func stop() {
        guard started.load(ordering: .acquiring), !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        done.wait()
    }

    // MARK: the loop

    private func run() {
        var lastSweep = SystemClock.monotonicNanoseconds()
        while !stopping.load(ordering: .acquiring) {
            let ready: [(fd: Int32, readiness: Readiness)]
            do {
                ready = try epoll.wait(timeoutMilliseconds: 100)
            } catch {
                logger.error("web server stopped: \(error)")
                break
            }
            for (fd, readiness) in ready {
                if fd == listener.descriptor.rawValue {
                    acceptPending()
                } else if fd == wake.descriptor.rawValue {
                    wake.drain()
                } else if let connection = connections[fd] {
                    if readiness.contains(.writable) { flush(connection) }
                    if connections[fd] != nil,
                       !readiness.intersection([.readable, .hangup, .error]).isEmpty { receive(connection) }
                }
            }
            let now = SystemClock.monotonicNanoseconds()
            if now - lastSweep >= 50_000_000 {
                sweep(now: now)
                lastSweep = now
            }
        }
        for connection in connections.values { close(connection) }
    }

    private func acceptPending() {
        let now = SystemClock.monotonicNanoseconds()
        for _ in 0..<256 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let raw = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener.descriptor.rawValue, $0, &length)
                }
            }
            if raw < 0 {
                let error = errno
                if error == EINTR || error == ECONNABORTED { continue }
                if error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM {
                    // Out of descriptors: stop watching the listener for a second rather than spin on it.
                    logger.warning("web server cannot accept: \(SystemError(call: "accept4", errno: error))")
                    epoll.unwatch(listener.descriptor.rawValue)
                    acceptPausedUntil = now + 1_000_000_000
                }
                return
            }
            let descriptor = FileDescriptor(adopting: raw)
            // accept4 needs _GNU_SOURCE, which Glibc's Swift module does not expose; two fcntl calls do the same.
            _ = fcntl(raw, F_SETFD, FD_CLOEXEC)
            _ = fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) | O_NONBLOCK)
            if connections.count >= limits.maximumConnections {
                refuse(descriptor, "too-many-connections",
                       "the server has \(limits.maximumConnections) connections open; try again shortly")
                continue
            }
            let peer = Self.peerAddress(storage)
            let open = connectionsPerPeer[peer, default: 0]
            let isProxy = limits.trustRealIPFromLoopback && Self.isLoopback(peer)
            if open >= limits.maximumConnectionsPerClient && !isProxy {
                // Not logged: a client hammering the cap would flood the journal; it gets the reason itself.
                refuse(descriptor, "too-many-client-connections", "\(peer) has \(open) connections open, "
                       + "the most one client may have; close one or try again shortly")
                continue
            }
            var yes: Int32 = 1
            setsockopt(raw, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let connection = ClientConnection(descriptor: descriptor, peer: peer, now: now)
            do {
                try epoll.watch(raw, for: .readable)
            } catch {
                logger.warning("web server: \(error)")
                continue
            }
            connections[raw] = connection
            connectionsPerPeer[peer] = open + 1
        }
    }

    /// Answers a connection that is over a limit with 503, Retry-After and a JSON error, and closes it at once
    /// (it never takes a slot). Whatever the client already sent is read first, so the close is a FIN and
    /// not a reset that could destroy the answer before the client reads it.
    private func refuse(_ descriptor: FileDescriptor, _ code: String, _ detail: String) {
        let raw = descriptor.rawValue
        let refusal = HTTPResponse.error(503, code, detail).adding("Retry-After", "1")
            .serialized(keepAlive: false, headOnly: false)
        _ = refusal.withUnsafeBytes { send(raw, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        shutdown(raw, Int32(SHUT_WR))
        for _ in 0..<4 {
            let count = receiveBuffer.withUnsafeMutableBytes {
                recv(raw, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count < receiveBuffer.count { break }
        }
        descriptor.close()
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    private func receive(_ connection: ClientConnection) {
        var endOfInput = false
        for _ in 0..<16 {
            let count = receiveBuffer.withUnsafeMutableBytes { recv(connection.descriptor.rawValue, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                connection.lastActivity = SystemClock.monotonicNanoseconds()
                if connection.drainingUntil == nil { connection.input.append(contentsOf: receiveBuffer[..<count]) }
                if count < receiveBuffer.count { break }
                continue
            }
            if count == 0 {
                endOfInput = true
                break
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { break }
            close(connection)
            return
        }
        if connection.drainingUntil != nil {
            if endOfInput { close(connection) }
            return
        }
        process(connection)
        if connections[connection.descriptor.rawValue] == nil { return }
        if endOfInput {
            // The client finished sending; answer what it asked, then close.
            connection.input.removeAll()
            connection.requestStarted = nil
            connection.closeAfterWrite = true
            if !connection.hasPendingOutput { close(connection) }
        }
    }

    /// Parses and answers every whole request in the input buffer.
    private func process(_ connection: ClientConnection) {
        while !connection.closeAfterWrite {
            guard !connection.input.isEmpty else {
                connection.requestStarted = nil
                break
            }
            let now = SystemClock.monotonicNanoseconds()
            if connection.requestStarted == nil { connection.requestStarted = now }
            switch parser.parse(connection.input) {
            case .incomplete:
                flush(connection)
                return
            case .failure(let failure):
                logger.info("web: \(connection.peer): \(failure)")
                connection.input.removeAll()
                queue(.error(failure), on: connection, keepAlive: false, headOnly: false)
            case .request(let request, let consumed):
                connection.input.removeFirst(consumed)
                connection.requestStarted = connection.input.isEmpty ? nil : now
                let response = answer(request, from: connection, now: now)
                queue(response, on: connection, keepAlive: request.keepsAlive, headOnly: request.method == "HEAD")
            }
        }
        flush(connection)
    }

    private func answer(_ request: HTTPRequest, from connection: ClientConnection, now: Int64) -> HTTPResponse {
        let client = clientAddress(request, peer: connection.peer)
        if let wait = rateLimiter.admit(client, now: now) {
            return HTTPResponse.error(429, "rate-limited",
                                      "more than \(Self.format(limits.requestsPerSecond)) requests a second from \(client)")
                .adding("Retry-After", String(wait))
        }
        return handler(request, ClientContext(address: client, receivedAt: now))
    }

    /// The address to count a request against: the peer, or the proxy's `X-Real-IP` when the peer is loopback.
    func clientAddress(_ request: HTTPRequest, peer: String) -> String {
        guard limits.trustRealIPFromLoopback, Self.isLoopback(peer),
              let real = request.header("x-real-ip"), !real.isEmpty, real.utf8.count <= 45,
              real.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" })
        else { return peer }
        return real
    }

    private func queue(_ response: HTTPResponse, on connection: ClientConnection, keepAlive: Bool, headOnly: Bool) {
        connection.output += response.serialized(keepAlive: keepAlive, headOnly: headOnly)
        if !keepAlive { connection.closeAfterWrite = true }
    }

    private func flush(_ connection: ClientConnection) {
        let fd = connection.descriptor.rawValue
        while connection.hasPendingOutput {
            let count = connection.output.withUnsafeBytes {
                send(fd, $0.baseAddress! + connection.written, $0.count - connection.written, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                connection.written += count
                connection.lastActivity = SystemClock.monotonicNanoseconds()
                continue
            }
            let error = errno
            if count < 0 && error == EINTR { continue }
            if count < 0 && (error == EAGAIN || error == EWOULDBLOCK) { break }
            close(connection)
            return
        }
        if connection.hasPendingOutput {
            if !connection.watchingWritable {
                try? epoll.watch(fd, for: [.readable, .writable])
                connection.watchingWritable = true
            }
            return
        }
        connection.output.removeAll(keepingCapacity: true)
        connection.written = 0
        if connection.watchingWritable {
            try? epoll.watch(fd, for: .readable)
            connection.watchingWritable = false
        }
        if connection.closeAfterWrite && connection.drainingUntil == nil {
            shutdown(fd, Int32(SHUT_WR))
            connection.input.removeAll()
            connection.requestStarted = nil
            connection.drainingUntil = SystemClock.monotonicNanoseconds() + 2_000_000_000
        }
    }

    /// Enforces the clocks: draining deadline, request time (slowloris), idle time, stalled readers.
    private func sweep(now: Int64) {
        if let until = acceptPausedUntil, now >= until {
            acceptPausedUntil = nil
            try? epoll.watch(listener.descriptor.rawValue, for: .readable)
        }
        let idle = limits.idleTimeoutMilliseconds * 1_000_000
        let requestLimit = limits.requestTimeoutMilliseconds * 1_000_000
        for connection in Array(connections.values) {
            if let until = connection.drainingUntil {
                if now >= until { close(connection) }
                continue
            }
            if connection.hasPendingOutput {
                if now - connection.lastActivity > idle { close(connection) }
                continue
            }
            if let started = connection.requestStarted, now - started > requestLimit {
                logger.info("web: \(connection.peer): request not complete after \(limits.requestTimeoutMilliseconds) ms; closing")
                connection.input.removeAll()
                connection.requestStarted = nil
                queue(.error(408, "request-timeout",
                             "the request was not complete within \(limits.requestTimeoutMilliseconds) ms"),
                      on: connection, keepAlive: false, headOnly: false)
                flush(connection)
                continue
            }
            if connection.input.isEmpty && now - connection.lastActivity > idle { close(connection) }
        }
    }

    private func close(_ connection: ClientConnection) {
        let fd = connection.descriptor.rawValue
        guard fd >= 0 else { return }
        epoll.unwatch(fd)
        connections[fd] = nil
        // Every way a connection ends (idle, slowloris, error, client gone, stop) comes through here, once.
        if let open = connectionsPerPeer[connection.peer], open > 1 {
            connectionsPerPeer[connection.peer] = open - 1
        } else {
            connectionsPerPeer[connection.peer] = nil
        }
        connection.descriptor.close()
    }

    private static func peerAddress(_ storage: sockaddr_storage) -> String {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var inAddress = address.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &inAddress, &text, socklen_t(text.count))
                }
            }
        case AF_INET6:
            withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var inAddress = address.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &inAddress, &text, socklen_t(text.count))
                }
            }
        default:
            return "unknown"
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
