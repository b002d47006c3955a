/// Exit codes from DESIGN.md (sysexits where they apply).
public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    /// EX_USAGE: the command line is wrong.
    case usage = 64
    /// EX_DATAERR: the configuration or data is wrong.
    case dataError = 65
    /// EX_NOPERM: the person has not shared what was asked for.
    case noPermission = 77
}

/// A command that cannot go on: what to print and how to exit.
struct CommandFailure: Error, Sendable {
    var code: ExitCode
    var message: String

    static func usage(_ message: String, command: String) -> CommandFailure {
        CommandFailure(code: .usage, message: "\(message)\nRun 'courtwatch \(command) --help' for usage.")
    }
}
