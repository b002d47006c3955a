import Foundation
import Curl
public import Diagnostics
public import Monitoring
import Sockets
import Synchronization

/// Runs every probe on one event-loop thread: a due-time heap decides what starts, libcurl's multi socket
/// interface runs the transfers, epoll waits for sockets and timers. A slow probe never delays another.
public final class ProbeEngine: @unchecked Sendable {
    // @unchecked: everything below `// Loop state` is touched only on the loop thread, which `start()`
    // creates after init. Cross-thread communication is `stopRequest` (a Mutex), `wakeUp` (an eventfd)
    // and the atomics, all thread-safe.

    /// Called on the loop thread with the outcomes of one loop turn.
    public typealias Sink = @Sendable ([ProbeOutcome]) -> Void

    private let logger: Logger
    private let sink: Sink
    private let wakeUp: WakeUp
    private let stopRequest = Mutex<Duration?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private let heartbeat = Atomic<Int64>(0)
    private let worstLateness = Atomic<Int64>(0)
    private let runsStarted = Atomic<Int>(0)

    // Loop state
    private let probes: [ProbeDefinition]
    private var machines: [ProbeStateMachine]
    private var queue = DueQueue()
    private let epoll: Epoll
    private let multi: CurlMulti
    private var curlDeadline: Int64?
    private var inFlight: [Int: (easy: CurlEasy, startedAt: Timestamp, startedMono: Int64)] = [:]
    private var idleHandles: [CurlEasy] = []
    private var watched: Set<Int32> = []

    /// - Parameters:
    ///   - restored: states recorded before a restart, so an open incident is not opened twice.
    public init(probes: [ProbeDefinition], restored: [String: (state: ProbeState, since: Timestamp?)] = [:],
                logger: Logger, sink: @escaping Sink) throws {
        CurlGlobal.initialize()
        self.probes = probes
        self.logger = logger
        self.sink = sink
        machines = probes.map { probe in
            if let recorded = restored[probe.id] {
                return ProbeStateMachine(probeID: probe.id, policy: probe.policy, restoring: recorded.state,
                                         since: recorded.since)
            }
            return ProbeStateMachine(probeID: probe.id, policy: probe.policy)
        }
        epoll = try Epoll(capacity: 1024)
        wakeUp = try WakeUp()
        multi = CurlMulti()
        try epoll.watch(wakeUp.descriptor.rawValue, for: .readable)
        multi.onSocket = { [unowned self] descriptor, interest in watch(descriptor, interest) }
        multi.onTimer = { [unowned self] milliseconds in
            curlDeadline = milliseconds.map { SystemClock.monotonicNanoseconds() + Int64($0) * 1_000_000 }
        }
    }

    /// Starts the loop thread. Probes start at their phase offsets within their first interval.
    public func start() {
        let now = SystemClock.monotonicNanoseconds()
        for (index, probe) in probes.enumerated() {
            let offset = Phase.offset(for: probe.id, interval: min(probe.interval, .seconds(60)))
            queue.insert(probe: index, due: now + offset.milliseconds * 1_000_000)
        }
        heartbeat.store(now, ordering: .relaxed)
        let thread = Thread { [self] in
            runLoop()
            finished.signal()
        }
        thread.name = "courtwatch-probe-loop"
        thread.start()
    }

    /// Stops starting probes, lets those in flight finish within `grace`, then returns.
    public func stop(grace: Duration = .seconds(5)) {
        stopRequest.withLock { $0 = grace }
        wakeUp.signal()
        finished.wait()
    }

    /// Monotonic nanoseconds of the loop's last turn: the watchdog's evidence that probing is alive.
    public var lastHeartbeat: Int64 { heartbeat.load(ordering: .relaxed) }
    /// The largest delay between a probe's due time and its start, in milliseconds, since the last read.
    public func takeWorstLatenessMilliseconds() -> Int64 { worstLateness.exchange(0, ordering: .relaxed) / 1_000_000 }
    public var runCount: Int { runsStarted.load(ordering: .relaxed) }

    /// Each probe's state and since-when. Valid after `stop()` returns (the loop thread has ended).
    public func currentStates() -> [String: (state: ProbeState, since: Timestamp?)] {
        Dictionary(machines.map { ($0.probeID, (state: $0.state, since: $0.since)) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: The loop thread

    private func runLoop() {
        var stopDeadline: Int64?
        while true {
            let now = SystemClock.monotonicNanoseconds()
            heartbeat.store(now, ordering: .relaxed)
            if stopDeadline == nil, let grace = stopRequest.withLock({ $0 }) {
                stopDeadline = now + grace.milliseconds * 1_000_000
                logger.info("stopping: \(inFlight.count) probes in flight, waiting up to \(grace.configText)")
            }
            if let stopDeadline {
                if inFlight.isEmpty { break }
                if now >= stopDeadline {
                    logger.warning("\(inFlight.count) probes still in flight at shutdown; abandoned unrecorded")
                    for (_, run) in inFlight { multi.remove(run.easy) }
                    inFlight.removeAll()
                    break
                }
            } else {
                startDueProbes(now: now)
            }

            var wake = stopDeadline ?? queue.nextDue ?? now + 1_000_000_000
            if let curlDeadline { wake = min(wake, curlDeadline) }
            // Wake at least once a second so the heartbeat stays fresh for the watchdog.
            let timeout = Int32(clamping: max(0, min(1000, (wake - now + 999_999) / 1_000_000)))
            let ready: [(fd: Int32, readiness: Readiness)]
            do {
                ready = try epoll.wait(timeoutMilliseconds: timeout)
            } catch {
                logger.error("epoll_wait failed: \(error)")
                ready = []
            }
            for (descriptor, readiness) in ready {
                if descriptor == wakeUp.descriptor.rawValue {
                    wakeUp.drain()
                    continue
                }
                var events: SocketEvents = []
                if readiness.contains(.readable) || readiness.contains(.hangup) { events.insert(.readable) }
                if readiness.contains(.writable) { events.insert(.writable) }
                if readiness.contains(.error) { events.insert(.error) }
                multi.socketAction(descriptor, events: events)
            }
            if let deadline = curlDeadline, deadline <= SystemClock.monotonicNanoseconds() {
                curlDeadline = nil
                multi.timeoutAction()
            }
            collectCompleted()
        }
        for descriptor in watched { epoll.unwatch(descriptor) }
        watched.removeAll()
    }

    private func startDueProbes(now: Int64) {
        while let (due, index) = queue.popDue(now: now) {
            let lateness = now - due
            if lateness > worstLateness.load(ordering: .relaxed) { worstLateness.store(lateness, ordering: .relaxed) }
            let probe = probes[index]
            let easy = idleHandles.popLast() ?? CurlEasy()
            easy.context = index
            do {
                try CheckRequest.configure(easy, for: probe)
                try multi.add(easy)
            } catch {
                logger.error("cannot start probe \(probe.id): \(error)")
                easy.reset()
                idleHandles.append(easy)
                queue.insert(probe: index, due: now + probe.interval.milliseconds * 1_000_000)
                continue
            }
            runsStarted.add(1, ordering: .relaxed)
            inFlight[index] = (easy, Timestamp(millisecondsSinceEpoch: SystemClock.wallMilliseconds()), now)
        }
    }

    private func collectCompleted() {
        let completed = multi.takeCompleted()
        guard !completed.isEmpty else { return }
        var outcomes: [ProbeOutcome] = []
        outcomes.reserveCapacity(completed.count)
        let now = SystemClock.monotonicNanoseconds()
        for transfer in completed {
            let index = transfer.easy.context
            guard let run = inFlight.removeValue(forKey: index) else { continue }
            let probe = probes[index]
            let observation = CheckRequest.observation(for: probe, easy: transfer.easy, error: transfer.error,
                                                       startedAt: run.startedAt)
            let actions = machines[index].observe(observation)
            outcomes.append(ProbeOutcome(observation: observation, actions: actions, state: machines[index].state,
                                         stateSince: machines[index].since))
            for case .recordTransition(let transition) in actions {
                let level: LogLevel = transition.to == .down || transition.from == .down ? .notice : .info
                logger.log(level, "\(probe.id): \(transition.from.rawValue) → \(transition.to.rawValue)",
                           ["cause": observation.summary])
            }
            let delay = machines[index].nextDelay(interval: probe.interval, retryInterval: probe.retryInterval)
            queue.insert(probe: index, due: max(run.startedMono + delay.milliseconds * 1_000_000, now))
            transfer.easy.reset()
            idleHandles.append(transfer.easy)
        }
        sink(outcomes)
    }

    private func watch(_ descriptor: Int32, _ interest: SocketInterest) {
        do {
            switch interest {
            case .remove:
                epoll.unwatch(descriptor)
                watched.remove(descriptor)
            case .read:
                try epoll.watch(descriptor, for: .readable)
                watched.insert(descriptor)
            case .write:
                try epoll.watch(descriptor, for: .writable)
                watched.insert(descriptor)
            case .readWrite:
                try epoll.watch(descriptor, for: [.readable, .writable])
                watched.insert(descriptor)
            }
        } catch {
            logger.error("cannot watch socket \(descriptor): \(error)")
        }
    }
}
