import Foundation
import Configuration
import Continuity
import Diagnostics
import FailureLog
import Monitoring
import SQLite

/// The daemon's continuity service: re-evaluates the recommended level every 30 s and soon after any
/// incident event, logs `continuity.recommendation` only when the level or the systems behind it change,
/// and invokes contingency itself for `AutoInvoke=yes` systems (recorded as by "courtwatch").
///
/// It writes through its own `LogSession` connection, as a CLI process does: the log writer's queue carries
/// probe results, and these rare writes need to read the state they change in the same transaction.
final class ContinuityWatcher: @unchecked Sendable {
    // @unchecked: `desk` is replaced under `condition`; the session and the last token are used only on the
    // watcher thread after start().

    static let evaluationInterval: Duration = .seconds(30)
    static let incidentPollInterval: Duration = .seconds(1)

    private let store: FailureLogStore
    private let logger: Logger
    private let condition = NSCondition()
    private var desk: ContinuityDesk
    private var stopping = false
    private var finished = false
    private var session: LogSession?
    private var lastIncidentEvent: Int64 = -1
    private var configurationChanged = false

    init(store: FailureLogStore, configuration: SiteConfiguration, logger: Logger) {
        self.store = store
        self.logger = logger
        desk = ContinuityDesk(configuration: configuration)
    }

    func start() {
        do {
            session = try LogSession(store: store)
        } catch {
            logger.error("continuity recommendations are off: cannot open the failure log: \(error)")
            return
        }
        let thread = Thread { [self] in run() }
        thread.name = "courtwatch-continuity"
        thread.start()
    }

    /// A reloaded configuration: new rules apply from the next evaluation, which comes at once.
    func update(configuration: SiteConfiguration) {
        condition.lock()
        desk = ContinuityDesk(configuration: configuration)
        configurationChanged = true
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        guard session != nil else {
            condition.unlock()
            return
        }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        session?.close()
    }

    private func run() {
        let clock = ContinuousClock()
        var nextEvaluation = clock.now
        while true {
            condition.lock()
            if !stopping && !configurationChanged {
                _ = condition.wait(until: Date().addingTimeInterval(
                    Double(Self.incidentPollInterval.milliseconds) / 1000))
            }
            if stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let desk = self.desk
            let reloaded = configurationChanged
            configurationChanged = false
            condition.unlock()

            let token = incidentToken()
            if reloaded || token != lastIncidentEvent || clock.now >= nextEvaluation {
                lastIncidentEvent = token
                nextEvaluation = clock.now + Self.evaluationInterval
                evaluate(desk)
            }
        }
    }

    /// The newest incident event's sequence number: it changes whenever an incident opens, changes or closes.
    private func incidentToken() -> Int64 {
        guard let connection = session?.connection else { return 0 }
        return (try? connection.scalarInt(
            "SELECT coalesce(max(seq), 0) FROM events WHERE kind >= 'incident.' AND kind < 'incident/'")) ?? 0
    }

    private func evaluate(_ desk: ContinuityDesk) {
        guard let session else { return }
        do {
            let outcome = try session.write { transaction in
                try Self.evaluate(desk, &transaction, at: .now)
            }
            if let outcome { logger.notice(outcome) }
        } catch {
            logger.error("continuity evaluation failed (will retry): \(error)")
        }
    }

    /// One evaluation inside one transaction; returns a line to log when something changed.
    static func evaluate(_ desk: ContinuityDesk, _ transaction: inout LogTransaction,
                         at now: Timestamp) throws -> String? {
        let connection = transaction.connection
        let recommendation = try desk.recommendation(on: connection, at: now)
        let stored = try ContinuityLog.state(site: desk.site, on: connection)
        let storedPayload = try connection.firstRow(
            """
            SELECT e.payload FROM continuity_levels c JOIN events e ON e.seq = c.recommendation_event
            WHERE c.site_id = ?
            """,
            [desk.site]) { $0.text(0) ?? "" } ?? nil
        let fields = storedPayload.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let storedSystems = fields?["systems"] as? [String] ?? []
        // A first evaluation that finds NORMAL has nothing to say: no row and no event.
        guard stored.recommendedLevel != recommendation.level.rawValue || storedSystems != recommendation.systems
        else { return nil }
        try transaction.recordRecommendation(site: desk.site, level: recommendation.level.rawValue,
                                             why: recommendation.reasons, systems: recommendation.systems, at: now)
        var line = "recommended level \(recommendation.level) (was \(stored.recommendedLevel.uppercased())): "
            + (recommendation.reasons.first ?? "")
        // Automatic invocation only when the recommendation rises into paper mode, so a person's stand-down
        // (with an override) is not undone on the next evaluation while the same outage lasts.
        let rose = recommendation.level.isPaperMode
            && (ContinuityLevel(rawValue: stored.recommendedLevel) ?? .normal) < recommendation.level
        let declared = ContinuityLevel(rawValue: stored.level) ?? .normal
        if rose, !recommendation.autoInvokeSystems.isEmpty, declared < recommendation.level {
            let names = recommendation.autoInvokeSystems.map { desk.policy.rule(for: $0).name }
            let reason = "AutoInvoke=yes for \(names.joined(separator: ", ")): \(recommendation.reasons.first ?? "")"
            let id = try desk.invoke(&transaction, level: recommendation.level, by: "courtwatch", reason: reason,
                                     automatic: true, at: now)
            line += "; \(recommendation.level) invoked automatically (invocation #\(id))"
        }
        return line
    }
}
