import Foundation
import Alerts
import Configuration
import Diagnostics
import FailureLog
import Monitoring

/// The outbox: follows the failure log for routable events (written by the daemon or by CLI processes),
/// routes them with `NotificationPlanner`, delivers on worker threads (one per alert, never the probe loop),
/// and records every attempt as `notification.sent|retrying|failed` through the LogWriter.
///
/// Where it resumes after a restart is derived from the log, not stored: the newest event any notification
/// record points at is the cursor; notifications whose last record is `retrying` are resumed; events of the
/// quarter hour before the cursor are looked at again for alerts whose own records stop earlier (see
/// `NotificationPlanner.receive(_:at:replaying:)`). On the very first start (no notification records yet)
/// that quarter hour before the log's head is all it sends of the past. Delivery is at least once.
final class NotificationDispatcher: @unchecked Sendable {
    // @unchecked: `planner`, `reader` and `cursor` are touched only on the dispatcher thread after `start`;
    // `inbox` and `stopping` are guarded by `condition`; `workers` is fixed after `start`.

    struct Options {
        var alerts: [AlertDefinition]
        var context: AlertEventReader.Context
        /// How often the log is polled for new events when nothing else wakes the dispatcher.
        var pollInterval: Duration = .seconds(1)
        var hostName: String = NotificationDispatcher.hostName
    }

    private let options: Options
    private let store: FailureLogStore
    private let writer: LogWriter
    private let logger: Logger
    private var planner: NotificationPlanner
    private var reader: AlertEventReader?
    private var cursor: Int64 = 0
    private var workers: [String: DeliveryWorker] = [:]
    private let condition = NSCondition()
    private var inbox: [(PendingNotification, DeliveryResult, Timestamp)] = []
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    init(options: Options, store: FailureLogStore, writer: LogWriter, logger: Logger) {
        self.options = options
        self.store = store
        self.writer = writer
        self.logger = logger
        planner = NotificationPlanner(alerts: options.alerts)
    }

    /// Learns where to resume from the log, then starts the dispatcher and worker threads.
    func start() throws {
        let reader = AlertEventReader(connection: try store.openReader(), context: options.context)
        self.reader = reader
        let records = try reader.notificationRecords()
        planner.restore(records)
        for (opened, until) in try reader.openIncidents() {
            planner.track(openIncident: opened, acknowledgedUntil: until)
        }
        // Notifications still being retried when the daemon stopped: their events are read again.
        var latest: [NotificationKey: NotificationOutcome] = [:]
        for record in records { latest[record.key] = record.outcome }
        let resumeFrom = latest.filter { $0.value == .retrying }.map(\.key.event).min()
        let head = try reader.head()
        let handled = records.map(\.key.event).max() ?? head
        // Also look again at the last quarter of an hour before the newest record: an alert may have had an
        // event queued behind a slow delivery when the daemon stopped, with no record to show for it.
        let window = try reader.firstEvent(within: .seconds(900), before: handled)
        var position = min(handled, (resumeFrom ?? handled + 1) - 1, (window ?? handled + 1) - 1)
        let now = Timestamp.now
        // Replay what was already handled; each batch moves forward, and a log holds far fewer than
        // 10,000 batches of routable events between a retry and the newest record.
        for _ in 0..<10_000 where position < handled {
            let batch = try reader.events(after: position)
            for event in batch.events where event.seq <= handled {
                planner.receive(event, at: now, replaying: true)
            }
            guard batch.last > position else { break }
            position = batch.last
        }
        cursor = handled

        for alert in options.alerts {
            let channel = NotificationChannels.make(for: alert, hostName: options.hostName)
            let worker = DeliveryWorker(alert: alert.id, channel: channel) { [weak self] item, result in
                self?.deliver(result: result, for: item)
            }
            worker.start()
            workers[alert.id] = worker
        }
        let thread = Thread { [self] in run() }
        thread.name = "courtwatch-notifications"
        self.thread = thread
        thread.start()
        logger.notice("alerts: \(options.alerts.count) configured; following the log from event \(cursor)",
                      ["alerts": options.alerts.map(\.id).joined(separator: ",")])
    }

    /// Stops taking new work, waits up to `grace` for deliveries under way, and flushes their records.
    /// What was not attempted is resumed by the next start (the cursor is derived from the log).
    func stop(grace: Duration = .seconds(5)) {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        if thread != nil { _ = finished.wait(timeout: .now() + .milliseconds(Int(grace.milliseconds))) }
        let deadline = DispatchTime.now() + .milliseconds(Int(grace.milliseconds))
        for worker in workers.values { worker.stop(until: deadline) }
        condition.lock()
        let results = inbox
        inbox.removeAll()
        condition.unlock()
        // Attempts that finished while stopping are still evidence: record them.
        for (item, result, at) in results { record(planner.complete(item, delivered: result.delivered,
                                                                     detail: result.detail, at: at)) }
        writer.flush(timeout: grace)
        reader?.close()
    }

    private func deliver(result: DeliveryResult, for item: PendingNotification) {
        condition.lock()
        inbox.append((item, result, .now))
        condition.signal()
        condition.unlock()
    }

    // MARK: The dispatcher thread

    private func run() {
        defer { finished.signal() }
        var failingQuery = false
        while true {
            condition.lock()
            if stopping {
                condition.unlock()
                return
            }
            let results = inbox
            inbox.removeAll()
            condition.unlock()

            for (item, result, at) in results {
                record(planner.complete(item, delivered: result.delivered, detail: result.detail, at: at))
            }
            do {
                try readNewEvents()
                if failingQuery { logger.notice("alerts: reading the failure log again") }
                failingQuery = false
            } catch {
                // Keep delivering what is due; the events will be read when the log answers again.
                if !failingQuery { logger.error("alerts: cannot read the failure log: \(error)") }
                failingQuery = true
            }
            for item in planner.due(at: .now) {
                workers[item.alert.id]?.enqueue(item)
            }

            condition.lock()
            if inbox.isEmpty && !stopping {
                var wait = Double(options.pollInterval.milliseconds) / 1000
                if let next = planner.nextWakeUp() {
                    wait = min(wait, max(0.01, Double((next - .now).milliseconds) / 1000))
                }
                _ = condition.wait(until: Date().addingTimeInterval(wait))
            }
            condition.unlock()
        }
    }

    private func readNewEvents() throws {
        guard let reader else { return }
        // Bounded: at most 20 batches per pass, so results and due work are not starved by a backlog.
        for _ in 0..<20 {
            let batch = try reader.events(after: cursor)
            let now = Timestamp.now
            for event in batch.events {
                let reasons = planner.receive(event, at: now)
                for (alert, reason) in reasons.sorted(by: { $0.key < $1.key }) {
                    logger.debug("alerts: event \(event.seq) not sent to \(alert): \(reason)")
                }
            }
            guard batch.last > cursor else { return }
            cursor = batch.last
        }
    }

    private func record(_ record: NotificationRecord) {
        var payload: [String: JSONValue] = [
            "alert": .string(record.key.alert),
            "channel": .string(record.channel),
            "event": .integer(record.key.event),
            "round": .integer(Int64(record.key.round)),
            "attempt": .integer(Int64(record.attempt)),
            "outcome": .string(record.outcome.rawValue),
            "detail": .string(record.detail),
        ]
        if let incident = record.incident { payload["incident"] = .integer(incident) }
        if let next = record.nextAttemptAt { payload["next_attempt_at_ms"] = .integer(next.millisecondsSinceEpoch) }
        writer.record(.event(kind: record.outcome.eventKind, at: record.at, payload: .object(payload)))
        let what = "alert \(record.key.alert) (\(record.channel)) for event \(record.key.event)"
            + (record.key.round > 0 ? " reminder \(record.key.round)" : "")
        switch record.outcome {
        case .sent:
            logger.info("notification sent: \(what), attempt \(record.attempt): \(record.detail)")
        case .retrying:
            logger.warning("notification not delivered, will retry: \(what), attempt \(record.attempt): "
                           + record.detail)
        case .failed:
            logger.error("NOTIFICATION FAILED after \(record.attempt) attempts: \(what): \(record.detail)")
        }
    }

    /// This machine's name, for email Message-IDs.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "courtwatch.invalid" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "courtwatch.invalid" : name
    }
}

/// One alert's deliveries, one at a time on a thread of its own, so a slow webhook never delays an email.
final class DeliveryWorker: @unchecked Sendable {
    // @unchecked: `queue` and `stopping` are guarded by `condition`; the rest is fixed after init.
    private let alert: String
    private let channel: any NotificationChannel
    private let onResult: (PendingNotification, DeliveryResult) -> Void
    private let condition = NSCondition()
    private var queue: [PendingNotification] = []
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(alert: String, channel: any NotificationChannel,
         onResult: @escaping (PendingNotification, DeliveryResult) -> Void) {
        self.alert = alert
        self.channel = channel
        self.onResult = onResult
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "courtwatch-alert-\(alert)"
        thread.start()
    }

    func enqueue(_ item: PendingNotification) {
        condition.lock()
        queue.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Stops after the delivery under way (each is bounded by the alert's timeout); waits until `deadline`.
    func stop(until deadline: DispatchTime) {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        _ = finished.wait(timeout: deadline)
    }

    private func run() {
        defer { finished.signal() }
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            let item = queue.removeFirst()
            condition.unlock()
            onResult(item, channel.deliver(NotificationMessage(item)))
        }
    }
}

extension NotificationDispatcher {
    /// The running dispatcher for `configuration`'s alerts, or nil when none are configured or it cannot start
    /// (said in the log: probing and logging go on without alerts rather than not at all).
    static func start(for configuration: SiteConfiguration, store: FailureLogStore, writer: LogWriter,
                      logger: Logger) -> NotificationDispatcher? {
        guard !configuration.alerts.isEmpty else { return nil }
        let context = AlertEventReader.Context(
            siteID: configuration.site.id,
            probes: Dictionary(configuration.probes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            maintenance: configuration.maintenanceSchedule)
        let dispatcher = NotificationDispatcher(options: Options(alerts: configuration.alerts, context: context),
                                                store: store, writer: writer, logger: logger)
        do {
            try dispatcher.start()
            return dispatcher
        } catch {
            logger.error("alerts cannot start; NO NOTIFICATIONS WILL BE SENT: \(error)")
            return nil
        }
    }
}
