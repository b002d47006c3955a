import FailureLog
import Foundation
import Monitoring
import SimulatedSite
import SQLite
import TestSupport
import Testing

/// `courtwatch continuity ...` with the built binary on a real failure log, with and without the daemon.
@Suite struct ContinuityCommandTests {
    static let systems = """
        [System]
        ID=common-platform
        Name=Common Platform
        Criticality=critical
        RTO=30m
        MTPD=8h
        Hours=always

        """

    /// A configuration whose probes point at `port` (a server that is up, or nothing at all).
    static func configuration(in directory: TemporaryDirectory, port: Int, systems: String = systems) -> String {
        directory.write("config/site.conf", SiteFixture.siteConf + systems)
        directory.write("config/cp.probe", SiteFixture.probe(id: "cp-app", url: "http://127.0.0.1:\(port)/",
                                                              extra: "System=common-platform\nCritical=yes"))
        directory.write("config/cjsm.probe", SiteFixture.probe(id: "cjsm-smtp", kind: "tcp", url: "tcp://127.0.0.1:\(port)",
                                                                extra: "System=cjsm"))
        return directory.subpath("config")
    }

    /// Opens an incident the way `courtwatch incidents open` does, started some minutes ago.
    static func openIncident(state: String, system: String, startedMinutesAgo: Int64, planned: Bool = false) throws {
        let session = try LogSession(store: FailureLogStore(stateDirectory: state))
        defer { session.close() }
        let started = Timestamp.now + .seconds(-startedMinutesAgo * 60)
        try session.write { transaction in
            try transaction.openManualIncident(
                ManualIncident(site: "test-site", systems: [system], title: "\(system) not working", by: "ops",
                               impact: .major, planned: planned, startedAt: started), at: .now)
        }
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func invokeShowStandDownRefusedWithOpenItemsThenOverride() throws {
        let directory = TemporaryDirectory("courtwatch-continuity")
        let config = Self.configuration(in: directory, port: 1)
        let state = directory.subpath("state")
        let common = ["--config", config, "--state", state]
        try Self.openIncident(state: state, system: "common-platform", startedMinutesAgo: 45)

        let before = try CourtwatchProcess.run(["continuity", "status", "--json"] + common)
        #expect(before.code == 0, "\(before.stderr)")
        let recommendation = Self.json(before.stdout)["recommendation"] as? [String: Any]
        #expect(recommendation?["level"] as? String == "contingency")
        let why = (recommendation?["why"] as? [String])?.first ?? ""
        #expect(why.hasPrefix("Common Platform has been down for 4"), "\(why)")
        #expect(why.hasSuffix("its RTO is 30 minutes: switch to paper (CONTINGENCY)"), "\(why)")
        #expect(Self.json(before.stdout)["level"] as? String == "normal")

        let invoke = try CourtwatchProcess.run(["continuity", "invoke", "--site", "test-site", "--by", "A. Lead",
                                                "--reason", "Common Platform down since 09:00"] + common)
        #expect(invoke.code == 0, "\(invoke.stderr)")
        #expect(invoke.stdout.contains("test-site: CONTINGENCY invoked by A. Lead (invocation #1)"))
        let again = try CourtwatchProcess.run(["continuity", "invoke", "--site", "test-site", "--by", "B",
                                               "--reason", "again"] + common)
        #expect(again.code == 65)
        #expect(again.stderr.contains("test-site is already in CONTINGENCY since "))
        #expect(again.stderr.contains("invoked by A. Lead: Common Platform down since 09:00"))

        let shown = try CourtwatchProcess.run(["continuity", "status", "--site", "test-site"] + common)
        #expect(shown.code == 0)
        #expect(shown.stdout.contains("Level:        CONTINGENCY since "))
        #expect(shown.stdout.contains("invoked by A. Lead: Common Platform down since 09:00 (invocation #1)"))
        #expect(shown.stdout.contains("Stand-down checklist (7 of 7 open):"))
        #expect(shown.stdout.contains("[ ] probes-green: Probes green (computed) — Common Platform is not green"))

        let refused = try CourtwatchProcess.run(["continuity", "stand-down", "--site", "test-site", "--by", "A. Lead",
                                                 "--reason", "Common Platform back"] + common)
        #expect(refused.code == 65)
        #expect(refused.stderr.contains("stand-down refused: 7 checklist items are open:"))
        for item in ["probes-green", "transaction-confirmed", "forms-reconciled", "partner-em", "partner-custody",
                     "partner-probation", "partner-police"] {
            #expect(refused.stderr.contains("  \(item): "), "\(item) not named: \(refused.stderr)")
        }

        let check = try CourtwatchProcess.run(["continuity", "check", "--site", "test-site", "--item",
                                               "transaction-confirmed", "--by", "B. Clerk",
                                               "--note", "signed in and resulted a hearing"] + common)
        #expect(check.code == 0, "\(check.stderr)")
        #expect(check.stdout.contains("transaction-confirmed recorded by B. Clerk (invocation #1)"))
        let computed = try CourtwatchProcess.run(["continuity", "check", "--site", "test-site", "--item", "probes-green",
                                                  "--by", "B. Clerk"] + common)
        #expect(computed.code == 64)
        #expect(computed.stderr.contains("probes-green is computed from the probes, not recorded"))
        let unknown = try CourtwatchProcess.run(["continuity", "check", "--site", "test-site", "--item", "tea",
                                                 "--by", "B. Clerk"] + common)
        #expect(unknown.code == 64)
        #expect(unknown.stderr.contains("--item tea is not a checklist item (one of: transaction-confirmed, "))

        let stillRefused = try CourtwatchProcess.run(["continuity", "stand-down", "--site", "test-site", "--by", "A. Lead",
                                                      "--reason", "Common Platform back"] + common)
        #expect(stillRefused.code == 65)
        #expect(stillRefused.stderr.contains("6 checklist items are open"))
        #expect(!stillRefused.stderr.contains("transaction-confirmed"))

        let overridden = try CourtwatchProcess.run(["continuity", "stand-down", "--site", "test-site", "--by", "A. Lead",
                                                    "--reason", "Common Platform back",
                                                    "--override", "duty manager accepts; partners called"] + common)
        #expect(overridden.code == 0, "\(overridden.stderr)")
        #expect(overridden.stdout.contains("stood down to NORMAL by A. Lead (invocation #1). Overridden open items: "
                                           + "probes-green, forms-reconciled, partner-em"))
        let after = Self.json(try CourtwatchProcess.run(["continuity", "status", "--json"] + common).stdout)
        #expect(after["level"] as? String == "normal")
        #expect(after["invocation"] is NSNull)

        // Every change is an event; the chain verifies.
        let reader = try LogReader(store: FailureLogStore(stateDirectory: state))
        let events = try reader.recentEvents(kinds: [EventKind.continuityInvoked, EventKind.continuityLevel,
                                                     EventKind.continuityChecklist, EventKind.continuityStoodDown],
                                             limit: 10).reversed()
        #expect(events.map(\.kind) == ["continuity.invoked", "continuity.level", "continuity.checklist",
                                       "continuity.stood-down", "continuity.level"])
        let invoked = Self.json(events.first?.payload ?? "")
        #expect(invoked["by"] as? String == "A. Lead")
        #expect(invoked["systems"] as? [String] == ["common-platform"])
        #expect(invoked["recommended"] as? String == "contingency")
        #expect(invoked["auto"] as? Bool == false)
        let stoodDown = Self.json(events.dropLast().last?.payload ?? "")
        #expect(stoodDown["override"] as? String == "duty manager accepts; partners called")
        #expect((stoodDown["open_items"] as? [String])?.first == "probes-green")
        let level = Self.json(events.last?.payload ?? "")
        #expect(level["level"] as? String == "normal")
        #expect(level["previous"] as? String == "contingency")
        let verify = try CourtwatchProcess.run(["log", "verify", "--state", state])
        #expect(verify.code == 0, "\(verify.stdout)")
    }

    @Test func badRequestsAreRefusedWithTheReason() throws {
        let directory = TemporaryDirectory("courtwatch-continuity")
        let config = Self.configuration(in: directory, port: 1)
        let common = ["--config", config, "--state", directory.subpath("state")]
        let cases: [([String], Int32, String)] = [
            (["continuity"], 64, "continuity needs an action"),
            (["continuity", "invoke", "--site", "test-site", "--reason", "x"], 64, "--by is required"),
            (["continuity", "invoke", "--site", "test-site", "--by", "x", "--reason", "x", "--level", "watch"], 64,
             "--level must be contingency or major, not 'watch'"),
            (["continuity", "invoke", "--site", "elsewhere", "--by", "x", "--reason", "x"], 65,
             "unknown site 'elsewhere': this configuration watches 'test-site'"),
            (["continuity", "stand-down", "--site", "test-site", "--by", "x", "--reason", "x"], 65,
             "test-site is not in contingency: there is nothing to stand down"),
            (["continuity", "check", "--site", "test-site", "--item", "partner-em", "--by", "x"], 65,
             "checklist items belong to an invocation"),
        ]
        for (arguments, code, message) in cases {
            let result = try CourtwatchProcess.run(arguments + (arguments.count > 1 ? common : []))
            #expect(result.code == code, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try CourtwatchProcess.run(["continuity", "--help"]).stdout.contains("USAGE: courtwatch continuity"))
    }

    @Test func theDaemonRecommendsPaperModeAndAutoInvokesWhereAllowed() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "ok") }
        defer { server.stop() }
        let directory = TemporaryDirectory("courtwatch-continuity-daemon")
        let config = Self.configuration(in: directory, port: Int(server.port), systems: Self.systems + """
            [System]
            ID=cjsm
            Name=CJSM
            Criticality=critical
            RTO=1h
            MTPD=8h
            Hours=always
            AutoInvoke=yes

            """)
        let state = directory.subpath("state")
        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        func status() throws -> [String: Any] {
            Self.json(try CourtwatchProcess.run(["status", "--state", state, "--json"]).stdout)
        }
        #expect(try eventually(timeout: .seconds(20)) { (try status()["continuity"] as? [String: Any]) != nil },
                "no status: \(daemon.standardError)")

        // Common Platform (AutoInvoke=no) down past its RTO: recommended, not invoked; a banner says so.
        try Self.openIncident(state: state, system: "common-platform", startedMinutesAgo: 40)
        let recommended = try eventually(timeout: .seconds(15)) {
            (try status()["continuity"] as? [String: Any])?["recommended_level"] as? String == "contingency"
        }
        #expect(recommended, "no recommendation: \(daemon.standardError)")
        let continuity = try status()["continuity"] as? [String: Any]
        #expect(continuity?["level"] as? String == "normal")
        #expect((continuity?["why"] as? [String])?.first?.contains("its RTO is 30 minutes: switch to paper") == true)
        let table = try CourtwatchProcess.run(["status", "--state", state])
        #expect(table.stdout.contains("*** PAPER MODE RECOMMENDED (CONTINGENCY): Common Platform has been down for 40"))

        // CJSM (AutoInvoke=yes) too: two critical systems make it MAJOR, and courtwatch invokes it.
        try Self.openIncident(state: state, system: "cjsm", startedMinutesAgo: 65)
        let invoked = try eventually(timeout: .seconds(15)) {
            (try status()["continuity"] as? [String: Any])?["level"] as? String == "major"
        }
        #expect(invoked, "not invoked: \(daemon.standardError)")
        let major = try status()["continuity"] as? [String: Any]
        let invocation = major?["invocation"] as? [String: Any]
        #expect(invocation?["by"] as? String == "courtwatch")
        #expect(invocation?["auto"] as? Bool == true)
        #expect((invocation?["reason"] as? String)?.hasPrefix("AutoInvoke=yes for CJSM: 2 critical systems") == true)
        #expect(try CourtwatchProcess.run(["status", "--state", state]).stdout
                .contains("*** MAJOR (paper mode, escalated) since "))

        // The CLI reads and writes beside the running daemon.
        let common = ["--config", config, "--state", state]
        let check = try CourtwatchProcess.run(["continuity", "check", "--site", "test-site", "--item", "partner-em",
                                               "--by", "B. Clerk", "--note", "supplier acknowledged by phone"] + common)
        #expect(check.code == 0, "\(check.stderr)")
        let shown = Self.json(try CourtwatchProcess.run(["continuity", "status", "--json"] + common).stdout)
        #expect(shown["level"] as? String == "major")
        #expect((shown["invocation"] as? [String: Any])?["by"] as? String == "courtwatch")
        #expect((shown["open_items"] as? [String])?.contains("partner-em") == false)
        #expect((shown["open_items"] as? [String])?.contains("probes-green") == true)

        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)
        // One recommendation event per change, not one per evaluation.
        let reader = try LogReader(store: FailureLogStore(stateDirectory: state))
        let recommendations = try reader.recentEvents(kinds: [EventKind.continuityRecommendation], limit: 10)
        #expect(recommendations.map { Self.json($0.payload)["level"] as? String } == ["major", "contingency"])
        #expect(try CourtwatchProcess.run(["log", "verify", "--state", state]).code == 0)
    }

    @Test func aReloadedRuleAppliesAtOnce() throws {
        let server = try LoopbackServer { _ in .http(status: 200, body: "ok") }
        defer { server.stop() }
        let directory = TemporaryDirectory("courtwatch-continuity-reload")
        let patient = Self.systems.replacingOccurrences(of: "RTO=30m", with: "RTO=2h")
        let config = Self.configuration(in: directory, port: Int(server.port), systems: patient)
        let state = directory.subpath("state")
        let daemon = try CourtwatchProcess(["run", "--config", config, "--state", state])
        func recommended() throws -> String? {
            let status = Self.json(try CourtwatchProcess.run(["status", "--state", state, "--json"]).stdout)
            return (status["continuity"] as? [String: Any])?["recommended_level"] as? String
        }
        #expect(try eventually(timeout: .seconds(20)) { try recommended() != nil }, "\(daemon.standardError)")
        try Self.openIncident(state: state, system: "common-platform", startedMinutesAgo: 40)
        #expect(try eventually(timeout: .seconds(15)) { try recommended() == "degraded" }, "\(daemon.standardError)")

        directory.write("config/site.conf", SiteFixture.siteConf + Self.systems)
        daemon.signal(SIGHUP)
        #expect(try eventually(timeout: .seconds(15)) { try recommended() == "contingency" }, "\(daemon.standardError)")
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: .seconds(10)) == 0)
    }
}
