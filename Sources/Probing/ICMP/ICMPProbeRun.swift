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
enum EchoFate {
    case waiting(sentAt: Int64)
    case replied(roundTrip: Int64)
    case failed(EchoFailure)
}

/// Why an echo got no reply, when something said why.
enum EchoFailure: Hashable {
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
enum EchoArrival {
    case reply(sequence: UInt16)
    case error(sequence: UInt16, EchoFailure)
}

// MARK: - The target address

/// An IPv4 or IPv6 address literal in the forms the socket calls and the packet checks need.
struct EchoTarget {
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
