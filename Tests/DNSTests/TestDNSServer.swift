#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A query as the test server read it.
struct ReceivedQuery: Sendable {
    var bytes: [UInt8]
    var id: UInt16
    /// The question section as sent (name, type, class), to echo in replies.
    var question: [UInt8]
    var name: String
    var type: UInt16
}

/// What the test server does with one query; a behaviour returns a list, done in order.
enum ServerAction: Sendable {
    /// Send these bytes back from the server's own socket.
    case reply([UInt8])
    /// Send these bytes from a second socket on the same address (another source port).
    case replyFromOtherPort([UInt8])
}

/// What the test server does with a query that came over TCP.
enum TCPServerAction: Sendable {
    /// Send this message with its two-byte length prefix, then close.
    case reply([UInt8])
    /// Send these raw bytes (no prefix added), then close: a cut-off or lying reply.
    case raw([UInt8])
}

/// A tiny UDP DNS server on loopback for tests: one thread, a behaviour per test, stopped by the test.
/// With a TCP behaviour it also listens on TCP on the same port (RFC 7766's retry after truncation).
/// Only ever binds 127.0.0.1 or ::1.
final class TestDNSServer: @unchecked Sendable {
    // @unchecked: the descriptors and behaviour are fixed after init; `running` and `served` are synchronized.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let host: String
    let port: UInt16
    /// The port of the second socket that `.replyFromOtherPort` sends from.
    let otherPort: UInt16
    private let descriptor: Int32
    private let otherDescriptor: Int32
    private let behaviour: @Sendable (ReceivedQuery) -> [ServerAction]
    private let tcpBehaviour: (@Sendable (ReceivedQuery) -> TCPServerAction)?
    private let listener: Int32?
    private let tcpServed = Atomic<Int>(0)
    /// Queries received over TCP so far.
    var tcpQueryCount: Int { tcpServed.load(ordering: .relaxed) }
    private let running = Atomic<Bool>(true)
    private let served = Atomic<Int>(0)
    private let loopDone = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)

    /// Queries received so far.
    var queryCount: Int { served.load(ordering: .relaxed) }
    /// `127.0.0.1:5300` or `[::1]:5300`, as courtwatch names the server.
    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    var otherAddress: String { host.contains(":") ? "[\(host)]:\(otherPort)" : "\(host):\(otherPort)" }

    init(host: String = "127.0.0.1", behaviour: @escaping @Sendable (ReceivedQuery) -> [ServerAction],
         tcp tcpBehaviour: (@Sendable (ReceivedQuery) -> TCPServerAction)? = nil) throws {
        precondition(host == "127.0.0.1" || host == "::1", "test servers stay on loopback")
        self.host = host
        (descriptor, port) = try Self.bind(host)
        do {
            (otherDescriptor, otherPort) = try Self.bind(host)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        if tcpBehaviour != nil {
            do {
                listener = try Self.bind(host, port: port, type: SOCK_STREAM).0
                Glibc.listen(listener!, 8)
            } catch {
                Glibc.close(descriptor)
                Glibc.close(otherDescriptor)
                throw error
            }
        } else {
            listener = nil
        }
        self.tcpBehaviour = tcpBehaviour
        self.behaviour = behaviour
        let thread = Thread { [self] in serve() }
        thread.name = "test-dns-\(port)"
        thread.start()
    }

    deinit { stop() }

    /// Stops the thread (within one poll interval) and closes both sockets. Safe to call twice.
    func stop() {
        let alreadyStopped = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !alreadyStopped else { return }
        running.store(false, ordering: .relaxed)
        loopDone.wait()
        Glibc.close(descriptor)
        Glibc.close(otherDescriptor)
        if let listener { Glibc.close(listener) }
    }

    /// Whether this machine can bind a UDP socket on ::1 (containers often have no IPv6).
    static let ipv6Available: Bool = {
        guard let (descriptor, _) = try? bind("::1") else { return false }
        Glibc.close(descriptor)
        return true
    }()

    private func serve() {
        defer { loopDone.signal() }
        // Bounded: the stop flag ends it; 12,000 polls of 50 ms (10 minutes) is a safety net for a test
        // that forgot to stop its server.
        for _ in 0..<12_000 {
            guard running.load(ordering: .relaxed) else { break }
            var pollers = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: listener ?? -1, events: Int16(POLLIN), revents: 0)]
            guard poll(&pollers, 2, 50) > 0 else { continue }
            if pollers[1].revents != 0 { serveTCP() }
            guard pollers[0].revents != 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 2048)
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(descriptor, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, &length)
                    }
                }
            }
            guard count > 0, let query = Self.parse(Array(buffer.prefix(count))) else { continue }
            served.add(1, ordering: .relaxed)
            for action in behaviour(query) {
                let (socket, bytes) = switch action {
                case .reply(let bytes): (descriptor, bytes)
                case .replyFromOtherPort(let bytes): (otherDescriptor, bytes)
                }
                _ = bytes.withUnsafeBytes { raw in
                    withUnsafePointer(to: &storage) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(socket, raw.baseAddress, raw.count, 0, $0, length)
                        }
                    }
                }
            }
        }
    }

    /// One TCP connection: read the length-prefixed query (2 s limit), answer as the behaviour says, close.
    private func serveTCP() {
        guard let listener, let tcpBehaviour else { return }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { Glibc.close(connection) }
        var limit = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        for _ in 0..<16 {
            if received.count >= 2, received.count >= 2 + (Int(received[0]) << 8 | Int(received[1])) { break }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            received += buffer.prefix(count)
        }
        guard received.count > 2, let query = Self.parse(Array(received.dropFirst(2))) else { return }
        tcpServed.add(1, ordering: .relaxed)
        let bytes: [UInt8] = switch tcpBehaviour(query) {
        case .reply(let message): [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
        case .raw(let raw): raw
        }
        _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The ID and question of a query (uncompressed, as courtwatch sends it); nil for anything else.
    static func parse(_ bytes: [UInt8]) -> ReceivedQuery? {
        guard bytes.count >= 17 else { return nil }
        var position = 12
        var labels: [String] = []
        while position < bytes.count && bytes[position] != 0 && labels.count < 128 {
            let length = Int(bytes[position])
            guard length < 64, position + 1 + length < bytes.count else { return nil }
            labels.append(String(decoding: bytes[(position + 1)..<(position + 1 + length)], as: UTF8.self))
            position += 1 + length
        }
        guard position + 5 <= bytes.count else { return nil }
        let type = UInt16(bytes[position + 1]) << 8 | UInt16(bytes[position + 2])
        return ReceivedQuery(bytes: bytes, id: UInt16(bytes[0]) << 8 | UInt16(bytes[1]),
                             question: Array(bytes[12..<(position + 5)]), name: labels.joined(separator: "."),
                             type: type)
    }

    private static func bind(_ host: String, port: UInt16 = 0, type: __socket_type = SOCK_DGRAM) throws -> (Int32, UInt16) {
        let ipv6 = host.contains(":")
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var storage = sockaddr_storage()
        var length: socklen_t
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &address.sin6_addr)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, host, &address.sin_addr)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in.self) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw Failure(description: "bind \(host): \(reason)")
        }
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let port = withUnsafeBytes(of: &storage) { raw in
            ipv6 ? UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in6.self).sin6_port)
                : UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in.self).sin_port)
        }
        return (descriptor, port)
    }
}
