import Monitoring
import Testing

@Suite struct FaultLocationTests {
    func view(_ id: String, _ name: String, system: String?, _ state: ProbeState, at minute: Int64 = 552,
              result: String? = nil, dependsOn: [String] = [], reference: Bool = false) -> FaultLocation.ProbeView {
        FaultLocation.ProbeView(id: id, name: name, system: system, state: state,
                                since: Timestamp(millisecondsSinceEpoch: minute * 60_000), lastResult: result,
                                dependsOn: dependsOn, isReference: reference)
    }

    func clock(_ time: Timestamp) -> String {
        let minutes = time.millisecondsSinceEpoch / 60_000 % 1440
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(minutes / 60)):\(two(minutes % 60))"
    }

    @Test func aDownGatewayIsTheSitesNetworkLinkWithTheChecksBehindIt() {
        let sentences = FaultLocation.sentences([
            view("site-gateway", "Site gateway", system: "network", .down, result: "connect: refused"),
            view("cp-signin", "Common Platform sign-in", system: "common-platform", .unreachable, dependsOn: ["site-gateway"]),
            view("dcs", "DCS landing page", system: "dcs", .unreachable, dependsOn: ["site-gateway"]),
        ], clock: clock)
        #expect(sentences == [
            "This site's network link is down (Site gateway unreachable since 09:12); 2 checks behind it cannot be made: "
                + "Common Platform sign-in, DCS landing page.",
        ])
    }

    @Test func signInFailingWhileTheApplicationAnswersIsSaidSo() {
        let sentences = FaultLocation.sentences([
            view("cp-signin", "Common Platform sign-in", system: "common-platform", .down,
                 result: "http-status: HTTP 503 (expected 200)"),
            view("cp-app", "the application page", system: "common-platform", .up),
        ], clock: clock)
        #expect(sentences == [
            "Common Platform sign-in is failing since 09:12 (HTTP 503 (expected 200)); the application page answers.",
        ])
    }

    @Test func secureEmailWithoutSTARTTLSNamesTheReason() {
        let sentences = FaultLocation.sentences([
            view("cjsm-smtp", "CJSM gateway", system: "cjsm", .down,
                 result: "starttls-refused: STARTTLS is required but the server did not offer it (curl 64)"),
        ], clock: clock)
        #expect(sentences == ["Secure email (CJSM) is down since 09:12 (STARTTLS not offered by the server: "
                              + "STARTTLS is required but the server did not offer it (curl 64))."])
    }

    @Test func aCutOffProberIsNotAnOutage() {
        let sentences = FaultLocation.sentences([
            view("uplink", "courtwatch uplink", system: nil, .down, reference: true),
            view("cp", "Common Platform sign-in", system: "common-platform", .proberOffline),
        ], clock: clock)
        #expect(sentences.first?.hasPrefix("courtwatch itself is cut off since 09:12") == true)
        #expect(sentences.first?.hasSuffix("This is not recorded as downtime.") == true)
        #expect(sentences.count == 1)
    }

    @Test func quietSitesSaySoAndSlowOnesAreNamed() {
        #expect(FaultLocation.sentences([view("a", "A", system: nil, .up)], clock: clock) == ["Every system that is checked answers."])
        #expect(FaultLocation.sentences([view("a", "A", system: nil, .unknown)], clock: clock) == ["No results yet."])
        #expect(FaultLocation.sentences([view("v", "Video join page", system: "cvp", .degraded,
                                              result: "slow: answered in 2300 ms; MaxLatency=1s")], clock: clock)
                == ["Video join page is slow since 09:12 (answered in 2300 ms; MaxLatency=1s)."])
    }
}
