#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import Monitoring
import Sockets

/// One run of a `Kind=icmp` probe: `Count` echo requests `Spacing` apart on one non-blocking ICMP socket,
/// replies matched by sequence number, and one observation once every echo is answered or the deadline
/// (last send + `Timeout=`) passes. Losing every echo is a failure; losing more than `MaxLoss=` is a slow
/// success, which the state machine confirms into DEGRADED.
///
/// It prefers the unprivileged ping socket (`SOCK_DGRAM`, allowed by `net.ipv4.ping_group_range`), where the
/// kernel picks the identifier and delivers only this socket's replies, and ICMP errors arrive on the error
/// queue. Otherwise it uses a raw socket (needs `CAP_NET_RAW`), which sees every ICMP packet the host
/// receives: it skips the IP header and keeps only echo replies carrying this run's identifier and token,
/// and ICMP errors whose quoted request is one of this run's.
final class ICMPProbeRun: NativeCheck {
    private let probe: ProbeDefinition
    private let check: ICMPCheck
    private let startedAt: Timestamp
    private let target: EchoTarget?
    /// Written into every request; a raw socket keeps only replies with this identifier and token.
    private let identifier = UInt16.random(in: 0...UInt16.max)
    private let token = UInt64.random(in: 0...UInt64.max)

    private var socket: FileDescriptor?
    private var socketKind = ICMPSocketKind.datagram
    /// What became of each echo sent so far; index `n` holds sequence number `n + 1`.
    private var fates: [EchoFate] = []
    private var startedMono: Int64 = 0
    private var nextSendAt: Int64 = 0
    private var deadline: Int64 = .max
    private var echoesSent = 0
    /// Echoes with a fate: a reply, an ICMP error, or a failed send.
    private var echoesAnswered = 0
    private var finished = false

    /// The bytes after the 8-byte ICMP header: the run's token, then a fixed pattern (64 bytes on the wire,
    /// like ping(8)).
    static let payloadSize = 56
    /// Reads per wake-up, so one busy socket cannot hold the loop; epoll reports the rest on the next turn.
    static let readsPerWakeUp = 64

    init(probe: ProbeDefinition, check: ICMPCheck, startedAt: Timestamp) {
        self.probe = probe
        self.check = check
        self.startedAt = startedAt
        target = EchoTarget(check.host)
    }

    var wakeAt: Int64 {
        if fates.count < check.count { return nextSendAt }
        // Every echo already answered (the last send failed at once): finish on the next turn.
        return everyEchoAnswered ? startedMono : deadline
    }

    func start(now: Int64) throws -> Int32 {
        guard let target else { throw ICMPSocketError.badAddress(check.host) }
        let (socket, kind) = try ICMPSocketKind.open(for: target, host: check.host)
        self.socket = socket
        socketKind = kind
        startedMono = now
        nextSendAt = now
        sendDueEcho(now: now)
        return socket.rawValue
    }

    func readable(now: Int64) -> Observation? {
        guard !finished, let socket, let target else { return nil }
        withUnsafeTemporaryAllocation(byteCount: 2048, alignment: 8) { buffer in
            for _ in 0..<Self.readsPerWakeUp {
                guard let packet = Self.receive(on: socket.rawValue, into: buffer) else { break }
                let arrivedAt = SystemClock.monotonicNanoseconds()
                if let arrival = EchoPacket.classify(packet.bytes, from: packet.source, kind: socketKind,
                                                     target: target, identifier: identifier, token: token) {
                    record(arrival, at: arrivedAt)
                }
            }
            if socketKind == .datagram { drainErrorQueue(socket.rawValue, buffer: buffer) }
        }
        return everyEchoAnswered ? finish(now: now) : nil
    }

    func tick(now: Int64) -> Observation? {
        guard !finished else { return nil }
        if fates.count < check.count && now >= nextSendAt { sendDueEcho(now: now) }
        if fates.count == check.count && (everyEchoAnswered || now >= deadline) { return finish(now: now) }
        return nil
    }

    func close() {
        socket?.close()
        socket = nil
    }

    // MARK: Sending

    /// Sends the next echo and schedules the one after, or the deadline after the last.
    private func sendDueEcho(now: Int64) {
        guard let socket, var target else { return }
        let sequence = UInt16(fates.count + 1)
        let packet = EchoPacket.request(isIPv6: target.isIPv6, identifier: identifier, sequence: sequence,
                                        token: token)
        let sentAt = SystemClock.monotonicNanoseconds()
        let result = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &target.socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket.rawValue, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0,
                           target.socketAddressLength)
                }
            }
        }
        if result < 0 {
            fates.append(.failed(.notSent(SystemError(call: "sendto", errno: errno).description)))
            echoesAnswered += 1
        } else {
            fates.append(.waiting(sentAt: sentAt))
            echoesSent += 1
        }
        if fates.count < check.count {
            // Keep to the nominal schedule, but never send a burst to catch up after a late wake-up.
            let spacing = check.spacing.microseconds * 1000
            nextSendAt += spacing
            if nextSendAt <= now { nextSendAt = now + spacing }
        } else {
            deadline = now + probe.timeout.microseconds * 1000
        }
    }

    // MARK: Receiving

    private struct ReceivedPacket {
        var bytes: UnsafeRawBufferPointer
        var source: sockaddr_storage
    }

    /// One datagram from the socket, or nil when there is nothing more to read now.
    private static func receive(on descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer)
        -> ReceivedPacket?
    {
        // A pending socket error (sk_err, from an ICMP error on a ping socket) fails one recvfrom and is
        // then cleared; the error queue holds the details, so skip it and read on, a bounded number of times.
        for _ in 0..<4 {
            var source = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &length)
                }
            }
            if count >= 0 {
                return ReceivedPacket(bytes: UnsafeRawBufferPointer(rebasing: buffer[..<count]), source: source)
            }
            let error = errno
            if error == EAGAIN || error == EWOULDBLOCK { return nil }
        }
        return nil
    }

    /// Reads the ping socket's error queue: each entry is an ICMP error (or a local send error) that quotes
    /// the request it concerns, so the echo it names is answered with that error.
    private func drainErrorQueue(_ descriptor: Int32, buffer: UnsafeMutableRawBufferPointer) {
        var control = [UInt8](repeating: 0, count: 512)
        for _ in 0..<Self.readsPerWakeUp {
            var source = sockaddr_storage()
            var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
            let (count, controlLength) = control.withUnsafeMutableBytes { controlBytes in
                withUnsafeMutablePointer(to: &source) { sourcePointer in
                    withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(sourcePointer)
                        message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let count = recvmsg(descriptor, &message, Int32(MSG_ERRQUEUE) | Int32(MSG_DONTWAIT))
                        return (count, Int(message.msg_controllen))
                    }
                }
            }
            guard count >= 0 else { return }
            let quoted = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            let report = control.withUnsafeBytes { bytes in
                let filled = min(controlLength, bytes.count)
                return ICMPErrorQueue.parse(control: UnsafeRawBufferPointer(rebasing: bytes[..<filled]))
            }
            let isIPv6 = target?.isIPv6 ?? false
            guard let report, let sequence = EchoPacket.quotedSequence(quoted, isIPv6: isIPv6, token: token) else {
                continue
            }
            record(.error(sequence: sequence, report), at: SystemClock.monotonicNanoseconds())
        }
    }

    private func record(_ arrival: EchoArrival, at arrivedAt: Int64) {
        let (sequence, failure): (UInt16, EchoFailure?) = switch arrival {
        case .reply(let sequence): (sequence, nil)
        case .error(let sequence, let failure): (sequence, failure)
        }
        let index = Int(sequence) - 1
        // A duplicate reply, or an answer to a sequence number this run has not sent: not ours to count.
        guard fates.indices.contains(index), case .waiting(let sentAt) = fates[index] else { return }
        fates[index] = failure.map { .failed($0) } ?? .replied(roundTrip: max(0, arrivedAt - sentAt))
        echoesAnswered += 1
    }

    // MARK: The result

    private var everyEchoAnswered: Bool { fates.count == check.count && echoesAnswered == fates.count }

    private func finish(now: Int64) -> Observation {
        finished = true
        let count = check.count
        let roundTrips = fates.compactMap { if case .replied(let roundTrip) = $0 { roundTrip } else { nil } }
        let failures = fates.compactMap { if case .failed(let failure) = $0 { failure } else { nil } }
        let explanation = EchoFailure.summary(of: failures)
        guard !roundTrips.isEmpty else {
            // An error that says why (unreachable, no route) is a connect failure; silence is a timeout.
            let failureClass: FailureClass = failures.isEmpty ? .timeout : .connect
            let details = explanation.map { "; \($0)" } ?? ""
            let message = "no echo replies from \(check.host) (\(echoesSent) sent\(details))"
            return Observation(probeID: probe.id, at: startedAt,
                               failure: FailureEvidence(failureClass: failureClass, message: message),
                               latencyMicroseconds: max(0, now - startedMono) / 1000)
        }
        let average = roundTrips.reduce(0, +) / Int64(roundTrips.count) / 1000
        var observation = Observation(probeID: probe.id, at: startedAt, latencyMicroseconds: average)
        let lost = count - roundTrips.count
        if lost * 100 > check.maxLossPercent * count {
            let percent = (lost * 200 + count) / (2 * count)
            let details = explanation.map { "; \($0)" } ?? ""
            observation.slowness = "\(percent)% loss (\(lost) of \(count) echoes lost\(details)); "
                + "MaxLoss=\(check.maxLossPercent)%"
        } else if let limit = probe.maxLatency, average > limit.microseconds {
            observation.slowness = "average round trip \(average / 1000) ms; MaxLatency=\(limit.configText)"
        }
        return observation
    }
}

// MARK: - Echo bookkeeping

/// What became of one echo request.
private enum EchoFate {
    case waiting(sentAt: Int64)
    case replied(roundTrip: Int64)
    case failed(EchoFailure)
}

/// Why an echo got no reply, when something said why.
private enum EchoFailure: Hashable {
    /// An ICMP error about the request, e.g. "destination unreachable (host unreachable) from 10.0.0.1".
    case answered(String)
    /// The request never left: the send failed here (no route, buffer full).
    case notSent(String)

    /// "3 answered with destination unreachable (host unreachable) from 10.0.0.1; 1 not sent (...)", or nil.
    static func summary(of failures: [EchoFailure]) -> String? {
        guard !failures.isEmpty else { return nil }
        var order: [EchoFailure] = []
        var counts: [EchoFailure: Int] = [:]
        for failure in failures {
            if counts[failure] == nil { order.append(failure) }
            counts[failure, default: 0] += 1
        }
        return order.map { failure in
            let count = counts[failure] ?? 0
            switch failure {
            case .answered(let text): return "\(count) answered with \(text)"
            case .notSent(let text): return "\(count) not sent (\(text))"
            }
        }.joined(separator: "; ")
    }
}

/// Something that arrived for one of this run's echoes.
private enum EchoArrival {
    case reply(sequence: UInt16)
    case error(sequence: UInt16, EchoFailure)
}

// MARK: - The target address

/// An IPv4 or IPv6 address literal in the forms the socket calls and the packet checks need.
private struct EchoTarget {
    let isIPv6: Bool
    /// The address in network order (4 or 16 bytes), compared with the request quoted in an ICMP error.
    let bytes: [UInt8]
    var socketAddress = sockaddr_storage()
    let socketAddressLength: socklen_t

    init?(_ text: String) {
        isIPv6 = text.contains(":")
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            guard inet_pton(AF_INET6, text, &address.sin6_addr) == 1 else { return nil }
            bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
            socketAddressLength = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &socketAddress) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return nil }
            bytes = withUnsafeBytes(of: address.sin_addr) { Array($0) }
            socketAddressLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &socketAddress) { $0.storeBytes(of: address, as: sockaddr_in.self) }
        }
    }

    /// An address as text ("10.0.0.1", "fe80::1"), or "?" for a family other than IPv4 and IPv6.
    static func text(of storage: sockaddr_storage) -> String {
        withUnsafeBytes(of: storage) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET:
                let address = raw.load(as: sockaddr_in.self).sin_addr
                return text(family: AF_INET, bytes: withUnsafeBytes(of: address) { Array($0) })
            case AF_INET6:
                let address = raw.load(as: sockaddr_in6.self).sin6_addr
                return text(family: AF_INET6, bytes: withUnsafeBytes(of: address) { Array($0) })
            default:
                return "?"
            }
        }
    }

    /// `bytes` (4 or 16, network order) as text.
    static func text(family: Int32, bytes: [UInt8]) -> String {
        var characters = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, bytes, &characters, socklen_t(characters.count)) != nil else { return "?" }
        return String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: - Opening the socket

/// Which kind of ICMP socket a run got.
private enum ICMPSocketKind {
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
private enum ICMPSocketError: Error, CustomStringConvertible {
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

// MARK: - Packets

/// Echo requests as sent, and what comes back as read from either kind of socket.
private enum EchoPacket {
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

// MARK: - The error queue

/// Reads the control messages of one error-queue entry (IP_RECVERR / IPV6_RECVERR on a ping socket).
private enum ICMPErrorQueue {
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
