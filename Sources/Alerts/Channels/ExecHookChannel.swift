import Monitoring

/// Runs a configured command with the notification in `COURTWATCH_*` environment variables (and nothing
/// else of the daemon's environment but `PATH`). Exit 0 means delivered; any other exit, a signal, or
/// running past the timeout (the hook is then killed) is a failed attempt with the tail of its stderr.
public struct ExecHookChannel: NotificationChannel {
    /// The program and its arguments; no shell is involved.
    public var command: [String]
    public var timeout: Duration

    public init(command: [String], timeout: Duration) {
        self.command = command
        self.timeout = timeout
    }

    public func deliver(_ message: NotificationMessage) -> DeliveryResult {
        var environment = message.environment
        environment["PATH"] = HookProcess.inheritedPath
        let result: HookProcess.Result
        do {
            result = try HookProcess.run(command, environment: environment, timeout: timeout)
        } catch {
            return .failed("cannot run \(command.first ?? "?"): \(error.message)")
        }
        let tail = result.standardErrorTail.isEmpty ? "" : "; stderr: \(result.standardErrorTail)"
        switch result.ending {
        case .exited(0):
            return DeliveryResult(delivered: true, detail: "\(command[0]) exited 0")
        case .exited(let code):
            return .failed("\(command[0]) exited \(code)\(tail)")
        case .signalled(let signal):
            return .failed("\(command[0]) was killed by signal \(signal)\(tail)")
        case .timedOut:
            return .failed("\(command[0]) ran past its \(timeout.configText) timeout and was killed\(tail)")
        }
    }
}
