import Foundation
import Configuration
import Diagnostics
import FailureLog
import Monitoring
import Probing
import Sockets
import Synchronization

/// The daemon's control socket (`STATE/control.sock`): `courtwatch heartbeat` and `courtwatch
/// report-problem` talk to the running daemon through it, so the daemon's writer stays the only writer.
/// One JSON object per datagram each way.
final class ControlServer: @unchecked Sendable {
    // @unchecked: `socket` and `stopSignal` are immutable and thread-safe; `live` is behind a Mutex.
    struct Live {
        var engine: ProbeEngine?
        var configuration: SiteConfiguration
    }

    static func socketPath(stateDirectory: String) -> String { stateDirectory + "/control.sock" }

    private let socket: UnixDatagramSocket
    private let stopSignal: WakeUp
    private let live: Mutex<Live>
    private let writer: LogWriter
    private let heartbeats: HeartbeatLedger
    private let logger: Logger
    private let done = DispatchSemaphore(value: 0)

    init(stateDirectory: String, live: Live, writer: LogWriter, heartbeats: HeartbeatLedger,
         logger: Logger) throws(SystemError) {
        socket = try UnixDatagramSocket(bindingTo: Self.socketPath(stateDirectory: stateDirectory))
        stopSignal = try WakeUp()
        self.live = Mutex(live)
        self.writer = writer
        self.heartbeats = heartbeats
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            serve()
            done.signal()
        }
        thread.name = "courtwatch-control"
        thread.start()
    }

    func update(_ change: (inout Live) -> Void) { live.withLock { change(&$0) } }

    func stop() {
        stopSignal.signal()
        done.wait()
    }

    private func serve() {
        while true {
            if !waitReadable([stopSignal.descriptor.rawValue], timeoutMilliseconds: 0).isEmpty { return }
            guard let (text, peer) = socket.receive(timeoutMilliseconds: 1000, alsoWatching: stopSignal.descriptor.rawValue)
            else { continue }
            let reply: [String: Any]
            do {
                reply = ["ok": true, "message": try handle(text)]
            } catch {
                reply = ["ok": false, "error": error.message]
            }
            let data = (try? JSONSerialization.data(withJSONObject: reply)) ?? Data(#"{"ok":false}"#.utf8)
            socket.send(String(decoding: data, as: UTF8.self), to: peer)
        }
    }

    private func handle(_ text: String) throws(CommandFailure) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let command = object["command"] as? String
        else { throw CommandFailure(code: .usage, message: "the request is not a JSON object with a command") }
        let now = Timestamp.now
        let (engine, configuration) = live.withLock { ($0.engine, $0.configuration) }
        switch command {
        case "health":
            // What `courtwatch status` shows when the daemon cannot write its log (disk full, read-only, locked).
            return writer.health ?? "ok"
        case "heartbeat":
            guard let id = object["probe"] as? String else { throw CommandFailure(code: .usage, message: "no probe given") }
            switch heartbeats.deliver(id, configuration: configuration, engine: engine, at: now) {
            case .recorded(let message): return message
            case .unknownProbe(let message), .notHeartbeatProbe(let message):
                throw CommandFailure(code: .dataError, message: message)
            case .unavailable(let message): throw CommandFailure(code: .failure, message: message)
            }
        case "report":
            return try Self.recordProblem(system: object["system"] as? String ?? "", site: object["site"] as? String ?? "",
                                          by: object["by"] as? String ?? "", text: object["text"] as? String,
                                          configuration: configuration, engine: engine, writer: writer, logger: logger,
                                          at: now)
        default:
            throw CommandFailure(code: .usage, message: "unknown command '\(command)'")
        }
    }
}

/// The CLI's side of the control socket.
enum ControlClient {
    /// Sends `request` to the daemon using `stateDirectory` and returns its message, or throws its error.
    static func send(_ request: [String: Any], stateDirectory: String,
                     timeoutMilliseconds: Int32 = 5000) throws(CommandFailure) -> String {
        let path = ControlServer.socketPath(stateDirectory: stateDirectory)
        let socket: UnixDatagramSocket
        do {
            socket = try UnixDatagramSocket()
            let data = try JSONSerialization.data(withJSONObject: request)
            try socket.send(String(decoding: data, as: UTF8.self), to: path)
        } catch let error as SystemError {
            throw CommandFailure(code: .failure,
                                 message: "no courtwatch daemon is listening on \(path) (\(error)); is it running with --state \(stateDirectory)?")
        } catch {
            throw CommandFailure(code: .failure, message: "\(error)")
        }
        guard let (text, _) = socket.receive(timeoutMilliseconds: timeoutMilliseconds) else {
            throw CommandFailure(code: .failure,
                                 message: "the daemon on \(path) did not answer within \(timeoutMilliseconds) ms")
        }
        guard let reply = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CommandFailure(code: .failure, message: "the daemon sent an unreadable answer: \(text)")
        }
        if reply["ok"] as? Bool == true { return reply["message"] as? String ?? "ok" }
        throw CommandFailure(code: .dataError, message: reply["error"] as? String ?? "the daemon refused the request")
    }
}

extension ControlServer {
    /// A system is not working for a member of staff: checked, logged as `user.report` and handed to the
    /// prober's user-reports probes. `courtwatch report-problem` (through the control socket) and the web
    /// surface's POST /api/v1/report-problem both come here.
    static func recordProblem(system: String, site: String, by reporter: String, text note: String?,
                              configuration: SiteConfiguration, engine: ProbeEngine?, writer: LogWriter, logger: Logger,
                              at now: Timestamp) throws(CommandFailure) -> String {
        guard site == configuration.site.id else {
            throw CommandFailure(code: .dataError,
                                 message: "this daemon watches site '\(configuration.site.id)', not '\(site)'")
        }
        let systems = Set(configuration.probes.compactMap(\.system))
        guard systems.contains(system) else {
            throw CommandFailure(code: .dataError, message: "unknown system '\(system)' (known: \(systems.sorted().joined(separator: ", ")))")
        }
        guard Identifier.isValid(reporter) else {
            throw CommandFailure(code: .dataError, message: "--by must be a staff ID: \(Identifier.rule)")
        }
        if let note, note.count > 1000 {
            throw CommandFailure(code: .dataError, message: "--text is limited to 1000 characters")
        }
        writer.record(.event(kind: EventKind.userReport, at: now, payload: [
            "system": .string(system), "by": .string(reporter), "text": .optional(note),
        ]))
        engine?.deliver(.userReport(system: system, reporter: reporter, at: now))
        logger.info("staff report: \(system) not working for \(reporter)")
        return "report about \(system) recorded at \(now.iso8601)"
    }
}
