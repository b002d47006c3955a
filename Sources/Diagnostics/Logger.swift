#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Severity, as syslog and journald number it. journald reads the `<N>` prefix on each stderr line.
public enum LogLevel: Int32, Sendable, Comparable, CustomStringConvertible {
    case error = 3       // something failed that an operator must look at
    case warning = 4     // degraded but carrying on (buffering, retrying)
    case notice = 5      // normal but significant: started, stopped, a probe went DOWN
    case info = 6        // routine: a transition, a reload
    case debug = 7       // for developers

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue > rhs.rawValue }

    public var description: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .notice: "notice"
        case .info: "info"
        case .debug: "debug"
        }
    }
}

/// Writes one line per message to stderr with a journald priority prefix and `key=value` metadata.
/// Lines from different threads never interleave.
public struct Logger: Sendable {
    public let label: String
    public let minimumLevel: LogLevel
    private let sink: LogSink

    public init(label: String, minimumLevel: LogLevel = .info, sink: LogSink = .standardError) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// The same destination and threshold under another label.
    public func named(_ label: String) -> Logger { Logger(label: label, minimumLevel: minimumLevel, sink: sink) }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String,
                    _ metadata: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        guard level >= minimumLevel else { return }
        var line = "<\(level.rawValue)>\(label): \(message())"
        for (key, value) in metadata() {
            line += value.contains(" ") ? " \(key)=\"\(value)\"" : " \(key)=\(value)"
        }
        sink.write(line + "\n")
    }

    public func error(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.error, message(), metadata)
    }
    public func warning(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.warning, message(), metadata)
    }
    public func notice(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.notice, message(), metadata)
    }
    public func info(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.info, message(), metadata)
    }
    public func debug(_ message: @autoclosure () -> String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.debug, message(), metadata)
    }
}

/// Where log lines go: stderr, or memory (tests).
public final class LogSink: Sendable {
    private enum Destination {
        case standardError
        case memory
        case nowhere
    }

    private let lines = Mutex<[String]>([])
    private let destination: Destination

    private init(_ destination: Destination) {
        self.destination = destination
    }

    public static let standardError = LogSink(.standardError)
    private static let standardErrorLock = Mutex(())
    /// A sink that keeps lines in memory, for tests that assert what was logged.
    public static func capturing() -> LogSink { LogSink(.memory) }
    /// Drops everything.
    public static let discard = LogSink(.nowhere)

    public var captured: [String] { lines.withLock { $0 } }

    func write(_ line: String) {
        switch destination {
        case .nowhere: return
        case .memory:
            lines.withLock { $0.append(line) }
            return
        case .standardError: break
        }
        let bytes = Array(line.utf8)
        LogSink.standardErrorLock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return }  // stderr is gone; nothing better to do with a log line
                    offset += written
                }
            }
        }
    }
}
