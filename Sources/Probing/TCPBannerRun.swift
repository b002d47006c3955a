#if canImport(Glibc)
import Glibc
#endif
import CLinux
import Monitoring

/// A `tcp` probe with `ExpectBanner=`: connects (non-blocking) and reads what the server says first, on the
/// engine's loop, until the banner appears, the server hangs up, or `Timeout=` passes. The host must be an
/// IP address (the configuration enforces it): name lookups would block the loop.
final class TCPBannerRun: NativeCheck {
    private let probe: ProbeDefinition
    private let endpoint: Endpoint
    private let expected: [UInt8]
    private let startedAt: Timestamp
    private var startedMono: Int64 = 0
    private(set) var wakeAt: Int64 = .max
    private var descriptor: Int32 = -1
    private var connected = false
    private var received: [UInt8] = []
    /// More than this without the banner is a wrong banner, not a slow one.
    private static let limit = 4096

    init(probe: ProbeDefinition, endpoint: Endpoint, banner: String, startedAt: Timestamp) {
        self.probe = probe
        self.endpoint = endpoint
        self.expected = Array(banner.utf8)
        self.startedAt = startedAt
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    func start(now: Int64) throws -> Int32 {
        startedMono = now
        wakeAt = now + probe.timeout.milliseconds * 1_000_000
        guard let address = IPSocketAddress(host: endpoint.host, port: endpoint.port) else {
            throw StartFailure(description: "\(endpoint.host) is not an IP address (ExpectBanner= needs one)")
        }
        let raw = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                         | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw StartFailure(description: "socket: \(String(cString: strerror(errno)))") }
        descriptor = raw
        let result = address.withSocketAddress { Glibc.connect(raw, $0, $1) }
        if result != 0 && errno != EINPROGRESS {
            // Refused or unreachable at once: report it on the first readiness check.
            pendingError = errno
        }
        return raw
    }

    private var pendingError: Int32 = 0

    func readable(now: Int64) -> Observation? {
        if !connected {
            var error: Int32 = pendingError
            if error == 0 {
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            }
            if error != 0 {
                return failure(.connect, "cannot connect to \(endpoint): \(String(cString: strerror(error)))", now: now)
            }
            connected = true
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
            return failure(.network, "reading the banner from \(endpoint) failed: \(String(cString: strerror(errno)))",
                           now: now)
        }
        if count == 0 {
            return failure(.protocolError,
                           "the server closed the connection after \(describeReceived) without '\(text(expected))'", now: now)
        }
        received += buffer[..<count]
        if received.contains(subsequence: expected) {
            return Observation(probeID: probe.id, at: startedAt, latencyMicroseconds: (now - startedMono) / 1000)
        }
        if received.count > Self.limit {
            return failure(.protocolError, "the banner \(describeReceived) does not contain '\(text(expected))'", now: now)
        }
        return nil
    }

    func tick(now: Int64) -> Observation? {
        guard now >= wakeAt else { return nil }
        if !connected && received.isEmpty {
            // No readiness at all: either the connect never completed or the server said nothing.
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                return failure(.connect, "cannot connect to \(endpoint): \(String(cString: strerror(error)))", now: now)
            }
        }
        let what = received.isEmpty ? "no banner" : "the banner \(describeReceived) does not contain '\(text(expected))'"
        return failure(.timeout, "\(what) within \(probe.timeout.configText)", now: now)
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    private var describeReceived: String {
        guard !received.isEmpty else { return "0 bytes" }
        var shown = text(Array(received.prefix(80)))
        while let last = shown.last, last.isWhitespace { shown.removeLast() }
        return "'\(shown)'"
    }

    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).filter { !$0.isNewline }
    }

    private func failure(_ failureClass: FailureClass, _ message: String, now: Int64) -> Observation {
        Observation(probeID: probe.id, at: startedAt, failure: FailureEvidence(failureClass: failureClass, message: message),
                    latencyMicroseconds: (now - startedMono) / 1000)
    }
}
