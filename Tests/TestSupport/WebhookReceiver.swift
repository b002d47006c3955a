public import Foundation
import Sockets
import Synchronization

/// A loopback HTTP server that records each POST (headers and body) and answers with scripted statuses:
/// the first request gets `statuses[0]`, and so on; the last status repeats. One connection at a time.
public final class WebhookReceiver: @unchecked Sendable {
    // @unchecked: `listener` and `stopSignal` are fixed after init; `state` is behind a Mutex.

    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
    }

    private let listener: Listener
    private let stopSignal: WakeUp
    private let statuses: [Int]
    private let state = Mutex<(requests: [Request], running: Bool)>(([], true))
    private let done = DispatchSemaphore(value: 0)

    public var port: UInt16 { listener.port }
    public var url: String { "http://127.0.0.1:\(port)/hook" }
    public var requests: [Request] { state.withLock { $0.requests } }

    public init(statuses: [Int]) throws {
        precondition(!statuses.isEmpty)
        signal(SIGPIPE, SIG_IGN)
        listener = try Listener(host: "127.0.0.1", port: 0)
        stopSignal = try WakeUp()
        self.statuses = statuses
        let thread = Thread { [self] in serve() }
        thread.name = "webhook-receiver"
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        let wasRunning = state.withLock { value in
            defer { value.running = false }
            return value.running
        }
        guard wasRunning else { return }
        stopSignal.signal()
        done.wait()
        listener.descriptor.close()
    }

    private func serve() {
        defer { done.signal() }
        while true {
            let ready = waitReadable([listener.descriptor.rawValue, stopSignal.descriptor.rawValue],
                                     timeoutMilliseconds: 1000)
            if ready.contains(stopSignal.descriptor.rawValue) { return }
            guard ready.contains(listener.descriptor.rawValue), let connection = listener.accept() else { continue }
            handle(connection)
            connection.close()
        }
    }

    private func handle(_ connection: FileDescriptor) {
        var received = Data()
        var headerEnd: Range<Data.Index>?
        var expected = Int.max
        // Bounded: at most 200 reads, each waiting at most 2 s.
        for _ in 0..<200 {
            if let end = headerEnd, received.count - end.upperBound >= expected { break }
            guard !waitReadable([connection.rawValue], timeoutMilliseconds: 2000).isEmpty,
                  let chunk = try? connection.read(upTo: 65536), !chunk.isEmpty else { return }
            received.append(contentsOf: chunk)
            if headerEnd == nil, let end = received.range(of: Data("\r\n\r\n".utf8)) {
                headerEnd = end
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                expected = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
            }
        }
        guard let end = headerEnd else { return }
        let lines = String(decoding: received[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let request = Request(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                              headers: headers, body: received[end.upperBound...].prefix(expected == Int.max ? 0 : expected))
        let count = state.withLock { value in
            value.requests.append(request)
            return value.requests.count
        }
        let status = statuses[min(count - 1, statuses.count - 1)]
        let body = status < 300 ? "ok" : "receiver says no (test)"
        try? connection.writeAll("HTTP/1.1 \(status) Test\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
    }
}
