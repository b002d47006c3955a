/// `courtwatch report site|user`: the site failure-log report and the per-person outage report.
enum ReportCommand {
    static let help = """
        USAGE: courtwatch report site SITE --from DATE --to DATE --format pdf|html|csv|json --out FILE
               courtwatch report user ID --from DATE --to DATE --format pdf|html|csv|json --out FILE

        Run 'courtwatch report site --help' or 'courtwatch report user --help' for the options.
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        switch arguments.first {
        case "site": return try SiteReportCommand.run(arguments.dropFirst())
        case "user": return try UserReportCommand.run(arguments.dropFirst())
        case "--help", "-h", nil:
            print(help)
            return arguments.isEmpty ? .usage : .success
        case let other?:
            throw CommandFailure(code: .usage, message: "unknown report '\(other)'\n\(help)")
        }
    }
}
