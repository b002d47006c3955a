import Alerts
import Foundation
import Monitoring
import Synchronization
import TestSupport
import Testing

/// The exec hook: environment, exit status, timeout, and signals a daemon thread would pass on.
@Suite struct ExecHookTests {
    let directory = TemporaryDirectory("courtwatch-exec-hook")
    let event = AlertEvent(seq: 9, kind: "incident.resolved", at: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000),
                           incident: 3, site: "leicester-crown", systems: ["cjsm"], impact: .minor,
                           title: "CJSM gateway is down", by: "a.clerk", text: "supplier fixed the relay")

    func message(_ alert: AlertDefinition) -> NotificationMessage {
        NotificationMessage(PendingNotification(key: NotificationKey(alert: alert.id, event: 9), alert: alert,
                                                event: event, attempt: 1))
    }

    /// Runs `body` on a new thread that blocks SIGTERM, SIGINT and SIGHUP, as the daemon's threads do.
    func onBlockingThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var mask = sigset_t()
            sigemptyset(&mask)
            for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, signal) }
            pthread_sigmask(SIG_BLOCK, &mask, nil)
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.start()
        done.wait()
        return result.withLock { $0! }
    }

    @Test func theHookSeesTheNotificationInCourtwatchVariablesAndNothingElse() throws {
        let output = directory.subpath("env.txt")
        let alert = AlertDefinition(id: "pager", channel: .exec(command: ["/bin/sh", "-c", "env > \"$0\"", output]))
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(message(alert))
        #expect(result.delivered && result.detail == "/bin/sh exited 0")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let variables = Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { first, _ in first })
        #expect(variables["COURTWATCH_ALERT"] == "pager")
        #expect(variables["COURTWATCH_EVENT"] == "incident.resolved")
        #expect(variables["COURTWATCH_EVENT_SEQ"] == "9")
        #expect(variables["COURTWATCH_INCIDENT"] == "3")
        #expect(variables["COURTWATCH_SITE"] == "leicester-crown")
        #expect(variables["COURTWATCH_SYSTEMS"] == "cjsm")
        #expect(variables["COURTWATCH_IMPACT"] == "minor")
        #expect(variables["COURTWATCH_TITLE"] == "CJSM gateway is down")
        #expect(variables["COURTWATCH_BY"] == "a.clerk")
        #expect(variables["COURTWATCH_TEXT"] == "supplier fixed the relay")
        #expect(variables["COURTWATCH_AT"] == "2026-11-18T07:06:40Z" || variables["COURTWATCH_AT"]?.hasPrefix("2026-") == true)
        #expect(variables["PATH"] != nil)
        let foreign = variables.keys.filter { !$0.hasPrefix("COURTWATCH_") && !["PATH", "PWD", "SHLVL", "_"].contains($0) }
        #expect(foreign.isEmpty, "the daemon's own environment stays out of hooks: \(foreign)")
    }

    @Test func aHookStartedFromAThreadThatBlocksSIGTERMDoesNotInheritTheMask() throws {
        let output = directory.subpath("status.txt")
        let alert = AlertDefinition(id: "pager", channel: .exec(
            command: ["/bin/sh", "-c", "exec grep -E '^Sig(Blk|Ign)' /proc/self/status > \"$0\"", output]))
        let channel = NotificationChannels.make(for: alert, hostName: "test")
        let note = message(alert)
        // exec: the shell blocks every signal while it waits for a child, so read the status of the hook's own
        // program, which starts with the mask the hook was given.
        let result = onBlockingThread { channel.deliver(note) }
        #expect(result.delivered, "\(result.detail)")
        let status = try String(contentsOfFile: output, encoding: .utf8)
        let blocked = status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }?.split(separator: "\t").last
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }?.split(separator: "\t").last
        #expect(blocked.map { UInt64($0, radix: 16) } == 0, "SigBlk of the hook: \(status)")
        // SIGTERM is signal 15: bit 14 of the mask. The test process may ignore other signals; not this one.
        let ignoredMask = ignored.flatMap { UInt64($0, radix: 16) } ?? .max
        #expect(ignoredMask & (1 << 14) == 0 && ignoredMask & (1 << 12) == 0, "SIGTERM and SIGPIPE not ignored: \(status)")
    }

    @Test func aSIGTERMToALongRunningHookStopsIt() throws {
        let pidFile = directory.subpath("hook.pid")
        let started = ContinuousClock.now
        let result = onBlockingThread { [directory] in
            let ready = Atomic<Int32>(0)
            let killer = Thread {
                // Bounded: 500 × 10 ms for the hook to write its PID.
                for _ in 0..<500 {
                    if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                       let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                        ready.store(pid, ordering: .relaxed)
                        kill(pid, SIGTERM)
                        return
                    }
                    usleep(10_000)
                }
            }
            killer.start()
            _ = directory
            return try? HookProcess.run(["/bin/sh", "-c", "echo $$ > \"$0\"; exec sleep 30", pidFile],
                                        environment: [:], timeout: .seconds(20))
        }
        let ending = try #require(result)
        #expect(ending.ending == .signalled(SIGTERM))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aNonZeroExitFailsWithTheTailOfStderr() {
        let alert = AlertDefinition(id: "pager", channel: .exec(
            command: ["/bin/sh", "-c", "echo starting >&2; echo 'pager API said 401 unauthorised' >&2; exit 3"]))
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(message(alert))
        #expect(!result.delivered)
        #expect(result.detail == "/bin/sh exited 3; stderr: starting | pager API said 401 unauthorised")
    }

    @Test func aHookPastItsTimeoutIsKilledWithWhatItStarted() throws {
        let childPidFile = directory.subpath("child.pid")
        let alert = AlertDefinition(id: "pager", channel: .exec(
            command: ["/bin/sh", "-c", "sleep 30 & echo $! > \"$0\"; echo waiting >&2; wait", childPidFile]),
            timeout: .seconds(1))
        let started = ContinuousClock.now
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(message(alert))
        #expect(!result.delivered)
        #expect(result.detail == "/bin/sh ran past its 1s timeout and was killed; stderr: waiting")
        #expect(ContinuousClock.now - started < .seconds(5))
        let child = try #require(Int32(try String(contentsOfFile: childPidFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        // The hook's own child went with it (same process group); bounded wait for the kernel to reap it.
        #expect(eventually(timeout: .seconds(5)) { kill(child, 0) != 0 || isZombie(child) })
    }

    @Test func aMissingProgramIsAFailedAttemptNotACrash() {
        let alert = AlertDefinition(id: "pager", channel: .exec(command: ["/nonexistent/courtwatch-hook"]))
        let result = NotificationChannels.make(for: alert, hostName: "test").deliver(message(alert))
        #expect(!result.delivered)
        #expect(result.detail.hasPrefix("cannot run /nonexistent/courtwatch-hook: ") || result.detail.contains("exited 127"),
                "\(result.detail)")
    }
}

/// A process that has exited but whose parent has not collected it yet.
func isZombie(_ pid: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    return status.split(separator: ")").last?.split(separator: " ").first == "Z"
}
