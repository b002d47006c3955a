import Foundation
import Configuration
import Diagnostics
import FailureLog
import Monitoring
import Probing
import Synchronization
import Web

/// The last call of each `Kind=heartbeat` probe, kept in `STATE/heartbeats` and synced before the caller is
/// told "recorded". Without it a restart (or a reload, which starts a new prober) forgets acknowledged calls:
/// the grace period would start again from the daemon's start, hiding a job that stopped running just
/// before the restart.
///
/// One line per probe, `ID MILLISECONDS`; a damaged line is skipped (and logged) rather than stopping the
/// daemon, since the worst a lost line does is restart that probe's grace period.
final class HeartbeatLedger: Sendable {
    static let fileName = "heartbeats"

    let path: String
    private let calls: Mutex<[String: Timestamp]>
    private let logger: Logger

    init(stateDirectory: String, logger: Logger) {
        path = stateDirectory + "/" + Self.fileName
        self.logger = logger
        var loaded: [String: Timestamp] = [:]
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for (index, line) in text.split(separator: "\n").enumerated() {
                let fields = line.split(separator: " ")
                guard fields.count == 2, let milliseconds = Int64(fields[1]), milliseconds > 0 else {
                    logger.warning("\(path):\(index + 1): not 'PROBE-ID MILLISECONDS'; that line is ignored")
                    continue
                }
                loaded[String(fields[0])] = Timestamp(millisecondsSinceEpoch: milliseconds)
            }
        }
        calls = Mutex(loaded)
    }

    /// The last call of every probe that has had one, for a new prober.
    var lastCalls: [String: Timestamp] { calls.withLock { $0 } }

    /// Records `id`'s call at `time` (a later one never goes back) and writes the file. The write happens
    /// under the lock: the control socket and the web server record from their own threads, and an older
    /// snapshot must never land on disk after a newer one (they also share the temporary file's name).
    func record(_ id: String, at time: Timestamp) throws(CommandFailure) {
        let failure = calls.withLock { calls -> String? in
            calls[id] = max(calls[id] ?? time, time)
            let text = calls.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value.millisecondsSinceEpoch)\n" }.joined()
            do {
                try ExportSigner.writeAtomically(Array(text.utf8), to: path, mode: 0o640)
                return nil
            } catch {
                return "\(error)"
            }
        }
        if let failure { throw CommandFailure(code: .failure, message: "cannot keep the heartbeat: \(failure)") }
    }

    /// The one way a heartbeat reaches the prober, from the control socket and from the web API alike:
    /// checks that `id` is a heartbeat probe, records the call, then hands it to the running prober.
    func deliver(_ id: String, configuration: SiteConfiguration, engine: ProbeEngine?,
                 at now: Timestamp) -> HeartbeatOutcome {
        guard let probe = configuration.probes.first(where: { $0.id == id }) else {
            return .unknownProbe("there is no probe '\(id)' in \(configuration.directory)")
        }
        guard case .heartbeat = probe.check else {
            return .notHeartbeatProbe("probe '\(id)' is Kind=\(probe.check.kindName), not Kind=heartbeat")
        }
        do {
            try record(id, at: now)
        } catch {
            logger.error("\(error.message)")
            return .unavailable(error.message)
        }
        // A prober stopped for a reload gets the call from the ledger when it starts again.
        engine?.deliver(.heartbeat(probeID: id, at: now))
        return .recorded("heartbeat for \(id) recorded at \(now.iso8601)")
    }
}
