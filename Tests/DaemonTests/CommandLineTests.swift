@testable import Daemon
import FailureLog
import Foundation
import Monitoring
import TestSupport
import Web
import Testing

@Suite struct CommandLineTests {
    @Test func helpIsAvailableOnEveryLevel() throws {
        for arguments in [["--help"], ["run", "--help"], ["demo", "--help"], ["check-config", "--help"],
                          ["status", "--help"], ["log", "--help"], ["log", "verify", "--help"]] {
            let result = try CourtwatchProcess.run(arguments)
            #expect(result.code == 0, "courtwatch \(arguments.joined(separator: " "))")
            #expect(result.stdout.contains("USAGE: courtwatch"), "courtwatch \(arguments.joined(separator: " "))")
        }
    }

    @Test func badUsageExitsSixtyFourAndSaysWhy() throws {
        let cases: [([String], String)] = [
            ([], ""),
            (["frobnicate"], "courtwatch: unknown command 'frobnicate'"),
            (["status", "--colour"], "courtwatch: unknown option '--colour'"),
            (["status", "--state"], "courtwatch: --state needs a value"),
            (["log"], "courtwatch: log needs an action: verify"),
            (["log", "shred"], "courtwatch: unknown log action 'shred'"),
            (["run", "--log-level", "loud", "--config", packageRoot + "/Probes/demo"],
             "courtwatch: --log-level must be one of error, warning, notice, info, debug"),
        ]
        for (arguments, message) in cases {
            let result = try CourtwatchProcess.run(arguments)
            #expect(result.code == 64, "courtwatch \(arguments.joined(separator: " "))")
            #expect(result.stderr.hasPrefix(message), "courtwatch \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    @Test func checkConfigPassesTheShippedConfigurations() throws {
        for directory in ["Probes/demo", "Probes/examples/leicester"] {
            let result = try CourtwatchProcess.run(["check-config", "--config", packageRoot + "/" + directory])
            #expect(result.code == 0, "\(directory): \(result.stderr)")
            #expect(result.stdout.contains(": OK — site "))
        }
    }

    @Test func checkConfigReportsEveryErrorWithFileAndLineAndExitsSixtyFive() throws {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: [
            "a.probe": SiteFixture.probe(id: "a", url: "http://127.0.0.1:1/", interval: "soon"),
            "b.probe": SiteFixture.probe(id: "a", url: "http://127.0.0.1:1/"),
        ])
        let result = try CourtwatchProcess.run(["check-config", "--config", config])
        #expect(result.code == 65)
        #expect(result.stderr.contains("\(config)/a.probe:6: Interval=soon is not a duration"))
        #expect(result.stderr.contains("\(config)/b.probe:1: duplicate probe ID 'a'"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingConfigurationDirectoryIsNamed() throws {
        let result = try CourtwatchProcess.run(["check-config", "--config", "/nonexistent/courtwatch"])
        #expect(result.code == 65)
        #expect(result.stderr.contains("/nonexistent/courtwatch: configuration directory does not exist"))
    }

    @Test func statusWithoutAFailureLogSaysSo() throws {
        let directory = TemporaryDirectory()
        let result = try CourtwatchProcess.run(["status", "--state", directory.path])
        #expect(result.code == 1)
        #expect(result.stderr.contains("no failure log here (failure-log.sqlite is missing)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func theBuiltInDemoMatchesProbesDemo() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/Probes/demo").sorted()
        #expect(EmbeddedDemo.files.map(\.name) == names, "run `make embed-demo` after editing Probes/demo")
        for file in EmbeddedDemo.files {
            let onDisk = try String(contentsOfFile: packageRoot + "/Probes/demo/" + file.name, encoding: .utf8)
            #expect(file.text == onDisk, "Probes/demo/\(file.name) differs from the built-in copy; run `make embed-demo`")
        }
    }

    /// `courtwatch demo` makes a fresh ops token each run, in a 0600 file in its state directory, that signs in.
    @Test func theDemoMakesAnOpsTokenThatSignsIn() throws {
        let directory = TemporaryDirectory()
        let state = directory.subpath("demo-state")
        let first = try CommandLineTool.demoToken(stateDirectory: state)
        let second = try CommandLineTool.demoToken(stateDirectory: state)
        #expect(first.file == state + "/demo-tokens")
        #expect(first.token != second.token)
        let store = try TokenStore(path: second.file)
        #expect(store.authenticate(second.token) == Principal(role: .ops, subject: "demo-ops"))
        #expect(store.authenticate(first.token) == nil, "each run replaces the last run's token")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: second.file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test func recentEventsReadAsSentences() {
        func line(_ kind: String, _ probe: String?, _ payload: String) -> String {
            StatusSnapshot.describe(StoredEvent(seq: 1, at: Timestamp(millisecondsSinceEpoch: 0), kind: kind,
                                                probeID: probe, payload: payload))
        }
        #expect(line("probe.transition", "cp", #"{"cause":"ok","from":"down","note":"site-gateway is DOWN","to":"unreachable"}"#)
                == "cp: DOWN → UNREACHABLE (site-gateway is DOWN)")
        #expect(line("incident.resolved", "cp", #"{"kind":"down","reason":"recovered: HTTP 200 in 3 ms"}"#)
                == "incident resolved: cp — recovered: HTTP 200 in 3 ms")
        #expect(line("incident.child-linked", "cp", #"{"incident":4,"parent":"site-gateway"}"#)
                == "cp listed on site-gateway's incident (cannot be checked behind it)")
        #expect(line("user.report", nil, #"{"by":"s001","system":"common-platform"}"#)
                == "staff report: common-platform not working for s001")
    }

    @Test func latenciesKeepATenthOfAMillisecondBelowTen() {
        #expect(StatusSnapshot.latency(412) == "0.4 ms")
        #expect(StatusSnapshot.latency(9_999) == "9.9 ms")
        #expect(StatusSnapshot.latency(1_502_000) == "1502 ms")
    }

    @Test func sweepTargetsCoverEveryActiveKindAndNameBadLines() throws {
        let text = """
            # comment
            http http://127.0.0.1:1/ up
            dns cp.example.invalid@127.0.0.1:5353
            dns cp.example.invalid@[::1]
            icmp 127.0.0.1 up
            """
        let targets = try SweepCommand.parse(text, path: "t.txt", timeout: .seconds(1), verifyTLS: true,
                                             requireStartTLS: false)
        #expect(targets.map(\.probe.check.kindName) == ["http", "dns", "dns", "icmp"])
        guard case .dns(let v4) = targets[1].probe.check, case .dns(let v6) = targets[2].probe.check else {
            Issue.record("expected dns checks")
            return
        }
        #expect(v4.server == ResolverAddress(host: "127.0.0.1", port: 5353))
        #expect(v6.server == ResolverAddress(host: "::1", port: 53))
        #expect(v4.query == "cp.example.invalid")
        do {
            _ = try SweepCommand.parse("dns nameonly\nicmp gateway.example.invalid\nftp x", path: "t.txt",
                                       timeout: .seconds(1), verifyTLS: true, requireStartTLS: false)
            Issue.record("bad lines must be refused")
        } catch {
            #expect(error.code == .dataError)
            #expect(error.message == """
                targets file has errors:
                t.txt:1: 'nameonly' is not NAME@RESOLVER-IP[:port]
                t.txt:2: 'gateway.example.invalid' is not an IP address
                t.txt:3: unknown kind 'ftp' (http, tcp, smtp, dns or icmp)
                """)
        }
    }
}
