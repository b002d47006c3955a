#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Sockets

/// The socket calls of a DNS run: open, send one datagram, read one datagram. Non-blocking throughout.
extension DNSProbeRun {
    enum Received {
        /// Nothing (more) to read.
        case nothing
        /// `length` is the datagram's real size, larger than the buffer when it was cut (MSG_TRUNC).
        case datagram(length: Int, source: IPSocketAddress)
        case failed(SystemError)
    }

    /// A non-blocking, close-on-exec UDP socket. An IPv6 one also speaks IPv4 (to IPv4-mapped addresses),
    /// so a site resolver and a reference of different families share it.
    static func openSocket(ipv6: Bool) throws(SystemError) -> FileDescriptor {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let raw = try systemCall("socket", subject: ipv6 ? "AF_INET6/UDP" : "AF_INET/UDP") {
            Glibc.socket(ipv6 ? AF_INET6 : AF_INET, type, 0)
        }
        let descriptor = FileDescriptor(adopting: raw)
        if ipv6 {
            var no: Int32 = 0
            _ = try systemCall("setsockopt(IPV6_V6ONLY)") {
                setsockopt(raw, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &no, socklen_t(MemoryLayout<Int32>.size))
            }
        }
        return descriptor
    }

    /// Sends `bytes` to `address`; returns the error when the kernel refused (no route, firewall).
    static func send(_ bytes: [UInt8], to address: IPSocketAddress, on descriptor: Int32) -> SystemError? {
        do {
            _ = try systemCall("sendto", subject: address.description) {
                bytes.withUnsafeBytes { buffer in
                    address.withSocketAddress { socketAddress, length in
                        sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress,
                               length)
                    }
                }
            }
            return nil
        } catch {
            return error
        }
    }

    /// Reads one datagram into `buffer`.
    static func receive(on descriptor: Int32, into buffer: inout [UInt8]) -> Received {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(descriptor, raw.baseAddress, raw.count, Int32(MSG_TRUNC), $0, &length)
                    }
                }
            }
            if count >= 0 {
                guard let source = IPSocketAddress(storage) else { return .nothing }
                return .datagram(length: count, source: source)
            }
            let error = errno
            switch error {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .nothing
            default: return .failed(SystemError(call: "recvfrom", errno: error))
            }
        }
    }
}

/// Datagrams a run heard but did not take as its reply, for the timeout message.
struct DNSIgnoredReplies: CustomStringConvertible {
    private(set) var count = 0
    private var lastSource: IPSocketAddress?
    private var lastReason = ""

    mutating func add(from source: IPSocketAddress, _ reason: String) {
        count += 1
        lastSource = source
        lastReason = reason
    }

    /// `ignored 1 reply from 127.0.0.1:5301 (not the server's port)`, or for several, the last one.
    var description: String {
        let source = lastSource.map(\.description) ?? "?"
        if count == 1 { return "ignored 1 reply from \(source) (\(lastReason))" }
        return "ignored \(count) replies, the last from \(source) (\(lastReason))"
    }
}
