import Foundation
import Configuration
import Diagnostics
import FailureLog
import Monitoring
import SimulatedSite
import Sockets
import Web

/// The `courtwatch` command line: one executable, subcommands, `--help` on every level.
public enum CommandLineTool {
    static let defaultConfig = "/etc/courtwatch"
    static let defaultState = "/var/lib/courtwatch"

    static let overview = """
        courtwatch — watch the IT systems a court or probation site depends on, and keep a tamper-evident
        log of every failure.

        USAGE: courtwatch <command> [options]

        COMMANDS:
          run            Run the daemon: probe, detect, log (what systemd starts)
          demo           Start a simulated court site on loopback and watch it, with a live table
          check-config   Check a configuration directory and report every problem with file:line
          status         Show each probe's state and the open incidents (read-only; safe while running)
          log verify     Walk the failure log's hash chain and name the first broken event
          log export     Export incidents and events for a period as CSV or JSON, optionally signed
          log prune      Apply the retention policy now (the daemon does it daily)
          incidents      List, show, open, acknowledge, annotate and resolve incidents; back-record outages
          continuity     Business-continuity level, invoke and stand down paper mode
          forms          The paper-fallback forms pack
          staff          Staff records, self-logged time lost and extra hours, sharing
          report         Site failure-log report and per-person outage report (PDF, HTML, CSV, JSON)
          sweep          Probe every line of a targets file once and print 'TARGET up|down'
          heartbeat      Tell the daemon a Kind=heartbeat probe's job has run
          report-problem Record that a system is not working for a member of staff
          continuity     Paper mode: status and recommendation, invoke, stand-down, checklist
          token add      Make a bearer token for the web surface (only its hash is stored)

        Run 'courtwatch <command> --help' for a command's options.
        Exit codes: 0 success, 1 failure, 64 bad usage, 65 bad configuration or data.
        """

    /// Runs the command line and returns the process exit code.
    public static func main(_ arguments: [String]) -> Int32 {
        let command = arguments.dropFirst()
        do {
            return try dispatch(command).rawValue
        } catch {
            FileHandle.standardError.write(Data("courtwatch: \(error.message)\n".utf8))
            return error.code.rawValue
        }
    }

    static func dispatch(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        guard let name = arguments.first else {
            print(overview)
            return .usage
        }
        let rest = arguments.dropFirst()
        switch name {
        case "--help", "-h", "help":
            print(overview)
            return .success
        case "--version":
            print("courtwatch \(DaemonRunner.version)")
            return .success
        case "run": return try run(rest)
        case "demo": return try demo(rest)
        case "check-config": return try checkConfig(rest)
        case "status": return try status(rest)
        case "log": return try log(rest)
        case "sweep": return try SweepCommand.run(rest)
        case "heartbeat": return try heartbeat(rest)
        case "report-problem": return try reportProblem(rest)
        case "incidents": return try IncidentsCommand.run(rest)
        case "continuity": return try ContinuityCommand.run(rest)
        case "forms": return try FormsCommand.run(rest)
        case "staff": return try StaffCommand.run(rest)
        case "report": return try ReportCommand.run(rest)
        case "token": return try TokenCommand.run(rest)
        default:
            throw CommandFailure(code: .usage,
                                 message: "unknown command '\(name)'\nRun 'courtwatch --help' for the list of commands.")
        }
    }

    // MARK: run

    static let runHelp = """
        USAGE: courtwatch run [--config DIR] [--state DIR] [--log-level LEVEL]

        Runs the daemon in the foreground: probes every *.probe in the configuration directory on one event
        loop, turns results into states and incidents, and commits them to the failure log in the state
        directory. SIGTERM or SIGINT stops it cleanly (in-flight probes get 5 s); SIGHUP reloads the
        configuration, keeping the running one if the new one has errors.

        OPTIONS:
          --config DIR      Configuration directory (default \(defaultConfig))
          --state DIR       State directory holding failure-log.sqlite (default \(defaultState))
          --log-level LEVEL error, warning, notice, info or debug (default info)
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "run", options: ["config", "state", "log-level"])
        if parsed.wantsHelp { print(runHelp); return .success }
        let directory = parsed.option("config") ?? defaultConfig
        let configuration = try loadConfiguration(directory)
        let logger = try makeLogger(parsed, command: "run")
        let runner = DaemonRunner(
            options: .init(configuration: configuration,
                           configurationSource: { () throws(ConfigurationErrors) in
                               try ConfigurationLoader.load(directory: directory)
                           },
                           stateDirectory: parsed.option("state") ?? defaultState),
            logger: logger)
        return try runner.run()
    }

    // MARK: demo

    static let demoHelp = """
        USAGE: courtwatch demo [--state DIR] [--config DIR]

        Starts a simulated court site on 127.0.0.1 (ports \(DemoSite.platformPort)-\(DemoSite.gatewayPort)): a case
        platform that fails for 40 s in every 2 minutes, a slow document store and a TCP site gateway. Then
        runs the daemon against it and shows a live status table. Ctrl-C stops both.

        While it runs, try from another terminal:
          courtwatch status --state DIR
          courtwatch log verify --state DIR

        OPTIONS:
          --state DIR    State directory for the demo's failure log (default ./.demo-state)
          --config DIR   Probe definitions (default: the built-in copy of Probes/demo)
        """

    static func demo(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "demo", options: ["config", "state", "log-level"])
        if parsed.wantsHelp { print(demoHelp); return .success }
        let plainSource: () throws(ConfigurationErrors) -> SiteConfiguration
        if let directory = parsed.option("config") {
            plainSource = { () throws(ConfigurationErrors) in try ConfigurationLoader.load(directory: directory) }
        } else {
            plainSource = { () throws(ConfigurationErrors) in
                try ConfigurationLoader.load(files: EmbeddedDemo.files.map { ("Probes/demo/\($0.name)", $0.text) },
                                             directory: "Probes/demo (built in)")
            }
        }
        let stateDirectory = parsed.option("state") ?? ".demo-state"
        let (signInToken, tokensFile) = try demoToken(stateDirectory: stateDirectory)
        let source: () throws(ConfigurationErrors) -> SiteConfiguration = { () throws(ConfigurationErrors) in
            var configuration = try plainSource()
            if configuration.daemon.tokensFile == nil { configuration.daemon.tokensFile = tokensFile }
            return configuration
        }
        let configuration: SiteConfiguration
        do {
            configuration = try source()
        } catch {
            throw CommandFailure(code: .dataError, message: error.description)
        }
        let signIn = configuration.daemon.tokensFile == tokensFile
            ? "Web: http://\(configuration.daemon.listen)/signin, token \(signInToken) (ops)" : nil
        let site: DemoSite
        do {
            site = try DemoSite()
        } catch {
            throw CommandFailure(code: .failure,
                                 message: "cannot start the simulated site: \(error) (is another demo running?)")
        }
        defer { site.stop() }
        let interactive = isatty(1) == 1
        // In a terminal the table is the display; keep the log to warnings so it does not scroll it away.
        let logger = Logger(label: "courtwatch", minimumLevel: interactive ? .warning : .notice)
        var options = DaemonRunner.Options(configuration: configuration, configurationSource: source,
                                           stateDirectory: stateDirectory)
        var ticks = 0
        options.onTick = { runner in
            ticks += 1
            guard interactive || ticks % 10 == 0 else { return }
            guard let snapshot = try? StatusSnapshot.read(stateDirectory: stateDirectory, recentEventLimit: 8) else {
                return
            }
            let outage = site.platformIsDown ? "in its outage (503)" : "answering"
            var screen = snapshot.text()
            screen += "\n\nSimulated case platform: \(outage). Failure log: \(runner.store.databasePath)"
            if let signIn { screen += "\n\(signIn)" }
            if let health = runner.health { screen += "\nWARNING: \(health)" }
            if interactive {
                screen = "\u{1B}[H\u{1B}[2J" + screen + "\n\nCtrl-C to stop."
            }
            print(screen)
            fflush(nil)
        }
        print("courtwatch demo: simulated site on 127.0.0.1:\(DemoSite.platformPort)-\(DemoSite.gatewayPort), "
              + "failure log in \(stateDirectory)")
        let runner = DaemonRunner(options: options, logger: logger)
        return try runner.run()
    }

    /// The demo's pages need a sign-in: a fresh ops token each run, in a tokens file in the state directory
    /// (used unless the demo's configuration names its own `TokensFile=`). Demo only: the token is shown on
    /// screen.
    static func demoToken(stateDirectory: String) throws(CommandFailure) -> (token: String, file: String) {
        let directory = stateDirectory.hasPrefix("/") ? stateDirectory
            : FileManager.default.currentDirectoryPath + "/" + stateDirectory
        let file = directory + "/demo-tokens"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let token = try TokenMaker.newToken()
            let line = TokenMaker.line(token: token, role: .ops, subject: "demo-ops") + "\n"
            try ExportSigner.writeAtomically(Array(line.utf8), to: file, mode: 0o600)
            return (token, file)
        } catch {
            throw CommandFailure(code: .failure, message: "cannot make the demo's sign-in token in \(file): \(error)")
        }
    }

    // MARK: check-config

    static let checkConfigHelp = """
        USAGE: courtwatch check-config [--config DIR]

        Loads site.conf, courtwatch.conf and every *.probe in DIR and reports every problem as
        file:line: message. Exit 0 when the configuration is good, 65 when it is not.

        OPTIONS:
          --config DIR   Configuration directory (default \(defaultConfig))
        """

    static func checkConfig(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "check-config", options: ["config"])
        if parsed.wantsHelp { print(checkConfigHelp); return .success }
        let configuration = try loadConfiguration(parsed.option("config") ?? defaultConfig)
        print("\(configuration.directory): OK — site \(configuration.site.id), \(configuration.probes.count) probes")
        for probe in configuration.probes.sorted(by: { $0.id < $1.id }) {
            print("  \(probe.id)  \(probe.check.kindName)  \(probe.check.target)  every \(probe.interval.configText)")
        }
        for alert in configuration.alerts { print(alert.checkConfigLine) }
        if !configuration.staffProblems.isEmpty {
            let problems = configuration.staffProblems.map(\.description).joined(separator: "\n")
            throw CommandFailure(code: .dataError, message: "staff records have errors (the daemon still runs; "
                                 + "'courtwatch staff' and 'report user' refuse until they are fixed):\n" + problems)
        }
        return .success
    }

    // MARK: status

    static let statusHelp = """
        USAGE: courtwatch status [--state DIR] [--json]

        Shows each probe's state, since when, its last latency and result, and the open incidents. Reads the
        failure log with a read-only connection, so it is safe while the daemon runs.

        OPTIONS:
          --state DIR   State directory (default \(defaultState))
          --json        Print JSON instead of a table
        """

    static func status(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "status", options: ["state"], flags: ["json"])
        if parsed.wantsHelp { print(statusHelp); return .success }
        let snapshot = try StatusSnapshot.read(stateDirectory: parsed.option("state") ?? defaultState)
        print(parsed.flag("json") ? snapshot.json() : snapshot.text())
        return .success
    }

    // MARK: log

    static let logHelp = """
        USAGE: courtwatch log verify [--state DIR] [--json]

        Walks every event of the failure log in order, recomputing each hash from the event's contents and
        the previous hash, and runs SQLite's integrity check. Exit 0 when the chain is intact, 1 naming the
        first broken event when it is not.

        OPTIONS:
          --state DIR   State directory (default \(defaultState))
          --json        Print JSON
        """

    static func log(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        guard let action = arguments.first, !action.hasPrefix("-") else {
            let parsed = try ParsedArguments.parse(arguments, command: "log", options: [])
            if parsed.wantsHelp { print(logHelp); return .success }
            throw .usage("log needs an action: verify, export or prune", command: "log")
        }
        if action == "export" { return try LogExportCommand.run(arguments.dropFirst()) }
        if action == "prune" { return try LogPruneCommand.run(arguments.dropFirst()) }
        guard action == "verify" else { throw .usage("unknown log action '\(action)'", command: "log") }
        let parsed = try ParsedArguments.parse(arguments.dropFirst(), command: "log verify", options: ["state"],
                                               flags: ["json"])
        if parsed.wantsHelp { print(logHelp); return .success }
        let (verification, integrity) = try LogAccess.read(parsed.option("state") ?? defaultState) { reader in
            (try reader.verifyChain(), try reader.integrityCheck())
        }
        let intact = verification.firstBroken == nil && integrity == "ok"
        if parsed.flag("json") {
            let value: JSONValue = [
                "intact": .bool(intact), "events_checked": .integer(verification.eventsChecked),
                "first_broken_seq": .optional(verification.firstBroken?.seq),
                "reason": .optional(verification.firstBroken?.reason), "integrity_check": .string(integrity),
            ]
            print(value.canonicalText)
        } else if let broken = verification.firstBroken {
            print("BROKEN at event \(broken.seq): \(broken.reason)")
            print("\(verification.eventsChecked) events before it verify. Database integrity: \(integrity)")
        } else {
            let removed = verification.lastSeq - verification.eventsChecked
            print("OK: \(verification.eventsChecked) events verify (seq 1...\(verification.lastSeq)"
                  + (removed > 0 ? "; \(removed) removed by retention, pinned by signed checkpoints" : "")
                  + "); database integrity: \(integrity)")
        }
        return intact ? .success : .failure
    }

    // MARK: heartbeat, report-problem

    static let heartbeatHelp = """
        USAGE: courtwatch heartbeat ID [--state DIR]

        Tells the running daemon that the job behind the Kind=heartbeat probe ID has just run (call it at the
        end of a scheduled job, or from a kiosk). Silence for Period= plus Grace= makes the probe DOWN.
        Exit 0 when the daemon accepted it, 1 when no daemon is listening, 65 when ID is not a heartbeat probe.

        OPTIONS:
          --state DIR   The daemon's state directory (default \(defaultState))
        """

    static func heartbeat(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "heartbeat", options: ["state"], maximumPositionals: 1)
        if parsed.wantsHelp { print(heartbeatHelp); return .success }
        guard let id = parsed.positionals.first else { throw .usage("heartbeat needs a probe ID", command: "heartbeat") }
        let message = try ControlClient.send(["command": "heartbeat", "probe": id],
                                             stateDirectory: parsed.option("state") ?? defaultState)
        print(message)
        return .success
    }

    static let reportProblemHelp = """
        USAGE: courtwatch report-problem --system SYSTEM --site SITE --by STAFF_ID [--text TEXT] [--state DIR]

        Records that SYSTEM is not working for a member of staff. Slowness and errors on save cannot be seen
        from outside; reports are how they reach the log. When ReportsToOpen= different people report the same
        system within ReportWindow= (a Kind=user-reports probe), a user-reported incident opens even if every
        probe is green.

        Do not put case details or the names of court users in --text: describe what failed, not who it was for.

        OPTIONS:
          --system SYSTEM  The system, as in the probes' System= (e.g. common-platform)
          --site SITE      The site ID the daemon watches
          --by STAFF_ID    Your staff ID (a pseudonym is fine)
          --text TEXT      What happened, at most 1000 characters
          --state DIR      The daemon's state directory (default \(defaultState))
        """

    static func reportProblem(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "report-problem",
                                               options: ["system", "site", "by", "text", "state"])
        if parsed.wantsHelp { print(reportProblemHelp); return .success }
        var request: [String: Any] = ["command": "report"]
        for (name, key) in [("system", "system"), ("site", "site"), ("by", "by")] {
            guard let value = parsed.option(name) else {
                throw .usage("--\(name) is required", command: "report-problem")
            }
            request[key] = value
        }
        if let text = parsed.option("text") { request["text"] = text }
        let message = try ControlClient.send(request, stateDirectory: parsed.option("state") ?? defaultState)
        print(message)
        return .success
    }

    // MARK: Shared

    static func loadConfiguration(_ directory: String) throws(CommandFailure) -> SiteConfiguration {
        do {
            return try ConfigurationLoader.load(directory: directory)
        } catch {
            throw CommandFailure(code: .dataError, message: "configuration has errors:\n" + error.description)
        }
    }

    static func makeLogger(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> Logger {
        let levels: [String: LogLevel] = ["error": .error, "warning": .warning, "notice": .notice, "info": .info,
                                          "debug": .debug]
        let name = parsed.option("log-level") ?? "info"
        guard let level = levels[name] else {
            throw .usage("--log-level must be one of error, warning, notice, info, debug", command: command)
        }
        return Logger(label: "courtwatch", minimumLevel: level)
    }
}
