#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// A Unix datagram socket: the daemon's control socket, and the CLI's end of it.
public final class UnixDatagramSocket: @unchecked Sendable {
    // @unchecked: the descriptor is fixed after init; send and receive are thread-safe in the kernel.
    public let descriptor: FileDescriptor
    /// The path bound, for a server socket.
    public let path: String?

    /// A server socket bound at `path` (a stale socket file left by a dead daemon is replaced).
    public init(bindingTo path: String, mode: UInt32 = 0o660) throws(SystemError) {
        let raw = try systemCall("socket(AF_UNIX)") { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        descriptor = FileDescriptor(adopting: raw)
        unlink(path)
        var address = try UnixDatagramSocket.address(path)
        _ = try systemCall("bind", subject: path) {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(raw, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
        chmod(path, mode)
        self.path = path
    }

    /// A client socket with an automatically bound abstract address, so the server can answer.
    public init() throws(SystemError) {
        let raw = try systemCall("socket(AF_UNIX)") { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        descriptor = FileDescriptor(adopting: raw)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        _ = try systemCall("bind(autobind)") {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(raw, $0, socklen_t(MemoryLayout<sa_family_t>.size))
                }
            }
        }
        path = nil
    }

    deinit {
        if let path { unlink(path) }
    }

    /// A peer address as received, to answer to.
    public struct Peer: @unchecked Sendable {
        // @unchecked: a plain value copied out of the kernel.
        fileprivate var address: sockaddr_un
        fileprivate var length: socklen_t
    }

    /// Sends `text` to the socket at `path`.
    public func send(_ text: String, to path: String) throws(SystemError) {
        var address = try UnixDatagramSocket.address(path)
        let bytes = Array(text.utf8)
        _ = try systemCall("sendto", subject: path) {
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bytes.withUnsafeBytes {
                        sendto(descriptor.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress,
                               socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
            }
        }
    }

    /// Answers a peer.
    public func send(_ text: String, to peer: Peer) {
        var address = peer.address
        let bytes = Array(text.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes {
                    sendto(descriptor.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT),
                           socketAddress, peer.length)
                }
            }
        }
    }

    /// Receives one datagram (at most 8 KiB), waiting up to `timeoutMilliseconds`; nil on timeout.
    public func receive(timeoutMilliseconds: Int32, alsoWatching other: Int32? = nil) -> (text: String, peer: Peer)? {
        let watch = [descriptor.rawValue] + (other.map { [$0] } ?? [])
        guard waitReadable(watch, timeoutMilliseconds: timeoutMilliseconds).contains(descriptor.rawValue) else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor.rawValue, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, &length)
                }
            }
        }
        guard count >= 0 else { return nil }
        return (String(decoding: buffer[..<count], as: UTF8.self), Peer(address: address, length: length))
    }

    private static func address(_ path: String) throws(SystemError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError(call: "bind", errno: ENAMETOOLONG, subject: path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return address
    }
}
