import Foundation
import Curl
public import Diagnostics
public import Monitoring
import Sockets
import Synchronization

/// Runs every probe on one event-loop thread: a due-time heap decides what starts; libcurl's multi socket
/// interface runs HTTP, TCP, SMTP and IMAP transfers (and, for a `TransferSequence`, several in one run);
/// DNS and ICMP run as native checks on their own non-blocking sockets; epoll waits for all of them and for
/// the timers. A slow probe never delays another.
public final class ProbeEngine: @unchecked Sendable {
    // @unchecked: everything below `// Loop state` is touched only on the loop thread, which `start()`
    // creates after init. Cross-thread communication is `stopRequest` and `mailbox` (Mutexes), `wakeUp`
    // (an eventfd) and the atomics, all thread-safe.

    /// Called on the loop thread with the outcomes of one loop turn.
    public typealias Sink = @Sendable ([ProbeOutcome]) -> Void

    public enum Mode: Sendable {
        /// The daemon: every probe runs at its interval until `stop()`, first runs spread over the interval.
        case continuous
        /// `courtwatch sweep`: every probe runs once, all due at once; the loop ends when all have answered.
        case once
    }

    /// Something outside told the daemon (through the CLI or, later, HTTP).
    public enum Signal: Sendable {
        /// A heartbeat probe was called.
        case heartbeat(probeID: String, at: Timestamp)
        /// A member of staff reported a problem with a system.
        case userReport(system: String, reporter: String, at: Timestamp)
    }

    private let logger: Logger
    private let sink: Sink
    private let wakeUp: WakeUp
    private let stopRequest = Mutex<Duration?>(nil)
    private let mailbox = Mutex<[Signal]>([])
    private let finished = DispatchSemaphore(value: 0)
    private let heartbeat = Atomic<Int64>(0)
    private let worstLateness = Atomic<Int64>(0)
    private let runsStarted = Atomic<Int>(0)
    /// Each probe's leaf-certificate notAfter from its last run, for probes whose last run saw one (/metrics).
    private let certificates = Mutex<[String: Timestamp]>([:])

    // Loop state
    private let probes: [ProbeDefinition]
    private let mode: Mode
    private let maxInFlight: Int
    private var monitor: SiteMonitor
    private var queue = DueQueue()
    /// Each probe's current due time; heap entries with another due time are stale and skipped.
    private var scheduledDue: [Int64?]
    private let epoll: Epoll
    private let multi: CurlMulti
    private var curlDeadline: Int64?
    private var inFlight: [Int: Run] = [:]
    private var nativeByDescriptor: [Int32: Int] = [:]
    private var idleHandles: [CurlEasy] = []
    private var watched: Set<Int32> = []
    private var pending: [ProbeOutcome] = []
    private var passive: PassiveState
    /// Transfer sequences waiting to start their next transfer: (monotonic due time, probe index).
    private var followUps: [(due: Int64, index: Int)] = []
    /// The probes in `certificates`, so a turn with no TLS results takes no lock.
    private var probesWithCertificate: Set<String> = []

    private struct Run {
        enum Work {
            case curl(CurlEasy)
            case native(any NativeCheck, descriptor: Int32)
        }
        var work: Work
        var startedAt: Timestamp
        var startedMono: Int64
        /// Set when one run is several transfers; `work` then holds the handle it reuses.
        var sequence: (any TransferSequence)? = nil
        /// What a native check's descriptor is watched for.
        var nativeReadiness: Readiness = .readable
    }

    /// - Parameters:
    ///   - restored: states recorded before a restart, so an open incident is not opened twice.
    ///   - maintenance: planned windows, applied to results as they arrive.
    ///   - maxInFlight: the most probes running at once; the rest wait their turn (0: no limit).
    ///   - lastHeartbeats: heartbeat probes' last calls before a restart or reload.
    public init(probes: [ProbeDefinition], restored: [String: (state: ProbeState, since: Timestamp?)] = [:],
                maintenance: MaintenanceSchedule = MaintenanceSchedule(), mode: Mode = .continuous,
                maxInFlight: Int = 0, lastHeartbeats: [String: Timestamp] = [:], logger: Logger,
                sink: @escaping Sink) throws {
        CurlGlobal.initialize()
        self.probes = probes
        self.mode = mode
        self.maxInFlight = maxInFlight > 0 ? maxInFlight : Int.max
        self.logger = logger
        self.sink = sink
        monitor = SiteMonitor(probes: probes, restored: restored, maintenance: maintenance)
        scheduledDue = Array(repeating: nil, count: probes.count)
        passive = PassiveState(startedAt: Timestamp(millisecondsSinceEpoch: SystemClock.wallMilliseconds()),
                               lastHeartbeats: lastHeartbeats)
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
            let offset = mode == .once || probe.check.isPassive
                ? .zero : Phase.offset(for: probe.id, interval: min(probe.interval, .seconds(60)))
            let firstDue = probe.check.isPassive ? now + probe.interval.milliseconds * 1_000_000 : now + offset.milliseconds * 1_000_000
            schedule(index, due: firstDue)
        }
        heartbeat.store(now, ordering: .relaxed)
        let thread = Thread { [self] in
            runLoop()
            finished.signal()
        }
        thread.name = "courtwatch-probe-loop"
        thread.start()
    }

    /// Waits until a `.once` run has finished every probe.
    public func waitUntilFinished() {
        finished.wait()
    }

    /// Stops starting probes, lets those in flight finish within `grace`, then returns.
    public func stop(grace: Duration = .seconds(5)) {
        stopRequest.withLock { $0 = grace }
        wakeUp.signal()
        finished.wait()
    }

    /// Hands a heartbeat or a user report to the loop. Safe from any thread.
    public func deliver(_ signal: Signal) {
        mailbox.withLock { $0.append(signal) }
        wakeUp.signal()
    }

    /// Monotonic nanoseconds of the loop's last turn: the watchdog's evidence that probing is alive.
    public var lastHeartbeat: Int64 { heartbeat.load(ordering: .relaxed) }
    /// The largest delay between a probe's due time and its start, in milliseconds, since the last read.
    public func takeWorstLatenessMilliseconds() -> Int64 { worstLateness.exchange(0, ordering: .relaxed) / 1_000_000 }
    public var runCount: Int { runsStarted.load(ordering: .relaxed) }

    /// The leaf certificate's notAfter per probe, for the probes whose last run read one. Safe from any thread.
    public func certificateExpiries() -> [String: Timestamp] {
        certificates.withLock { $0 }
    }

    /// Each probe's state and since-when. Valid after `stop()` returns (the loop thread has ended).
    public func currentStates() -> [String: (state: ProbeState, since: Timestamp?)] {
        monitor.states
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
            takeMail()
            startFollowUps(now: now)
            if let stopDeadline {
                if inFlight.isEmpty { break }
                if now >= stopDeadline {
                    logger.warning("\(inFlight.count) probes still in flight at shutdown; abandoned unrecorded")
                    abandonInFlight()
                    break
                }
            } else {
                startDueProbes(now: now)
                if mode == .once && queue.isEmpty && inFlight.isEmpty { break }
            }
            flushOutcomes()

            var wake = stopDeadline ?? (inFlight.count < maxInFlight ? queue.nextDue : nil) ?? now + 1_000_000_000
            if let curlDeadline { wake = min(wake, curlDeadline) }
            for followUp in followUps { wake = min(wake, followUp.due) }
            for run in inFlight.values {
                if case .native(let check, _) = run.work { wake = min(wake, check.wakeAt) }
            }
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
                } else if let index = nativeByDescriptor[descriptor] {
                    nativeReadable(index)
                } else {
                    var events: SocketEvents = []
                    if readiness.contains(.readable) || readiness.contains(.hangup) { events.insert(.readable) }
                    if readiness.contains(.writable) { events.insert(.writable) }
                    if readiness.contains(.error) { events.insert(.error) }
                    multi.socketAction(descriptor, events: events)
                }
            }
            let after = SystemClock.monotonicNanoseconds()
            if let deadline = curlDeadline, deadline <= after {
                curlDeadline = nil
                multi.timeoutAction()
            }
            tickNatives(now: after)
            collectCompleted()
            flushOutcomes()
        }
        flushOutcomes()
        for descriptor in watched { epoll.unwatch(descriptor) }
        watched.removeAll()
    }

    private func startDueProbes(now: Int64) {
        while inFlight.count < maxInFlight, let (due, index) = queue.popDue(now: now) {
            guard scheduledDue[index] == due, inFlight[index] == nil else { continue }  // stale entry
            scheduledDue[index] = nil
            let lateness = now - due
            if lateness > worstLateness.load(ordering: .relaxed) { worstLateness.store(lateness, ordering: .relaxed) }
            let probe = probes[index]
            let startedAt = Timestamp(millisecondsSinceEpoch: SystemClock.wallMilliseconds())
            runsStarted.add(1, ordering: .relaxed)
            if probe.check.isPassive {
                finish(index, passive.evaluate(probe, at: startedAt), startedMono: now)
                continue
            }
            if let check = NativeChecks.make(for: probe, startedAt: startedAt) {
                do {
                    let descriptor = try check.start(now: now)
                    try epoll.watch(descriptor, for: .readable)
                    nativeByDescriptor[descriptor] = index
                    inFlight[index] = Run(work: .native(check, descriptor: descriptor), startedAt: startedAt,
                                          startedMono: now)
                } catch {
                    check.close()
                    finish(index, Observation(probeID: probe.id, at: startedAt, failure: FailureEvidence(
                        failureClass: .internalError, message: "could not start: \(error)")), startedMono: now)
                }
                continue
            }
            let easy = idleHandles.popLast() ?? CurlEasy()
            easy.context = index
            let sequence = TransferSequences.make(for: probe, startedAt: startedAt, startedMono: now)
            do {
                if let sequence {
                    try CheckRequest.configureCommon(easy, for: probe)
                    try sequence.configureNext(easy)
                } else {
                    try CheckRequest.configure(easy, for: probe)
                }
                try multi.add(easy)
            } catch {
                easy.reset()
                idleHandles.append(easy)
                finish(index, Observation(probeID: probe.id, at: startedAt, failure: FailureEvidence(
                    failureClass: .internalError, message: "could not start: \(error)")), startedMono: now)
                continue
            }
            inFlight[index] = Run(work: .curl(easy), startedAt: startedAt, startedMono: now, sequence: sequence)
        }
    }

    /// Starts the next transfer of each sequence whose wait is over.
    private func startFollowUps(now: Int64) {
        guard followUps.contains(where: { $0.due <= now }) else { return }
        let due = followUps.filter { $0.due <= now }
        followUps.removeAll { $0.due <= now }
        for (_, index) in due {
            guard let run = inFlight[index], let sequence = run.sequence, case .curl(let easy) = run.work else {
                continue
            }
            do {
                try CheckRequest.configureCommon(easy, for: probes[index])
                try sequence.configureNext(easy)
                try multi.add(easy)
            } catch {
                inFlight.removeValue(forKey: index)
                easy.reset()
                idleHandles.append(easy)
                finish(index, Observation(probeID: probes[index].id, at: run.startedAt, failure: FailureEvidence(
                    failureClass: .internalError, message: "could not continue: \(error)")), startedMono: run.startedMono)
            }
        }
    }

    private func collectCompleted() {
        for transfer in multi.takeCompleted() {
            let index = transfer.easy.context
            guard let run = inFlight[index] else { continue }
            let observation: Observation
            if let sequence = run.sequence {
                let now = SystemClock.monotonicNanoseconds()
                let step = sequence.finished(transfer.easy, error: transfer.error, now: now)
                transfer.easy.reset()
                switch step {
                case .next(let delay):
                    // The handle stays with the run (in `work`) for its next transfer.
                    followUps.append((due: now + delay.milliseconds * 1_000_000, index: index))
                    continue
                case .done(let result):
                    observation = result
                }
            } else {
                observation = CheckRequest.observation(for: probes[index], easy: transfer.easy, error: transfer.error,
                                                       startedAt: run.startedAt)
                transfer.easy.reset()
            }
            inFlight.removeValue(forKey: index)
            idleHandles.append(transfer.easy)
            finish(index, observation, startedMono: run.startedMono)
        }
    }

    private func nativeReadable(_ index: Int) {
        guard let run = inFlight[index], case .native(let check, _) = run.work else { return }
        if let observation = check.readable(now: SystemClock.monotonicNanoseconds()) {
            completeNative(index, run, observation)
        } else {
            followNative(index)
        }
    }

    private func tickNatives(now: Int64) {
        for (index, run) in inFlight {
            guard case .native(let check, _) = run.work, check.wakeAt <= now else { continue }
            if let observation = check.tick(now: now) {
                completeNative(index, run, observation)
            } else {
                followNative(index)
            }
        }
    }

    /// Watches what a native check now waits on (another socket, or writability), if that changed.
    private func followNative(_ index: Int) {
        guard var run = inFlight[index], case .native(let check, let descriptor) = run.work,
              let (next, readiness) = check.watching, next != descriptor || readiness != run.nativeReadiness
        else { return }
        if next != descriptor {
            epoll.unwatch(descriptor)
            nativeByDescriptor.removeValue(forKey: descriptor)
        }
        do {
            try epoll.watch(next, for: readiness)
        } catch {
            completeNative(index, run, Observation(probeID: probes[index].id, at: run.startedAt, failure: FailureEvidence(
                failureClass: .internalError, message: "could not watch its socket: \(error)")))
            return
        }
        nativeByDescriptor[next] = index
        run.work = .native(check, descriptor: next)
        run.nativeReadiness = readiness
        inFlight[index] = run
    }

    private func completeNative(_ index: Int, _ run: Run, _ observation: Observation) {
        guard case .native(let check, let descriptor) = run.work else { return }
        epoll.unwatch(descriptor)
        nativeByDescriptor.removeValue(forKey: descriptor)
        check.close()
        inFlight.removeValue(forKey: index)
        finish(index, observation, startedMono: run.startedMono)
    }

    private func abandonInFlight() {
        for (_, run) in inFlight {
            switch run.work {
            case .curl(let easy): multi.remove(easy)
            case .native(let check, let descriptor):
                epoll.unwatch(descriptor)
                check.close()
            }
        }
        inFlight.removeAll()
        followUps.removeAll()
        nativeByDescriptor.removeAll()
    }

    /// Feeds one result to the monitor, queues the outcome, and schedules the probe's next run.
    private func finish(_ index: Int, _ observation: Observation, startedMono: Int64) {
        let probe = probes[index]
        let actions = monitor.observe(observation)
        let current = monitor.state(of: probe.id)
        pending.append(ProbeOutcome(observation: observation, actions: actions, state: current?.state ?? .unknown,
                                    stateSince: current?.since))
        for case .recordTransition(let transition) in actions {
            let level: LogLevel = transition.to == .down || transition.from == .down ? .notice : .info
            logger.log(level, "\(transition.probeID): \(transition.from.displayName) → \(transition.to.displayName)",
                       ["cause": transition.reason])
        }
        guard mode == .continuous else { return }
        let now = SystemClock.monotonicNanoseconds()
        let delay = monitor.nextDelay(forProbeAt: index)
        if !probe.check.isPassive || scheduledDue[index] == nil {
            schedule(index, due: max(startedMono + delay.milliseconds * 1_000_000, now))
        }
        for case .probeSoon(let id) in actions {
            // A child waits on this probe before calling an outage: run it now unless it is already running.
            if let other = monitor.index(of: id), inFlight[other] == nil, !probes[other].check.isPassive {
                schedule(other, due: now)
            }
        }
    }

    private func flushOutcomes() {
        guard !pending.isEmpty else { return }
        noteCertificates()
        sink(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Records each pending result's certificate expiry; a result without one removes the probe's.
    private func noteCertificates() {
        var changes: [(probe: String, expiry: Timestamp?)] = []
        for outcome in pending {
            let observation = outcome.observation
            if let expiry = observation.certificateExpiry {
                probesWithCertificate.insert(observation.probeID)
                changes.append((observation.probeID, expiry))
            } else if probesWithCertificate.remove(observation.probeID) != nil {
                changes.append((observation.probeID, nil))
            }
        }
        guard !changes.isEmpty else { return }
        certificates.withLock { expiries in
            for change in changes { expiries[change.probe] = change.expiry }
        }
    }

    /// Heartbeats and user reports: each is a result at once for the probe it concerns.
    private func takeMail() {
        let signals = mailbox.withLock { mail in
            defer { mail.removeAll() }
            return mail
        }
        let now = SystemClock.monotonicNanoseconds()
        for signal in signals {
            for index in passive.receive(signal, probes: probes) {
                finish(index, passive.evaluate(probes[index], at: signal.at), startedMono: now)
            }
        }
    }

    private func schedule(_ index: Int, due: Int64) {
        scheduledDue[index] = due
        queue.insert(probe: index, due: due)
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

extension ProbeEngine.Signal {
    var at: Timestamp {
        switch self {
        case .heartbeat(_, let at), .userReport(_, _, let at): at
        }
    }
}
