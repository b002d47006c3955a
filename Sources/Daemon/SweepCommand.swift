import Foundation
import Configuration
import Diagnostics
import Monitoring
import Probing
import Synchronization

/// `courtwatch sweep`: probe every line of a targets file once, through the daemon's own engine.
enum SweepCommand {
    static let help = """
        USAGE: courtwatch sweep --targets FILE [--parallel P] [--timeout T] [--insecure] [--require-starttls]
                                [--verbose]

        Probes every target in FILE once, at most P at a time, and prints 'TARGET up|down' per line in file
        order (TARGET as written in the file). Exit 0 when every target is up, 1 when any is down,
        65 when the file has errors (each named as file:line; nothing is probed).

        FILE has one target per line, '#' comments allowed:
          KIND TARGET [EXPECTED]
          http  https://signin.example.invalid/     (up when the answer is 2xx)
          tcp   gateway.example.invalid:443         (up when the connection is accepted)
          smtp  mx.example.invalid:25               (up when it greets and answers EHLO)
          dns   signin.example.invalid@10.0.0.53    (up when that resolver answers NOERROR with an A record)
          icmp  10.0.0.1                            (up when any of 3 echoes is answered)
        EXPECTED (up|down) is accepted and ignored, so the benchmark fleet's targets.txt works as it is.

        OPTIONS:
          --targets FILE       The targets file (required)
          --parallel P         Probes in flight at once (default 50)
          --timeout T          Per-probe timeout, e.g. 2 or 2s or 500ms (default 5s)
          --insecure           Do not verify TLS certificates (for self-signed test fleets only)
          --require-starttls   smtp targets must offer and complete STARTTLS
          --verbose            Add the reason after each state (three columns)
        """

    struct Target {
        var line: Int
        var text: String
        var probe: ProbeDefinition
    }

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "sweep", options: ["targets", "parallel", "timeout"],
                                               flags: ["insecure", "require-starttls", "verbose"])
        if parsed.wantsHelp { print(help); return .success }
        guard let path = parsed.option("targets") else { throw .usage("--targets FILE is required", command: "sweep") }
        let parallel = try parsed.option("parallel").map { (text) throws(CommandFailure) -> Int in
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw .usage("--parallel must be a whole number from 1 to 10000", command: "sweep")
            }
            return value
        } ?? 50
        let timeout = try parsed.option("timeout").map { (text) throws(CommandFailure) -> Duration in
            guard let value = DurationText.parse(text), value >= .milliseconds(10), value <= .seconds(300) else {
                throw .usage("--timeout must be a duration from 10ms to 5m, e.g. 2s", command: "sweep")
            }
            return value
        } ?? .seconds(5)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(code: .failure, message: "\(path): cannot be read")
        }
        let targets = try parse(String(decoding: data, as: UTF8.self), path: path, timeout: timeout,
                                verifyTLS: !parsed.flag("insecure"), requireStartTLS: parsed.flag("require-starttls"))

        let indexByID = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1.probe.id, $0) })
        let results = Mutex<[Int: Observation]>([:])
        let engine: ProbeEngine
        do {
            engine = try ProbeEngine(probes: targets.map(\.probe), mode: .once, maxInFlight: parallel,
                                     logger: Logger(label: "courtwatch", minimumLevel: .warning)) { outcomes in
                results.withLock { stored in
                    for outcome in outcomes {
                        if let index = indexByID[outcome.observation.probeID] { stored[index] = outcome.observation }
                    }
                }
            }
        } catch {
            throw CommandFailure(code: .failure, message: "cannot start the prober: \(error)")
        }
        engine.start()
        engine.waitUntilFinished()

        let observed = results.withLock { $0 }
        var output = ""
        var allUp = true
        for (index, target) in targets.enumerated() {
            let observation = observed[index]
            let up = observation?.succeeded ?? false
            allUp = allUp && up
            output += "\(target.text) \(up ? "up" : "down")"
            if parsed.flag("verbose") { output += "  \(observation?.summary ?? "no result")" }
            output += "\n"
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        return allUp ? .success : .failure
    }

    /// `NAME@IP`, `NAME@IP:port` or `NAME@[v6]:port`: an A question to that resolver.
    static func dnsCheck(_ target: String) -> DNSCheck? {
        let parts = target.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, DNSName.isValid(parts[0]) else { return nil }
        var host = parts[1]
        var port = 53
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let rest = host[host.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let value = Int(rest.dropFirst()), (1...65535).contains(value) else { return nil }
                port = value
            } else if !rest.isEmpty {
                return nil
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if host.filter({ $0 == ":" }).count == 1 {
            let pieces = host.split(separator: ":")
            guard pieces.count == 2, let value = Int(pieces[1]), (1...65535).contains(value) else { return nil }
            host = String(pieces[0])
            port = value
        }
        guard IPAddressText.isValid(host) else { return nil }
        return DNSCheck(server: ResolverAddress(host: host, port: port), query: parts[0])
    }

    /// Reads the targets file; every bad line is reported as file:line.
    static func parse(_ text: String, path: String, timeout: Duration, verifyTLS: Bool,
                      requireStartTLS: Bool) throws(CommandFailure) -> [Target] {
        var targets: [Target] = []
        var errors: [String] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let words = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let kind = words.first, !kind.hasPrefix("#") else { continue }
            guard words.count >= 2, words.count <= 3 else {
                errors.append("\(path):\(line): expected 'KIND TARGET [up|down]', found '\(rawLine)'")
                continue
            }
            if words.count == 3 && words[2] != "up" && words[2] != "down" {
                errors.append("\(path):\(line): expected state must be up or down, found '\(words[2])'")
                continue
            }
            let target = words[1]
            let check: ProbeCheck
            do {
                switch kind {
                case "http":
                    check = .http(HTTPCheck(url: try Endpoint(parsing: target, allowedSchemes: ["http", "https"]),
                                            expectStatus: StatusCodes([200...299])))
                case "tcp":
                    let url = target.contains("://") ? target : "tcp://" + target
                    check = .tcp(try Endpoint(parsing: url, allowedSchemes: ["tcp"]))
                case "smtp":
                    let url = target.contains("://") ? target : "smtp://" + target
                    check = .smtp(SMTPCheck(url: try Endpoint(parsing: url, allowedSchemes: ["smtp", "smtps"]),
                                            requireTLS: requireStartTLS))
                case "dns":
                    guard let question = dnsCheck(target) else {
                        errors.append("\(path):\(line): '\(target)' is not NAME@RESOLVER-IP[:port]")
                        continue
                    }
                    check = .dns(question)
                case "icmp":
                    guard IPAddressText.isValid(target) else {
                        errors.append("\(path):\(line): '\(target)' is not an IP address")
                        continue
                    }
                    check = .icmp(ICMPCheck(host: target, count: 3, spacing: .milliseconds(100), maxLossPercent: 100))
                default:
                    errors.append("\(path):\(line): unknown kind '\(kind)' (http, tcp, smtp, dns or icmp)")
                    continue
                }
            } catch {
                errors.append("\(path):\(line): \(error.message)")
                continue
            }
            let id = "line-\(targets.count)"
            targets.append(Target(line: line, text: target, probe: ProbeDefinition(
                id: id, name: target, check: check, interval: .seconds(3600), timeout: timeout,
                policy: DetectionPolicy(failuresToDown: 1, successesToUp: 1), verifyTLS: verifyTLS)))
        }
        if !errors.isEmpty {
            throw CommandFailure(code: .dataError, message: "targets file has errors:\n" + errors.joined(separator: "\n"))
        }
        if targets.isEmpty { throw CommandFailure(code: .dataError, message: "\(path): no targets") }
        return targets
    }
}
