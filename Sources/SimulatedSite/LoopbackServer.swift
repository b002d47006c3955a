import Foundation
public import Sockets
import Synchronization

/// A request as the loopback server read it.
public struct ServerRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(name: String, value: String)]
}

/// What the loopback server does with a connection.
public enum ServerReply: Sendable {
    /// An HTTP response after `delay`, with extra header lines ("Location: /signin").
    case http(status: Int, body: String, delay: Duration = .zero, headers: [String] = [])
    /// An HTTP 200 whose body arrives one byte every `every` (a trickling server).
    case trickle(body: String, every: Duration)
    /// Accept and close at once without a word.
    case close
    /// Accept and say nothing until the peer gives up or the server stops.
    case silence
    /// Send `text` as is, then close (a raw banner for TCP checks).
    case raw(String)
    /// A line protocol (SMTP, IMAP): send `greeting`, then answer each line the client sends with
    /// `answer(line)` until it returns nil, the client hangs up, or 50 lines have passed.
    case conversation(greeting: String, answer: @Sendable (String) -> String?)
}

/// A tiny server for the demo site and for tests: real sockets on loopback, one thread for accepting and
/// one per connection (fine for a handful of connections; the daemon's own prober never works this way).
public final class LoopbackServer: @unchecked Sendable {
    // @unchecked: `listener`, `stopSignal`, `handler` are immutable; `connections` is behind a Mutex.
    public enum Mode: Sendable {
        /// Read an HTTP request, then reply.
        case http
        /// Reply as soon as the connection is accepted (TCP gateways, banners).
        case onAccept
    }

    private let listener: Listener
    private let stopSignal: WakeUp
    private let handler: @Sendable (ServerRequest?) -> ServerReply
    private let mode: Mode
    private let accepted = DispatchSemaphore(value: 0)
    private let running = Mutex(true)
    private let acceptLoopDone = DispatchSemaphore(value: 0)
    private let requests = Atomic<Int>(0)
    /// How many connections have been served (requests read, for HTTP).
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    public var port: UInt16 { listener.port }
    public var host: String { listener.host }

    public init(host: String = "127.0.0.1", port: UInt16 = 0, mode: Mode = .http,
                handler: @escaping @Sendable (ServerRequest?) -> ServerReply) throws(SystemError) {
        // A client that hangs up mid-answer must not kill the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        listener = try Listener(host: host, port: port)
        stopSignal = try WakeUp()
        self.handler = handler
        self.mode = mode
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loopback-server-\(listener.port)"
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting, wakes every connection that is waiting, and closes the listener.
    public func stop() {
        let wasRunning = running.withLock { value in
            defer { value = false }
            return value
        }
        guard wasRunning else { return }
        stopSignal.signal()
        acceptLoopDone.wait()
        listener.descriptor.close()
    }

    private var isRunning: Bool { running.withLock { $0 } }

    private func acceptLoop() {
        defer { acceptLoopDone.signal() }
        while isRunning {
            let ready = waitReadable([listener.descriptor.rawValue, stopSignal.descriptor.rawValue],
                                     timeoutMilliseconds: 1000)
            if ready.contains(stopSignal.descriptor.rawValue) { return }
            guard ready.contains(listener.descriptor.rawValue), let connection = listener.accept() else { continue }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: FileDescriptor) {
        defer { connection.close() }
        var request: ServerRequest?
        if mode == .http {
            guard let parsed = readRequest(connection) else { return }
            request = parsed
        }
        requests.add(1, ordering: .relaxed)
        switch handler(request) {
        case .close:
            return
        case .silence:
            // Hold the connection until the peer hangs up or the server stops.
            while isRunning {
                let ready = waitReadable([connection.rawValue, stopSignal.descriptor.rawValue], timeoutMilliseconds: 1000)
                if ready.contains(stopSignal.descriptor.rawValue) { return }
                if ready.contains(connection.rawValue) {
                    guard let bytes = try? connection.read(upTo: 4096), !bytes.isEmpty else { return }
                }
            }
        case .raw(let text):
            try? connection.writeAll(text)
        case let .conversation(greeting, answer):
            converse(connection, greeting: greeting, answer: answer)
        case let .trickle(body, every):
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            guard (try? connection.writeAll(head)) != nil else { return }
            for byte in body.utf8 {
                let stop = waitReadable([stopSignal.descriptor.rawValue], timeoutMilliseconds: Int32(every.nanoseconds / 1_000_000))
                guard stop.isEmpty, (try? connection.writeAll(String(decoding: [byte], as: UTF8.self))) != nil else { return }
            }
        case let .http(status, body, delay, headers):
            if delay > .zero {
                let ready = waitReadable([stopSignal.descriptor.rawValue], timeoutMilliseconds: Int32(delay.nanoseconds / 1_000_000))
                if !ready.isEmpty { return }
            }
            let reason = [200: "OK", 204: "No Content", 301: "Moved Permanently", 404: "Not Found",
                          500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"][status] ?? "Status"
            let extra = headers.map { $0 + "\r\n" }.joined()
            let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/html; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\(extra)\r\n"
            try? connection.writeAll(head + body)
        }
    }

    private func converse(_ connection: FileDescriptor, greeting: String, answer: (String) -> String?) {
        guard (try? connection.writeAll(greeting)) != nil else { return }
        var pending: [UInt8] = []
        for _ in 0..<50 {
            while !pending.contains(10) {
                let ready = waitReadable([connection.rawValue, stopSignal.descriptor.rawValue], timeoutMilliseconds: 5000)
                guard ready.contains(connection.rawValue), let bytes = try? connection.read(upTo: 4096), !bytes.isEmpty
                else { return }
                pending += bytes
            }
            let end = pending.firstIndex(of: 10)!
            let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            pending.removeSubrange(...end)
            guard let reply = answer(line), (try? connection.writeAll(reply)) != nil else { return }
        }
    }

    /// Reads up to the end of the request head (bodies are ignored), within 5 s and 16 KiB.
    private func readRequest(_ connection: FileDescriptor) -> ServerRequest? {
        var buffer: [UInt8] = []
        let terminator: [UInt8] = [13, 10, 13, 10]
        let deadline = SystemClock.monotonicNanoseconds() + 5_000_000_000
        while buffer.count < 16_384 {
            let remaining = Int32((deadline - SystemClock.monotonicNanoseconds()) / 1_000_000)
            guard remaining > 0, !waitReadable([connection.rawValue], timeoutMilliseconds: remaining).isEmpty,
                  let bytes = try? connection.read(upTo: 4096), !bytes.isEmpty
            else { return nil }
            buffer += bytes
            if let end = buffer.firstRange(of: terminator) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                let lines = head.components(separatedBy: "\r\n")
                let parts = lines[0].split(separator: " ")
                guard parts.count >= 2 else { return nil }
                let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                return ServerRequest(method: String(parts[0]), path: String(parts[1]), headers: headers)
            }
        }
        return nil
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
