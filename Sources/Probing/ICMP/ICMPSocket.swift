#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import Monitoring
import Sockets

/// Which kind of ICMP socket a run got.
enum ICMPSocketKind {
    /// The unprivileged ping socket: the kernel sets the identifier and filters replies.
    case datagram
    /// A raw socket: needs CAP_NET_RAW and sees all ICMP traffic.
    case raw

    /// A non-blocking ICMP socket for `target`: the ping socket if allowed, else a raw one, else an error
    /// that says what to change.
    static func open(for target: EchoTarget, host: String) throws(ICMPSocketError) -> (FileDescriptor, Self) {
        let family = target.isIPv6 ? AF_INET6 : AF_INET
        let proto = target.isIPv6 ? Int32(IPPROTO_ICMPV6) : Int32(IPPROTO_ICMP)
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let familyName = target.isIPv6 ? "AF_INET6" : "AF_INET"
        let protoName = target.isIPv6 ? "IPPROTO_ICMPV6" : "IPPROTO_ICMP"

        let datagram = Glibc.socket(family, Int32(SOCK_DGRAM.rawValue) | flags, proto)
        if datagram >= 0 {
            let socket = FileDescriptor(adopting: datagram)
            // ICMP errors about our requests go to the error queue, which `readable` drains.
            var on: Int32 = 1
            let (level, option) = target.isIPv6 ? (Int32(IPPROTO_IPV6), IPV6_RECVERR) : (Int32(IPPROTO_IP), IP_RECVERR)
            guard setsockopt(datagram, level, option, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw .system(SystemError(call: "setsockopt(RECVERR)", errno: errno, subject: host))
            }
            return (socket, .datagram)
        }
        let datagramError = errno
        let datagramCall = "socket(\(familyName), SOCK_DGRAM, \(protoName))"
        guard [EACCES, EPERM, EPROTONOSUPPORT].contains(datagramError) else {
            throw .system(SystemError(call: datagramCall, errno: datagramError, subject: "for \(host)"))
        }

        let raw = Glibc.socket(family, Int32(SOCK_RAW.rawValue) | flags, proto)
        guard raw >= 0 else {
            let rawError = errno
            let rawFailure = SystemError(call: "socket(\(familyName), SOCK_RAW, \(protoName))", errno: rawError)
            let datagramFailure = SystemError(call: datagramCall, errno: datagramError)
            guard rawError == EPERM || rawError == EACCES else { throw .system(rawFailure) }
            throw .notPermitted(host: host, datagram: datagramFailure, raw: rawFailure,
                                pingGroupRange: ICMPSocketError.currentPingGroupRange())
        }
        let socket = FileDescriptor(adopting: raw)
        installFilter(on: raw, isIPv6: target.isIPv6)
        return (socket, .raw)
    }

    /// Asks the kernel to pass a raw socket only echo replies and the errors that can concern an echo, so
    /// that other ICMP traffic does not wake the loop. Best effort: `EchoPacket.classify` checks every
    /// packet anyway, so a kernel that refuses the filter costs wake-ups, not correctness.
    private static func installFilter(on descriptor: Int32, isIPv6: Bool) {
        if isIPv6 {
            var filter = icmp6_filter()
            let passed: [Int] = [Int(ICMP6_ECHO_REPLY), Int(ICMP6_DST_UNREACH), Int(ICMP6_TIME_EXCEEDED),
                                 Int(ICMP6_PARAM_PROB)]
            // A set bit blocks that type (Linux's ICMP6_FILTER_SETBLOCK).
            withUnsafeMutableBytes(of: &filter.icmp6_filt) { words in
                for index in 0..<8 {
                    var word = UInt32.max
                    for type in passed where type >> 5 == index { word &= ~(UInt32(1) << UInt32(type & 31)) }
                    words.storeBytes(of: word, toByteOffset: index * 4, as: UInt32.self)
                }
            }
            _ = setsockopt(descriptor, Int32(IPPROTO_ICMPV6), ICMP6_FILTER, &filter,
                           socklen_t(MemoryLayout<icmp6_filter>.size))
        } else {
            // linux/icmp.h's ICMP_FILTER (1) on SOL_RAW: a 32-bit mask where a set bit blocks that type. The
            // header itself clashes with netinet/ip_icmp.h, so the constant is spelled here.
            let icmpFilterOption: Int32 = 1
            let passed: [Int32] = [Int32(ICMP_ECHOREPLY), Int32(ICMP_DEST_UNREACH), Int32(ICMP_TIME_EXCEEDED),
                                   Int32(ICMP_PARAMETERPROB)]
            var blocked = UInt32.max
            for type in passed { blocked &= ~(UInt32(1) << UInt32(type)) }
            _ = setsockopt(descriptor, Int32(SOL_RAW), icmpFilterOption, &blocked, socklen_t(MemoryLayout<UInt32>.size))
        }
    }
}

/// Why an ICMP run could not start.
enum ICMPSocketError: Error, CustomStringConvertible {
    /// Neither a ping socket (ping_group_range, read when it happened) nor a raw socket (CAP_NET_RAW) is allowed.
    case notPermitted(host: String, datagram: SystemError, raw: SystemError, pingGroupRange: String?)
    case system(SystemError)
    case badAddress(String)

    var description: String {
        switch self {
        case let .notPermitted(host, datagram, raw, pingGroupRange):
            let why: String
            if datagram.errno == EPROTONOSUPPORT {
                why = "this kernel has no unprivileged ping sockets"
            } else if let range = pingGroupRange {
                why = "net.ipv4.ping_group_range is \"\(range)\", which does not include this process's group "
                    + "(gid \(getegid()))"
            } else {
                why = "net.ipv4.ping_group_range does not include this process's group (gid \(getegid()))"
            }
            return "cannot send ICMP echoes to \(host): no unprivileged ping socket (\(datagram); \(why)) and no "
                + "CAP_NET_RAW for a raw socket (\(raw)). Fix one: widen net.ipv4.ping_group_range to include the "
                + "daemon's group (e.g. net.ipv4.ping_group_range=0 2147483647 in /etc/sysctl.d/), or give the "
                + "service CAP_NET_RAW (AmbientCapabilities=CAP_NET_RAW and CapabilityBoundingSet=CAP_NET_RAW)"
        case let .system(error):
            return "cannot open an ICMP socket: \(error)"
        case let .badAddress(host):
            return "'\(host)' is not an IPv4 or IPv6 address"
        }
    }

    /// The current `net.ipv4.ping_group_range` ("1 0" when it admits no one), or nil if unreadable.
    static func currentPingGroupRange() -> String? {
        let raw = open("/proc/sys/net/ipv4/ping_group_range", O_RDONLY | O_CLOEXEC)
        guard raw >= 0 else { return nil }
        let file = FileDescriptor(adopting: raw)
        guard let bytes = try? file.read(upTo: 64) else { return nil }
        let words = String(decoding: bytes, as: UTF8.self).split { $0 == " " || $0 == "\t" || $0 == "\n" }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}
