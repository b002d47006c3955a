import Foundation
import Configuration
import Diagnostics
import FailureLog
import Monitoring
import Probing
import Sockets

/// The daemon's spine: lock the state directory, open the log, start the prober, wait for signals, and
/// shut down in reverse order. `run` and `demo` both go through here.
final class DaemonRunner {
    struct Options {
        var configuration: SiteConfiguration
        var configurationSource: () throws(ConfigurationErrors) -> SiteConfiguration
        var stateDirectory: String
        var shutdownGrace: Duration = .seconds(5)
        /// Called about once a second on the main thread while running (the demo's live table).
        var onTick: ((DaemonRunner) -> Void)?
        var tickInterval: Duration = .seconds(1)
        /// How often the probe-loop statistics line is logged.
        var statsInterval: Duration = .seconds(60)
    }

    static let version = "0.1.0"

    private var options: Options
    private let logger: Logger
    private let notifier = SystemdNotifier()
    private(set) var store: FailureLogStore
    private var engine: ProbeEngine?
    private var writer: LogWriter?
    private var control: ControlServer?
    private var heartbeats: HeartbeatLedger?
    private var retention: RetentionService?
    private var continuity: ContinuityWatcher?
    private var web: WebService?
    private var notifications: NotificationDispatcher?

    init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        store = FailureLogStore(stateDirectory: options.stateDirectory)
    }

    /// Runs until SIGTERM or SIGINT. Returns the exit code.
    func run() throws(CommandFailure) -> ExitCode {
        SignalWaiter.install()
        let configuration = options.configuration
        do {
            try store.prepareDirectory()
        } catch {
            throw CommandFailure(code: .failure, message: error.description)
        }
        let lock: FileLock
        do {
            lock = try FileLock(path: store.lockPath)
        } catch {
            throw CommandFailure(code: .failure, message: error.description)
        }
        let writer: LogWriter
        do {
            let connection = try store.openWriter()
            let store = self.store
            writer = try LogWriter(connection: connection, logger: logger.named("failure-log"),
                                   maximumBuffered: configuration.daemon.maximumBufferedRecords,
                                   reopen: { try store.openWriter() })
        } catch let error as FailureLogStore.Failure {
            if case .migration = error { throw CommandFailure(code: .dataError, message: error.description) }
            throw CommandFailure(code: .failure, message: error.description)
        } catch {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): \(error)")
        }
        let restored: [String: (state: ProbeState, since: Timestamp?)]
        do {
            restored = try writer.recordedStates()
        } catch {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): \(error)")
        }
        do {
            // The key pair that signs exports, reports and retention checkpoints: made on first run.
            _ = try ExportSigner.loadOrCreate(stateDirectory: store.stateDirectory)
        } catch {
            throw CommandFailure(code: .failure, message: "signing key: \(error)")
        }
        writer.start()
        self.writer = writer
        let heartbeats = HeartbeatLedger(stateDirectory: store.stateDirectory, logger: logger.named("heartbeats"))
        self.heartbeats = heartbeats
        writer.record([
            .configuration(site: configuration.site, probes: configuration.probes),
            .event(kind: EventKind.daemonStarted, at: .now, payload: [
                "version": .string(Self.version),
                "pid": .integer(Int64(getpid())),
                "config": .string(configuration.directory),
                "probes": .integer(Int64(configuration.probes.count)),
            ]),
        ])
        do {
            web = try WebService.startIfPossible(configuration: configuration, stateDirectory: store.stateDirectory,
                                                 writer: writer, heartbeats: heartbeats, logger: logger.named("web"))
        } catch {
            writer.close()
            throw error
        }
        do {
            try startEngine(configuration, restored: restored)
        } catch {
            web?.stop()
            writer.close()
            throw CommandFailure(code: .failure, message: "cannot start the prober: \(error)")
        }
        web?.update(engine: engine, configuration: configuration)
        do {
            let control = try ControlServer(stateDirectory: store.stateDirectory,
                                            live: .init(engine: engine, configuration: configuration), writer: writer,
                                            heartbeats: heartbeats, logger: logger.named("control"))
            control.start()
            self.control = control
        } catch {
            // Probing and logging matter more than heartbeats: carry on, and say so.
            logger.error("control socket unavailable (heartbeat and report-problem will not reach the daemon): \(error)")
        }
        let retention = RetentionService(store: store, policy: configuration.daemon.retention,
                                         logger: logger.named("retention"))
        retention.start()
        self.retention = retention
        let continuity = ContinuityWatcher(store: store, configuration: configuration, logger: logger.named("continuity"))
        continuity.start()
        self.continuity = continuity
        notifications = NotificationDispatcher.start(for: configuration, store: store, writer: writer,
                                                     logger: logger.named("alerts"))
        for problem in configuration.staffProblems {
            logger.warning("staff record ignored: \(problem) (monitoring is not affected)")
        }
        let summary = "watching \(configuration.probes.count) probes for \(configuration.site.name)"
        logger.notice("courtwatch \(Self.version) \(summary)",
                      ["state": store.stateDirectory, "pid": String(getpid())])
        notifier.ready(status: summary)

        var stopReason = "unknown"
        var lastWatchdog = SystemClock.monotonicNanoseconds()
        var lastTick: Int64 = 0
        var lastStats = SystemClock.monotonicNanoseconds()
        var runsAtLastStats = 0
        let wait = min(options.tickInterval, notifier.watchdogInterval ?? .seconds(1))
        while true {
            let signal = SignalWaiter.wait(timeout: wait)
            if case .terminate(let name)? = signal {
                stopReason = name
                break
            }
            if case .reload? = signal { reload() }
            let now = SystemClock.monotonicNanoseconds()
            if let interval = notifier.watchdogInterval, now - lastWatchdog >= interval.milliseconds * 1_000_000 / 2 {
                // Only a live probe loop earns a watchdog ping: a stalled loop gets the daemon restarted.
                if let engine, now - engine.lastHeartbeat < 5_000_000_000 {
                    notifier.watchdog()
                    lastWatchdog = now
                }
            }
            if let engine, now - lastStats >= options.statsInterval.milliseconds * 1_000_000 {
                // One line a minute that operators (and `make bench`) read: is the loop keeping up?
                let runs = engine.runCount
                logger.info("probe loop: \(runs - runsAtLastStats) runs in the last \(options.statsInterval.configText), "
                            + "worst start delay \(engine.takeWorstLatenessMilliseconds()) ms",
                            ["health": writer.health ?? "ok"])
                runsAtLastStats = runs
                lastStats = now
            }
            if let onTick = options.onTick, now - lastTick >= options.tickInterval.milliseconds * 1_000_000 {
                lastTick = now
                onTick(self)
            }
        }

        logger.notice("stopping on \(stopReason)")
        notifier.stopping()
        web?.stop()
        notifications?.stop()
        control?.stop()
        retention.stop()
        continuity.stop()
        engine?.stop(grace: options.shutdownGrace)
        writer.record(.event(kind: EventKind.daemonStopped, at: .now, payload: ["reason": .string(stopReason)]))
        writer.close()
        withExtendedLifetime(lock) {}
        logger.notice("stopped; failure log flushed")
        return .success
    }

    private func startEngine(_ configuration: SiteConfiguration,
                             restored: [String: (state: ProbeState, since: Timestamp?)]) throws {
        let writer = self.writer!
        let engine = try ProbeEngine(probes: configuration.probes, restored: restored,
                                     maintenance: configuration.maintenanceSchedule,
                                     lastHeartbeats: heartbeats?.lastCalls ?? [:],
                                     logger: logger.named("prober")) { outcomes in
            writer.record(outcomes.map { .outcome($0) })
        }
        engine.start()
        self.engine = engine
    }

    /// SIGHUP: load the configuration again; keep the running one if the new one is bad.
    private func reload() {
        notifier.reloading()
        let next: SiteConfiguration
        do {
            next = try options.configurationSource()
        } catch {
            logger.error("reload refused; keeping the running configuration. Problems:\n\(error)")
            notifier.ready(status: "reload refused: configuration has errors")
            return
        }
        guard let engine, let writer else { return }
        engine.stop(grace: options.shutdownGrace)
        let carried = engine.currentStates()
        writer.record(.configuration(site: next.site, probes: next.probes))
        do {
            try startEngine(next, restored: carried)
        } catch {
            logger.error("cannot restart the prober after reload: \(error)")
            return
        }
        options.configuration = next
        notifications?.stop()
        notifications = NotificationDispatcher.start(for: next, store: store, writer: writer,
                                                     logger: logger.named("alerts"))
        control?.update { $0 = .init(engine: self.engine, configuration: next) }
        web?.update(engine: self.engine, configuration: next)
        continuity?.update(configuration: next)
        logger.notice("configuration reloaded: \(next.probes.count) probes")
        notifier.ready(status: "watching \(next.probes.count) probes for \(next.site.name)")
    }

    /// Why the daemon is unhealthy, or nil: the writer's condition.
    var health: String? { writer?.health }
}
