import Foundation
import Configuration
import FailureLog
import Monitoring

/// `courtwatch log prune`: applies the retention policy now (the daemon also does it daily).
enum LogPruneCommand {
    static let help = """
        USAGE: courtwatch log prune [--config DIR] [--state DIR] [--as-of T] [--json]

        Applies [Retention] from courtwatch.conf (defaults: failed samples and routine events 90 days, minute
        rollups 2 days then hourly, hourly 90 days then daily, daily and the incident log 3 years). Removed
        events are summarised by a signed log.checkpoint event, so 'courtwatch log verify' still passes and any
        other removal is still caught. The daemon runs this a minute after it starts and then daily; running it
        by hand is safe while the daemon runs.

        OPTIONS:
          --config DIR   Configuration holding courtwatch.conf (default \(CommandLineTool.defaultConfig))
          --state DIR    State directory (default \(CommandLineTool.defaultState))
          --as-of T      Apply the policy as if it were T (ISO 8601), e.g. to see what an old copy would keep
          --json         Print the summary as JSON
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "log prune"
        let parsed = try ParsedArguments.parse(arguments, command: command, options: ["config", "state", "as-of"],
                                               flags: ["json"])
        if parsed.wantsHelp { print(help); return .success }
        let configuration = try CommandLineTool.loadConfiguration(parsed.option("config") ?? CommandLineTool.defaultConfig)
        let now = try IncidentsCommand.time(parsed, "as-of", command: command) ?? .now
        let store = FailureLogStore(stateDirectory: parsed.option("state") ?? CommandLineTool.defaultState)
        guard FileManager.default.fileExists(atPath: store.databasePath) else {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): no failure log here")
        }
        let summary: PruneSummary
        do {
            let signer = try ExportSigner.loadOrCreate(stateDirectory: store.stateDirectory)
            let session = try LogSession(store: store)
            defer { session.close() }
            summary = try LogPruner(policy: configuration.daemon.retention, signer: signer).prune(session, now: now)
        } catch {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): \(error)")
        }
        if parsed.flag("json") {
            let value: JSONValue = [
                "removed_events": .object(summary.removedEvents.mapValues { .integer($0) }),
                "removed_incidents": .integer(summary.removedIncidents),
                "folded_minute_rows": .integer(summary.foldedMinuteRows),
                "folded_hour_rows": .integer(summary.foldedHourRows),
                "removed_day_rows": .integer(summary.removedDayRows),
                "checkpoint": .optional(summary.checkpointSeq),
            ]
            print(value.canonicalText)
        } else if let checkpoint = summary.checkpointSeq {
            print("removed \(summary.totalRemovedEvents) events and \(summary.removedIncidents) incidents; "
                  + "folded \(summary.foldedMinuteRows) minute and \(summary.foldedHourRows) hour rollups; "
                  + "signed checkpoint event \(checkpoint)")
        } else {
            print("nothing is old enough to remove; folded \(summary.foldedMinuteRows) minute and "
                  + "\(summary.foldedHourRows) hour rollups")
        }
        return .success
    }
}
