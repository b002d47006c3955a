#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Monitoring
import Sockets

/// One question over TCP (RFC 7766 §6.2.1: a client that gets a truncated UDP reply asks again over TCP):
/// a non-blocking connect to the same resolver, the query with its two-byte length prefix, and the reply
/// read up to the length it states. Driven by the run's readiness callbacks; never blocks.
final class DNSTCPExchange {
    enum Progress {
        /// Needs another readiness callback.
        case waiting
        /// The whole reply message, without its length prefix.
        case reply([UInt8])
        case failed(FailureClass, String)
    }

    let descriptor: Int32
    private var connected = false
    private var unsent: [UInt8]
    private var received: [UInt8] = []
    private var closed = false

    /// Opens the socket and starts connecting. Throws when the kernel refuses at once (no route, no socket).
    init(to address: IPSocketAddress, query: [UInt8]) throws(SystemError) {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let raw = try systemCall("socket", subject: "TCP to \(address)") { Glibc.socket(address.family, type, 0) }
        let result = address.withSocketAddress { Glibc.connect(raw, $0, $1) }
        if result != 0 && errno != EINPROGRESS {
            let error = SystemError(call: "connect", errno: errno, subject: address.description)
            Glibc.close(raw)
            throw error
        }
        descriptor = raw
        connected = result == 0
        unsent = [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
    }

    /// What to wait for: writability until the query is out (which is also how a connect completes).
    var readiness: Readiness { unsent.isEmpty ? .readable : [.readable, .writable] }

    /// Bytes of reply received so far, for messages.
    var receivedCount: Int { received.count }

    /// Moves the exchange on as far as the socket allows.
    func advance() -> Progress {
        if !connected {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { return .failed(.connect, "cannot connect over TCP: \(String(cString: strerror(error)))") }
        }
        while !unsent.isEmpty {
            let sent = unsent.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK, ENOTCONN: return .waiting  // still connecting, or the buffer is full
                default: return .failed(.connect, "cannot send over TCP: \(String(cString: strerror(errno)))")
                }
            }
            connected = true
            unsent.removeFirst(sent)
        }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        // Bounded: a reply is at most 2 + 65,535 bytes, so at most 5 full reads before it is complete.
        for _ in 0..<8 {
            if let reply = complete() { return .reply(reply) }
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer.prefix(count)
                continue
            }
            if count == 0 {
                let expected = received.count >= 2 ? " of \(statedLength! + 2)" : ""
                return .failed(.protocolError, "closed the TCP connection after \(received.count)\(expected) bytes")
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .waiting
            default: return .failed(.network, "cannot read over TCP: \(String(cString: strerror(errno)))")
            }
        }
        return complete().map(Progress.reply) ?? .waiting
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    private var statedLength: Int? {
        received.count >= 2 ? Int(received[0]) << 8 | Int(received[1]) : nil
    }

    private func complete() -> [UInt8]? {
        guard let length = statedLength, received.count >= 2 + length else { return nil }
        return Array(received[2..<(2 + length)])
    }
}
