#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Monitoring
import Sockets

/// One run of a `Kind=dns` probe on the engine's loop: one non-blocking, unconnected UDP socket, one
/// question to `Server=`, and (when that fails and `Compare=` is set) the same question to the reference
/// resolver from the same socket. A reply with the TC bit set (the answer did not fit in a datagram) is
/// asked again over TCP to the same resolver within the same deadline, as RFC 7766 says a client must.
///
/// Datagrams from anyone but the resolver being asked, or with another ID or question, are ignored (an
/// unconnected socket hears them all) and remembered for the timeout message. The site resolver has until
/// start + `Timeout=`; the reference gets its own `Timeout=` from the moment it is asked, so a run with
/// `Compare=` lasts at most twice `Timeout=`.
final class DNSProbeRun: NativeCheck {
    /// Why a run could not start; the engine records it as an `internal` failure.
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// Enough for any sane reply: without EDNS a UDP answer should fit in 512 bytes.
    static let receiveLimit = 4096
    /// Datagrams read per `readable` call; epoll is level-triggered, so the rest come on the next turn.
    static let datagramsPerWakeUp = 64

    private let probe: ProbeDefinition
    private let check: DNSCheck
    private let startedAt: Timestamp
    private var socket: FileDescriptor?
    /// An IPv6 socket sends to IPv4 resolvers as IPv4-mapped addresses.
    private var socketIsIPv6 = false
    private var startedMono: Int64 = 0
    private(set) var wakeAt: Int64 = .max

    /// The resolver being asked right now.
    private struct Asking {
        var resolver: ResolverAddress
        /// The address the query went to (IPv4-mapped on a dual-stack socket).
        var address: IPSocketAddress
        var query: DNSQuery
        var sentAt: Int64
        var deadline: Int64
        var isReference: Bool
        var role: String { isReference ? "reference's" : "server's" }
    }

    private var asking: Asking?
    /// How the site resolver failed, kept while the reference is asked.
    private var siteVerdict: DNSVerdict?
    /// The site resolver's address, to recognise its late replies while the reference is asked.
    private var siteAddress: IPSocketAddress?
    private var referenceAddress: IPSocketAddress?
    /// Why `Compare=` cannot be used on this run (no IPv6 socket for an IPv6 reference).
    private var referenceProblem: String?
    /// A result decided inside `start` (sending failed), handed over on the next `tick`.
    private var pending: Observation?
    private var ignored = DNSIgnoredReplies()
    /// The TCP retry of a truncated reply, while it runs.
    private var tcp: DNSTCPExchange?

    init(probe: ProbeDefinition, check: DNSCheck, startedAt: Timestamp) {
        self.probe = probe
        self.check = check
        self.startedAt = startedAt
    }

    func start(now: Int64) throws -> Int32 {
        startedMono = now
        guard let server = IPSocketAddress(host: check.server.host, port: check.server.port) else {
            throw StartError(description: "Server=\(check.server) is not an IP address and port")
        }
        siteAddress = server
        if let compare = check.compare {
            referenceAddress = IPSocketAddress(host: compare.host, port: compare.port)
            if referenceAddress == nil { referenceProblem = "it is not an IP address and port" }
        }
        var ipv6 = server.isIPv6 || referenceAddress?.isIPv6 == true
        var opened = Result { () throws(SystemError) in try Self.openSocket(ipv6: ipv6) }
        if case .failure(let error) = opened, ipv6 && !server.isIPv6 {
            // An IPv6 reference on a host without IPv6: still ask the IPv4 site resolver.
            referenceProblem = "this host cannot open an IPv6 socket (\(error))"
            ipv6 = false
            opened = Result { () throws(SystemError) in try Self.openSocket(ipv6: false) }
        }
        let descriptor = try opened.get()
        socket = descriptor
        socketIsIPv6 = ipv6
        let address = ipv6 ? server.mappedToIPv6 : server
        if let verdict = try ask(check.server, at: address, now: now, deadline: now + nanoseconds(probe.timeout),
                                 isReference: false), let observation = conclude(verdict, now: now) {
            pending = observation
            wakeAt = now
        }
        return descriptor.rawValue
    }

    var watching: (descriptor: Int32, readiness: Readiness)? {
        if let tcp { return (tcp.descriptor, tcp.readiness) }
        return socket.map { ($0.rawValue, .readable) }
    }

    func readable(now: Int64) -> Observation? {
        if tcp != nil { return advanceTCP(now: now) }
        guard let socket, asking != nil else { return nil }
        var buffer = [UInt8](repeating: 0, count: Self.receiveLimit)
        for _ in 0..<Self.datagramsPerWakeUp {
            switch Self.receive(on: socket.rawValue, into: &buffer) {
            case .nothing:
                return nil
            case .failed(let error):
                return finish(FailureEvidence(failureClass: .network, message: "could not read replies: \(error)"),
                              now: now)
            case let .datagram(length, source):
                let datagram = Array(buffer.prefix(length))
                if let observation = handle(datagram, fullLength: length, from: source, now: now) { return observation }
            }
        }
        return nil
    }

    func tick(now: Int64) -> Observation? {
        if let pending {
            self.pending = nil
            return pending
        }
        guard let asking, now >= asking.deadline else { return nil }
        let received = tcp.map { " (over TCP after a truncated UDP reply, \($0.receivedCount) bytes received)" } ?? ""
        endTCP()
        let summary = "timed out after \(probe.timeout.configText)\(received)"
        let message = ignored.count == 0 ? summary : "\(summary); \(ignored)"
        return conclude(.failed(.timeout, message, summary: summary), now: now)
    }

    func close() {
        endTCP()
        socket?.close()
        socket = nil
    }

    // MARK: Steps

    /// Sends a fresh query to `resolver`. Returns a verdict only when the send failed.
    private func ask(_ resolver: ResolverAddress, at address: IPSocketAddress, now: Int64, deadline: Int64,
                     isReference: Bool) throws(DNSMessageError) -> DNSVerdict? {
        let query = try DNSQuery(name: check.query, type: DNSRecordType.code(for: check.type))
        asking = Asking(resolver: resolver, address: address, query: query, sentAt: now, deadline: deadline,
                        isReference: isReference)
        ignored = DNSIgnoredReplies()
        wakeAt = deadline
        guard let socket, let error = Self.send(query.bytes, to: address, on: socket.rawValue) else { return nil }
        return .failed(.connect, "could not send to \(resolver): \(error)", summary: "could not send: \(error)")
    }

    /// One datagram: ignored unless it is the asked resolver's reply to this query; otherwise judged.
    private func handle(_ bytes: [UInt8], fullLength: Int, from source: IPSocketAddress, now: Int64)
        -> Observation?
    {
        guard let asking else { return nil }
        let expected = asking.address.unmapped
        let sender = source.unmapped
        if asking.isReference, sender == siteAddress {
            ignored.add(from: sender, "a late reply from the site resolver")
            return nil
        }
        guard sender.address == expected.address else {
            ignored.add(from: sender, "not the \(asking.role) address")
            return nil
        }
        guard sender.port == expected.port else {
            ignored.add(from: sender, "not the \(asking.role) port")
            return nil
        }
        guard fullLength <= bytes.count else {
            return conclude(.failed(.protocolError, "\(asking.resolver) sent a \(fullLength)-byte reply; courtwatch "
                                        + "reads at most \(bytes.count) bytes (no EDNS: 512 should do)",
                                    summary: "a \(fullLength)-byte reply"), now: now)
        }
        let response: DNSResponse
        do {
            response = try DNSResponse(parsing: bytes, for: asking.query)
        } catch where error.meansNotOurReply {
            ignored.add(from: sender, error.description)
            return nil
        } catch .truncated {
            return askOverTCP(now: now)
        } catch {
            return conclude(.failed(.protocolError, "\(asking.resolver) sent an unusable reply: \(error)",
                                    summary: "unusable reply: \(error)"), now: now)
        }
        return conclude(DNSVerdict.judge(response, from: asking.resolver, check: check), now: now)
    }

    /// The asked resolver's reply did not fit in a datagram: the same question to it over TCP.
    private func askOverTCP(now: Int64) -> Observation? {
        guard let asking else { return nil }
        do {
            tcp = try DNSTCPExchange(to: asking.address.unmapped, query: asking.query.bytes)
        } catch {
            return conclude(.failed(.connect, "\(asking.resolver) sent a truncated reply (TC bit set) and TCP could "
                                        + "not start: \(error)", summary: "truncated reply; TCP: \(error)"), now: now)
        }
        return advanceTCP(now: now)
    }

    private func advanceTCP(now: Int64) -> Observation? {
        guard let exchange = tcp, let asking else { return nil }
        switch exchange.advance() {
        case .waiting:
            return nil
        case .failed(let failureClass, let message):
            endTCP()
            return conclude(.failed(failureClass, "\(asking.resolver) sent a truncated reply (TC bit set); asked again "
                                        + "over TCP, it \(message)", summary: "over TCP: \(message)"), now: now)
        case .reply(let bytes):
            endTCP()
            do {
                let response = try DNSResponse(parsing: bytes, for: asking.query)
                return conclude(DNSVerdict.judge(response, from: asking.resolver, check: check), now: now)
            } catch {
                return conclude(.failed(.protocolError, "\(asking.resolver) sent an unusable reply over TCP: \(error)",
                                        summary: "unusable TCP reply: \(error)"), now: now)
            }
        }
    }

    private func endTCP() {
        tcp?.close()
        tcp = nil
    }

    /// What a verdict from the resolver being asked leads to: the run's observation, or (when the site
    /// resolver failed and there is a reference) nil while the reference is asked.
    private func conclude(_ verdict: DNSVerdict, now: Int64) -> Observation? {
        guard let asking else { return nil }
        if asking.isReference, let siteVerdict, let compare = check.compare {
            return finish(DNSVerdict.compared(site: siteVerdict, server: check.server, reference: verdict,
                                              referenceAddress: compare, check: check), now: now)
        }
        guard let failure = verdict.failure else { return succeed(roundTrip: now - asking.sentAt) }
        guard let compare = check.compare else {
            let latency = failure.failureClass == .timeout ? probe.timeout.microseconds : nil
            return finish(failure, now: now, latencyMicroseconds: latency)
        }
        guard let referenceAddress, referenceProblem == nil else {
            let why = referenceProblem ?? "it has no address"
            var unasked = failure
            unasked.message += "; reference \(compare) was not asked: \(why)"
            return finish(unasked, now: now)
        }
        siteVerdict = verdict
        let address = socketIsIPv6 ? referenceAddress.mappedToIPv6 : referenceAddress
        do {
            guard let sendFailure = try ask(compare, at: address, now: now,
                                            deadline: now + nanoseconds(probe.timeout), isReference: true)
            else { return nil }
            return conclude(sendFailure, now: now)
        } catch {
            return finish(failure, now: now)
        }
    }

    private func succeed(roundTrip: Int64) -> Observation {
        asking = nil
        wakeAt = .max
        let latency = max(1, roundTrip / 1000)
        var observation = Observation(probeID: probe.id, at: startedAt, latencyMicroseconds: latency)
        if let limit = probe.maxLatency, latency > limit.microseconds {
            observation.slowness = "answered in \(latency / 1000) ms; MaxLatency=\(limit.configText)"
        }
        return observation
    }

    private func finish(_ failure: FailureEvidence, now: Int64, latencyMicroseconds: Int64? = nil) -> Observation {
        asking = nil
        wakeAt = .max
        return Observation(probeID: probe.id, at: startedAt, failure: failure,
                           latencyMicroseconds: latencyMicroseconds ?? max(0, now - startedMono) / 1000)
    }

    private func nanoseconds(_ duration: Duration) -> Int64 { duration.milliseconds * 1_000_000 }
}
