import Foundation
import Diagnostics
import FailureLog
import Monitoring

/// Applies the retention policy a minute after start and then once a day, on its own thread with its own
/// write connection. A failed run is logged and retried at the next one; probing never waits for it.
final class RetentionService: @unchecked Sendable {
    // @unchecked: `stopping` is guarded by `condition`; everything else is immutable.
    private let store: FailureLogStore
    private let policy: RetentionPolicy
    private let logger: Logger
    private let firstRunDelay: TimeInterval
    private let period: TimeInterval
    private let condition = NSCondition()
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)

    init(store: FailureLogStore, policy: RetentionPolicy, logger: Logger, firstRunDelay: TimeInterval = 60,
         period: TimeInterval = 86_400) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.firstRunDelay = firstRunDelay
        self.period = period
    }

    func start() {
        let thread = Thread { [self] in
            var delay = firstRunDelay
            while waitOrStop(delay) {
                runOnce()
                delay = period
            }
            done.signal()
        }
        thread.name = "courtwatch-retention"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    /// Waits `seconds`; false when asked to stop.
    private func waitOrStop(_ seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopping {
            if !condition.wait(until: deadline) { return !stopping }
        }
        return false
    }

    @discardableResult
    func runOnce() -> PruneSummary? {
        do {
            let signer = try ExportSigner.loadOrCreate(stateDirectory: store.stateDirectory)
            let session = try LogSession(store: store)
            defer { session.close() }
            let summary = try LogPruner(policy: policy, signer: signer).prune(session, now: .now)
            if let checkpoint = summary.checkpointSeq {
                let kinds = summary.removedEvents.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                logger.notice("retention removed \(summary.totalRemovedEvents) events (\(kinds.joined(separator: ", "))) "
                              + "and \(summary.removedIncidents) incidents; checkpoint event \(checkpoint)")
            }
            return summary
        } catch {
            logger.error("retention run failed (will try again at the next run): \(error)")
            return nil
        }
    }
}
