#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An IPv4 or IPv6 address and port, parsed from a literal: what `connect` and `sendto` take and
/// `recvfrom` reports (DNS, TCP banners).
struct IPSocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    var address: [UInt8]
    var port: UInt16

    var isIPv6: Bool { address.count == 16 }
    var family: Int32 { isIPv6 ? AF_INET6 : AF_INET }

    /// An IP literal (no brackets) and a port; nil when `host` is not an address.
    init?(host: String, port: Int) {
        guard let address = IPSocketAddress.bytes(ofLiteral: host), (0...65535).contains(port) else { return nil }
        self.address = address
        self.port = UInt16(port)
    }

    init(address: [UInt8], port: UInt16) {
        self.address = address
        self.port = port
    }

    /// The sender of a datagram; nil for a family other than IPv4/IPv6.
    init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let v4 = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in.self) }
            address = withUnsafeBytes(of: v4.sin_addr) { Array($0) }
            port = UInt16(bigEndian: v4.sin_port)
        case AF_INET6:
            let v6 = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
            address = withUnsafeBytes(of: v6.sin6_addr) { Array($0) }
            port = UInt16(bigEndian: v6.sin6_port)
        default:
            return nil
        }
    }

    /// The IPv4 address as `::ffff:a.b.c.d`, for sending from an IPv6 socket that also speaks IPv4.
    var mappedToIPv6: IPSocketAddress {
        guard !isIPv6 else { return self }
        return IPSocketAddress(address: Array(repeating: 0, count: 10) + [0xFF, 0xFF] + address, port: port)
    }

    /// An IPv4-mapped IPv6 address back as IPv4, so comparisons and messages see one form.
    var unmapped: IPSocketAddress {
        guard isIPv6, address.prefix(12).elementsEqual(Array(repeating: 0, count: 10) + [0xFF, 0xFF]) else {
            return self
        }
        return IPSocketAddress(address: Array(address.suffix(4)), port: port)
    }

    /// The bytes of an IPv4 or IPv6 literal (4 or 16), or nil when `text` is not one.
    static func bytes(ofLiteral text: String) -> [UInt8]? {
        if text.contains(":") {
            var bytes = in6_addr()
            guard inet_pton(AF_INET6, text, &bytes) == 1 else { return nil }
            return withUnsafeBytes(of: bytes) { Array($0) }
        }
        var bytes = in_addr()
        guard inet_pton(AF_INET, text, &bytes) == 1 else { return nil }
        return withUnsafeBytes(of: bytes) { Array($0) }
    }

    var description: String {
        let plain = unmapped
        if plain.isIPv6 { return "[\(DNSAddressText.ipv6(plain.address))]:\(port)" }
        return plain.address.map(String.init).joined(separator: ".") + ":\(port)"
    }

    /// Calls `body` with this address as a `sockaddr` and its length.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        if isIPv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: address) }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        withUnsafeMutableBytes(of: &socketAddress.sin_addr) { $0.copyBytes(from: address) }
        return withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
