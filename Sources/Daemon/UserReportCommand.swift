/// `courtwatch ...`: placeholder until its issue lands.
enum UserReportCommand {
    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        throw CommandFailure(code: .usage, message: "not built yet")
    }
}
