#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import Monitoring
import Sockets

/// Reads the control messages of one error-queue entry (IP_RECVERR / IPV6_RECVERR on a ping socket).
enum ICMPErrorQueue {
    /// What the entry says: an ICMP error and who sent it, or a local error; nil if it holds neither.
    static func parse(control: UnsafeRawBufferPointer) -> EchoFailure? {
        let headerSize = MemoryLayout<cmsghdr>.size
        let alignment = MemoryLayout<Int>.size
        let alignedHeaderSize = (headerSize + alignment - 1) & ~(alignment - 1)
        let errorSize = MemoryLayout<sock_extended_err>.size
        var offset = 0
        while offset + headerSize <= control.count {
            let header = control.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(header.cmsg_len)
            guard length >= headerSize, offset + length <= control.count else { return nil }
            let isError = (header.cmsg_level == Int32(IPPROTO_IP) && header.cmsg_type == IP_RECVERR)
                || (header.cmsg_level == Int32(IPPROTO_IPV6) && header.cmsg_type == IPV6_RECVERR)
            let dataOffset = offset + alignedHeaderSize
            if isError && dataOffset + errorSize <= offset + length {
                let error = control.loadUnaligned(fromByteOffset: dataOffset, as: sock_extended_err.self)
                let origin = Int32(error.ee_origin)
                guard origin == SO_EE_ORIGIN_ICMP || origin == SO_EE_ORIGIN_ICMP6 else {
                    return .notSent(String(cString: strerror(Int32(bitPattern: error.ee_errno))))
                }
                let description = EchoPacket.errorDescription(type: error.ee_type, code: error.ee_code,
                                                              isIPv6: origin == SO_EE_ORIGIN_ICMP6)
                    ?? "ICMP type \(error.ee_type) code \(error.ee_code)"
                // SO_EE_OFFENDER: the sender's address follows the structure.
                var offender = sockaddr_storage()
                let available = min(offset + length - (dataOffset + errorSize), MemoryLayout<sockaddr_storage>.size)
                withUnsafeMutableBytes(of: &offender) { destination in
                    destination.copyMemory(from: UnsafeRawBufferPointer(
                        rebasing: control[(dataOffset + errorSize)..<(dataOffset + errorSize + available)]))
                }
                return .answered("\(description) from \(EchoTarget.text(of: offender))")
            }
            offset += (length + alignment - 1) & ~(alignment - 1)
        }
        return nil
    }
}
