#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// A listening TCP socket on a loopback or given IPv4/IPv6 address.
public final class Listener: @unchecked Sendable {
    // @unchecked: immutable after init; accept(2) is thread-safe.
    public let descriptor: FileDescriptor
    public let port: UInt16
    public let host: String

    /// Binds `host:port` (port 0 picks a free one) and listens.
    public init(host: String, port: UInt16, backlog: Int32 = 128) throws(SystemError) {
        let isIPv6 = host.contains(":")
        let family = isIPv6 ? AF_INET6 : AF_INET
        let raw = try systemCall("socket") { socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let descriptor = FileDescriptor(adopting: raw)
        var yes: Int32 = 1
        setsockopt(raw, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let boundPort: UInt16
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                throw SystemError(call: "inet_pton", errno: EINVAL, subject: host)
            }
            try Listener.bind(raw, &address, subject: "[\(host)]:\(port)")
            boundPort = UInt16(bigEndian: address.sin6_port)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
                throw SystemError(call: "inet_pton", errno: EINVAL, subject: host)
            }
            try Listener.bind(raw, &address, subject: "\(host):\(port)")
            boundPort = UInt16(bigEndian: address.sin_port)
        }
        _ = try systemCall("listen") { listen(raw, backlog) }
        self.descriptor = descriptor
        self.port = boundPort
        self.host = host
    }

    /// Binds `raw` to `address` (a sockaddr_in or sockaddr_in6) and reads back the address the kernel chose.
    private static func bind<Address>(_ raw: Int32, _ address: inout Address, subject: String) throws(SystemError) {
        let size = socklen_t(MemoryLayout<Address>.size)
        _ = try systemCall("bind", subject: subject) {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(raw, $0, size) }
            }
        }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(raw, $0, &length) }
        }
    }

    /// Accepts one connection, or returns nil when none is pending (non-blocking use) or the socket closed.
    public func accept() -> FileDescriptor? {
        let raw = Glibc.accept(descriptor.rawValue, nil, nil)
        guard raw >= 0 else { return nil }
        _ = fcntl(raw, F_SETFD, FD_CLOEXEC)
        return FileDescriptor(adopting: raw)
    }
}

/// Waits for any of `descriptors` to be readable, up to `timeoutMilliseconds`; returns the readable ones.
public func waitReadable(_ descriptors: [Int32], timeoutMilliseconds: Int32) -> [Int32] {
    var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let count = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
    guard count > 0 else { return [] }
    return fds.filter { $0.revents != 0 }.map(\.fd)
}
