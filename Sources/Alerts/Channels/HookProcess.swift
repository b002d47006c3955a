#if canImport(Glibc)
import Glibc
#endif
import Monitoring

/// Runs one hook process to completion with a deadline, keeping the tail of its stderr.
///
/// The daemon's threads block SIGTERM (it is taken with signalfd) and ignore SIGPIPE, and a child inherits
/// both through exec; a hook started that way could not be stopped by a service manager or by us. So the
/// child starts with an empty signal mask and default actions for TERM, INT, HUP and PIPE
/// (`posix_spawnattr_setsigmask` / `POSIX_SPAWN_SETSIGDEF`), in a process group of its own so a timeout
/// kills the hook and whatever it started, by its PID.
public enum HookProcess {
    public struct Failure: Error {
        public var message: String
    }

    public enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    public struct Result: Sendable {
        public var pid: Int32
        public var ending: Ending
        /// The last few hundred characters the hook wrote to stderr, on one line.
        public var standardErrorTail: String
    }

    /// The daemon's PATH, or a safe default.
    public static var inheritedPath: String {
        getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// Starts `command` (looked up on PATH when it has no slash), waits up to `timeout`, and reports.
    /// `started` is told the PID as soon as the hook runs (tests use it to signal the hook).
    public static func run(_ command: [String], environment: [String: String], timeout: Duration,
                           started: (Int32) -> Void = { _ in }) throws(Failure) -> Result {
        guard let program = command.first, !program.isEmpty else { throw Failure(message: "empty command") }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { throw Failure(message: "pipe: \(lastError())") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Other hooks running at the same time must not hold this pipe open (closefrom below covers the rest).
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        // Everything else the daemon holds open (the database, sockets) stays out of the hook.
        _ = spawnActionsCloseFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                                                    | POSIX_SPAWN_SETPGROUP))

        let arguments = command.map { strdup($0) } + [nil]
        let variables = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, program, &actions, &attributes, arguments, variables)
        close(writeEnd)
        guard code == 0 else { throw Failure(message: String(cString: strerror(code))) }
        started(pid)
        return wait(for: pid, reading: readEnd, timeout: timeout)
    }

    private static func wait(for pid: pid_t, reading descriptor: Int32, timeout: Duration) -> Result {
        let deadline = monotonicMilliseconds() + timeout.milliseconds
        var tail: [UInt8] = []
        var open = true
        var status: Int32 = 0
        // Bounded by the deadline: each pass waits at most 50 ms.
        while true {
            if open {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 50) > 0 {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let count = read(descriptor, &buffer, buffer.count)
                    if count > 0 {
                        tail.append(contentsOf: buffer[0..<count])
                        if tail.count > 8192 { tail.removeFirst(tail.count - 8192) }
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        open = false
                    }
                }
            } else {
                usleep(10_000)
            }
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                drain(descriptor, into: &tail)
                let signal = status & 0x7f
                let ending: Ending = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
                return Result(pid: pid, ending: ending, standardErrorTail: summarize(tail))
            }
            if monotonicMilliseconds() >= deadline { break }
        }
        // Past the deadline: ask the hook's whole process group to stop, then insist.
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        let grace = monotonicMilliseconds() + 1000
        while monotonicMilliseconds() < grace {
            if waitpid(pid, &status, WNOHANG) == pid {
                kill(-pid, SIGKILL)  // anything it left behind in its group
                return Result(pid: pid, ending: .timedOut, standardErrorTail: summarize(tail))
            }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)  // SIGKILL cannot be blocked: this returns
        return Result(pid: pid, ending: .timedOut, standardErrorTail: summarize(tail))
    }

    /// Reads what is already in the pipe without waiting for writers that may never close it.
    private static func drain(_ descriptor: Int32, into tail: inout [UInt8]) {
        for _ in 0..<64 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { return }
            tail.append(contentsOf: buffer[0..<count])
            if tail.count > 8192 { tail.removeFirst(tail.count - 8192) }
        }
    }

    static func summarize(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
            .split(whereSeparator: \.isNewline).map { $0.trimmed }.filter { !$0.isEmpty }.joined(separator: " | ")
        return text.count > 300 ? "…" + String(text.suffix(300)) : text
    }

    private static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Glibc's module map hides behind _GNU_SOURCE.
/// The signature is plain C (a pointer and an int), so binding the symbol directly is safe.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionsCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                   _ lowest: Int32) -> Int32
