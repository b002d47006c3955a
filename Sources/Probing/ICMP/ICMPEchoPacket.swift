#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import Monitoring
import Sockets

/// Echo requests as sent, and what comes back as read from either kind of socket.
enum EchoPacket {
    /// An echo request: type, code, checksum, identifier, sequence, then the token and a fixed pattern.
    static func request(isIPv6: Bool, identifier: UInt16, sequence: UInt16, token: UInt64) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: 8 + ICMPProbeRun.payloadSize)
        packet[0] = isIPv6 ? UInt8(ICMP6_ECHO_REQUEST) : UInt8(ICMP_ECHO)
        packet[4] = UInt8(truncatingIfNeeded: identifier >> 8)
        packet[5] = UInt8(truncatingIfNeeded: identifier)
        packet[6] = UInt8(truncatingIfNeeded: sequence >> 8)
        packet[7] = UInt8(truncatingIfNeeded: sequence)
        for index in 0..<8 { packet[8 + index] = UInt8(truncatingIfNeeded: token >> (56 - 8 * UInt64(index))) }
        for index in 16..<packet.count { packet[index] = UInt8(truncatingIfNeeded: index) }
        if !isIPv6 {
            // The kernel fills in ICMPv6 checksums and ping sockets' IPv4 ones; a raw IPv4 socket needs ours.
            let sum = packet.withUnsafeBytes { checksum($0) }
            packet[2] = UInt8(truncatingIfNeeded: sum >> 8)
            packet[3] = UInt8(truncatingIfNeeded: sum)
        }
        return packet
    }

    /// The Internet checksum (RFC 1071) of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(truncatingIfNeeded: sum)
    }

    /// What one datagram means for this run: a reply to one of its echoes, an ICMP error about one of them,
    /// or nil for anything else (another process's traffic, our own requests seen on loopback, other types).
    static func classify(_ packet: UnsafeRawBufferPointer, from source: sockaddr_storage, kind: ICMPSocketKind,
                         target: EchoTarget, identifier: UInt16, token: UInt64) -> EchoArrival? {
        var message = packet
        if kind == .raw && !target.isIPv6 {
            // A raw IPv4 socket hands over the IP header too; ping sockets and IPv6 sockets do not.
            guard let headerLength = ipv4HeaderLength(message) else { return nil }
            message = UnsafeRawBufferPointer(rebasing: message[headerLength...])
        }
        guard message.count >= 8 else { return nil }
        let type = message[0]
        let replyType = target.isIPv6 ? UInt8(ICMP6_ECHO_REPLY) : UInt8(ICMP_ECHOREPLY)
        if type == replyType {
            guard message.count >= 16, bigEndian64(message, at: 8) == token else { return nil }
            // A ping socket's identifier is the kernel's choice, and the kernel has already matched it.
            if kind == .raw && bigEndian16(message, at: 4) != identifier { return nil }
            return .reply(sequence: bigEndian16(message, at: 6))
        }
        // A ping socket gets errors on its error queue, never as data.
        guard kind == .raw, let description = errorDescription(type: type, code: message[1], isIPv6: target.isIPv6),
              let quoted = quotedEcho(UnsafeRawBufferPointer(rebasing: message[8...]), target: target),
              bigEndian16(quoted, at: 4) == identifier
        else { return nil }
        let sender = EchoTarget.text(of: source)
        return .error(sequence: bigEndian16(quoted, at: 6), .answered("\(description) from \(sender)"))
    }

    /// The echo request that an ICMP error quotes (its ICMP header on), if it is one of ours to `target`.
    private static func quotedEcho(_ quoted: UnsafeRawBufferPointer, target: EchoTarget) -> UnsafeRawBufferPointer? {
        let echo: UnsafeRawBufferPointer
        if target.isIPv6 {
            // A fixed 40-byte IPv6 header with ICMPv6 (58) as the next header; extension headers are not ours.
            guard quoted.count >= 48, quoted[6] == 58, quoted[24..<40].elementsEqual(target.bytes) else { return nil }
            echo = UnsafeRawBufferPointer(rebasing: quoted[40...])
        } else {
            guard let headerLength = ipv4HeaderLength(quoted), quoted[9] == UInt8(IPPROTO_ICMP),
                  quoted[16..<20].elementsEqual(target.bytes)
            else { return nil }
            echo = UnsafeRawBufferPointer(rebasing: quoted[headerLength...])
        }
        let requestType = target.isIPv6 ? UInt8(ICMP6_ECHO_REQUEST) : UInt8(ICMP_ECHO)
        guard echo.count >= 8, echo[0] == requestType else { return nil }
        return echo
    }

    /// The sequence number of a ping socket's request quoted on its error queue (starting at the ICMP header).
    static func quotedSequence(_ quoted: UnsafeRawBufferPointer, isIPv6: Bool, token: UInt64) -> UInt16? {
        let requestType = isIPv6 ? UInt8(ICMP6_ECHO_REQUEST) : UInt8(ICMP_ECHO)
        guard quoted.count >= 8, quoted[0] == requestType else { return nil }
        // The token is there unless the quote was cut short; then the sequence number alone has to do.
        if quoted.count >= 16 && bigEndian64(quoted, at: 8) != token { return nil }
        return bigEndian16(quoted, at: 6)
    }

    /// "destination unreachable (host unreachable)" for the ICMP error types that can concern an echo.
    static func errorDescription(type: UInt8, code: UInt8, isIPv6: Bool) -> String? {
        if isIPv6 {
            switch Int32(type) {
            case Int32(ICMP6_DST_UNREACH):
                let reasons = ["no route to destination", "administratively prohibited",
                               "beyond scope of source address", "address unreachable", "port unreachable",
                               "source address failed ingress/egress policy", "reject route to destination"]
                let reason = reasons.indices.contains(Int(code)) ? reasons[Int(code)] : "code \(code)"
                return "destination unreachable (\(reason))"
            case Int32(ICMP6_TIME_EXCEEDED):
                return code == 0 ? "time exceeded (hop limit reached in transit)" : "time exceeded (reassembly)"
            case Int32(ICMP6_PARAM_PROB):
                return "parameter problem (code \(code))"
            default:
                return nil
            }
        }
        switch Int32(type) {
        case Int32(ICMP_DEST_UNREACH):
            let reasons = [0: "network unreachable", 1: "host unreachable", 2: "protocol unreachable",
                           3: "port unreachable", 4: "fragmentation needed", 5: "source route failed",
                           6: "destination network unknown", 7: "destination host unknown",
                           9: "network administratively prohibited", 10: "host administratively prohibited",
                           11: "network unreachable for TOS", 12: "host unreachable for TOS",
                           13: "communication administratively prohibited"]
            return "destination unreachable (\(reasons[Int(code)] ?? "code \(code)"))"
        case Int32(ICMP_TIME_EXCEEDED):
            return code == 0 ? "time exceeded (TTL expired in transit)" : "time exceeded (reassembly)"
        case Int32(ICMP_PARAMETERPROB):
            return "parameter problem (code \(code))"
        default:
            return nil
        }
    }

    /// The length of the IPv4 header at the start of `bytes`, or nil if it is not a whole IPv4 header.
    private static func ipv4HeaderLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 20, bytes[0] >> 4 == 4 else { return nil }
        let length = Int(bytes[0] & 0x0f) * 4
        return length >= 20 && length <= bytes.count ? length : nil
    }

    private static func bigEndian16(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private static func bigEndian64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }
}
