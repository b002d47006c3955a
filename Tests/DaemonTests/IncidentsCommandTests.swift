import Foundation
import TestSupport
import Testing

/// `courtwatch incidents ...` with the built binary: what an operator types, what they see, and exit codes.
@Suite struct IncidentsCommandTests {
    let config = packageRoot + "/Probes/demo"

    func courtwatch(_ arguments: [String]) throws -> (code: Int32?, stdout: String, stderr: String) {
        try CourtwatchProcess.run(arguments)
    }

    @Test func anOperatorOpensAcknowledgesAndResolvesAnIncidentAndTheChainVerifies() throws {
        let state = TemporaryDirectory().path
        let opened = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                     "--system", "common-platform", "--by", "J. Ops", "--text", "CP sign-in failing",
                                     "--ticket", "INC0012345", "--json"])
        #expect(opened.code == 0, "\(opened.stderr)")
        #expect(opened.stdout.contains(#""incident":1"#))
        #expect(try courtwatch(["incidents", "ack", "1", "--state", state, "--by", "J. Ops", "--for", "2h"]).code == 0)
        let unresolvable = try courtwatch(["incidents", "resolve", "1", "--state", state, "--by", "J. Ops"])
        #expect(unresolvable.code == 64)
        #expect(unresolvable.stderr.contains("--text is required"))
        #expect(try courtwatch(["incidents", "resolve", "1", "--state", state, "--by", "J. Ops",
                                "--text", "supplier fixed SSO"]).code == 0)
        let again = try courtwatch(["incidents", "ack", "1", "--state", state, "--by", "x"])
        #expect(again.code == 65)
        #expect(again.stderr.contains("already resolved"))
        let shown = try courtwatch(["incidents", "show", "1", "--state", state])
        #expect(shown.stdout.contains("Tickets:   INC0012345"))
        #expect(shown.stdout.contains("acknowledged by J. Ops"))
        #expect(shown.stdout.contains("resolved [resolved] by J. Ops: supplier fixed SSO"))
        let verify = try courtwatch(["log", "verify", "--state", state])
        #expect(verify.code == 0)
        #expect(verify.stdout.contains("OK: 4 events verify"))
    }

    @Test func backRecordingNeedsASourceAndIsMarkedInListsAndJSON() throws {
        let state = TemporaryDirectory().path
        let noSource = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                       "--system", "network", "--by", "Site lead", "--text", "WAN down",
                                       "--started-at", "2026-11-20T09:15:00Z"])
        #expect(noSource.code == 64)
        #expect(noSource.stderr.contains("--source"))
        let badTime = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                      "--system", "network", "--by", "Site lead", "--text", "WAN down",
                                      "--started-at", "20/11/2026 09:15", "--source", "paper log"])
        #expect(badTime.code == 64)
        #expect(badTime.stderr.contains("not an ISO 8601 time"))
        let opened = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                     "--system", "network", "--by", "Site lead", "--text", "WAN down",
                                     "--started-at", "2026-11-20T09:15:00Z", "--resolved-at", "2026-11-20T11:40:00+00:00",
                                     "--source", "site paper IT-failure log", "--impact", "critical"])
        #expect(opened.code == 0, "\(opened.stderr)")
        let list = try courtwatch(["incidents", "list", "--state", state])
        #expect(list.stdout.contains("[back-recorded]"))
        #expect(list.stdout.contains("2h25m"))
        let json = try courtwatch(["incidents", "list", "--state", state, "--json", "--from", "2026-11-20T00:00:00Z",
                                   "--to", "2026-11-21T00:00:00Z", "--system", "network"])
        #expect(json.stdout.contains(#""origin":"back-recorded""#))
        #expect(json.stdout.contains(#""source":"site paper IT-failure log""#))
        #expect(json.stdout.contains(#""duration_s":8700"#))
    }

    @Test func unknownSitesSystemsAndIncidentsAreRefusedByName() throws {
        let state = TemporaryDirectory().path
        let site = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "nowhere",
                                   "--system", "network", "--by", "x", "--text", "t"])
        #expect(site.code == 65)
        #expect(site.stderr.contains("unknown site 'nowhere' (known: demo-crown)"))
        let system = try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                     "--system", "xhibit", "--by", "x", "--text", "t"])
        #expect(system.code == 65)
        #expect(system.stderr.contains("unknown system 'xhibit' (known: common-platform, dcs, network)"))
        #expect(try courtwatch(["incidents", "open", "--state", state, "--config", config, "--site", "demo-crown",
                                "--system", "dcs", "--by", "x", "--text", "t"]).code == 0)
        let missing = try courtwatch(["incidents", "note", "7", "--state", state, "--by", "x", "--text", "t"])
        #expect(missing.code == 65)
        #expect(missing.stderr.contains("there is no incident 7"))
        #expect(try courtwatch(["incidents", "frobnicate"]).code == 64)
        #expect(try courtwatch(["incidents", "status", "1", "--state", state, "--by", "x", "--status", "resolved"]).code == 64)
    }
}
