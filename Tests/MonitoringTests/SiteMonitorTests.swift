import Monitoring
import TestSupport
import Testing

@Suite struct SiteMonitorTests {
    func probe(_ id: String, dependsOn: [String] = [], reference: Bool = false, system: String? = nil,
               flapDetection: Bool = true) -> ProbeDefinition {
        ProbeDefinition(id: id, name: id, check: .tcp(try! Endpoint(parsing: "tcp://127.0.0.1:1", allowedSchemes: ["tcp"])),
                        system: system, policy: DetectionPolicy(failuresToDown: 3, successesToUp: 2),
                        dependsOn: dependsOn, isReference: reference,
                        flapPolicy: flapDetection ? FlapDetector.Policy() : nil)
    }

    /// Feeds (probe, second, result) in order and collects every action.
    func feed(_ monitor: inout SiteMonitor, _ steps: [(String, Int64, ResultClass)]) -> [ProbeAction] {
        steps.flatMap { monitor.observe(Timeline.result($0.0, $0.1, $0.2)) }
    }

    @Test func aConfirmedOutageOpensOneIncidentDatedFromItsFirstFailureAndRecoveryResolvesIt() {
        var monitor = SiteMonitor(probes: [probe("cp")])
        let actions = feed(&monitor, [("cp", 0, .ok), ("cp", 30, .failed), ("cp", 35, .failed), ("cp", 40, .failed),
                                      ("cp", 70, .failed), ("cp", 100, .ok), ("cp", 105, .ok)])
        #expect(Timeline.transitions(actions) == ["cp:unknown->up", "cp:up->suspect", "cp:suspect->down",
                                                  "cp:down->recovering", "cp:recovering->up"])
        #expect(Timeline.incidents(actions) == ["open cp down", "resolve cp down"])
        let started = actions.compactMap { if case let .openIncident(_, _, startedAt, _, _) = $0 { startedAt } else { nil } }
        #expect(started == [Timeline.at(30)])
    }

    @Test func childrenOfADownGatewayAreUnreachableAndListedOnItsIncident() {
        var monitor = SiteMonitor(probes: [probe("gateway"), probe("cp", dependsOn: ["gateway"]),
                                           probe("dcs", dependsOn: ["gateway"])])
        var steps: [(String, Int64, ResultClass)] = [("gateway", 0, .ok), ("cp", 0, .ok), ("dcs", 0, .ok)]
        // The link drops: the children notice first, then the gateway confirms.
        for second in [10, 12, 14] { steps += [("cp", Int64(second), .failed), ("dcs", Int64(second), .failed)] }
        for second in [15, 17, 19] { steps.append(("gateway", Int64(second), .failed)) }
        let actions = feed(&monitor, steps)
        // cp and dcs asked for the gateway to be checked before calling their own outage.
        #expect(actions.contains(.probeSoon(probeID: "gateway")))
        #expect(Timeline.incidents(actions).sorted() == ["link gateway cp", "link gateway dcs", "open gateway down"])
        #expect(monitor.state(of: "cp")?.state == .unreachable)
        #expect(monitor.state(of: "dcs")?.state == .unreachable)
        // While held they were SUSPECT, never DOWN: no incident of their own.
        #expect(!Timeline.transitions(actions).contains("cp:suspect->down"))
        // The link comes back and the children answer: no child incident ever existed to resolve.
        let recovery = feed(&monitor, [("gateway", 40, .ok), ("gateway", 42, .ok), ("cp", 43, .ok), ("cp", 45, .ok),
                                       ("dcs", 43, .ok), ("dcs", 45, .ok)])
        #expect(Timeline.incidents(recovery) == ["resolve gateway down"])
        #expect(monitor.state(of: "cp")?.state == .up)
    }

    @Test func aChildStillFailingAfterItsParentRecoversGetsItsOwnIncident() {
        var monitor = SiteMonitor(probes: [probe("gateway"), probe("cp", dependsOn: ["gateway"])])
        var steps: [(String, Int64, ResultClass)] = []
        for second in Int64(0)..<3 { steps += [("gateway", second, .failed), ("cp", second, .failed)] }
        steps += [("gateway", 10, .ok), ("gateway", 11, .ok), ("cp", 12, .failed)]
        let actions = feed(&monitor, steps)
        #expect(Timeline.incidents(actions) == ["open gateway down", "link gateway cp", "resolve gateway down",
                                                "open cp down"])
        #expect(actions.contains(.probeSoon(probeID: "cp")))
        #expect(monitor.state(of: "cp")?.state == .down)
    }

    @Test func whenTheProbersOwnUplinkFailsEverythingIsUnknownNotDown() {
        var monitor = SiteMonitor(probes: [probe("uplink-a", reference: true), probe("uplink-b", reference: true),
                                           probe("cp")])
        var steps: [(String, Int64, ResultClass)] = []
        for second in Int64(0)..<4 {
            steps += [("cp", second, .failed), ("uplink-a", second, .failed), ("uplink-b", second, .failed)]
        }
        let actions = feed(&monitor, steps)
        #expect(monitor.state(of: "cp")?.state == .proberOffline)
        #expect(!Timeline.incidents(actions).contains("open cp down"))
        // The uplink returns; cp is still failing, so now it is a real outage.
        #expect(actions.contains(.proberOfflineBegan(at: Timeline.at(2))))
        #expect(!Timeline.incidents(actions).contains { $0.hasPrefix("open uplink") })
        let back = feed(&monitor, [("uplink-a", 10, .ok), ("uplink-a", 11, .ok), ("cp", 12, .failed)])
        #expect(back.contains(.proberOfflineEnded(at: Timeline.at(10))))
        #expect(Timeline.incidents(back) == ["open cp down"])
    }

    /// A restart (or reload) while flapping resumes as flapping with no history; the open FLAPPING incident
    /// must not be resolved by the first steady result, only once a full window of results shows it stopped.
    @Test func flappingCarriedOverARestartEndsOnlyAfterAFullWindow() {
        let definition = probe("cp")
        let window = definition.flapPolicy?.window ?? 0
        var monitor = SiteMonitor(probes: [definition], restored: ["cp": (state: .flapping, since: Timeline.at(0))])
        let early = feed(&monitor, (1..<Int64(window)).map { ("cp", $0, .ok) })
        #expect(Timeline.incidents(early).isEmpty, "resolved after \(Timeline.incidents(early))")
        #expect(monitor.state(of: "cp")?.state == .flapping)
        let full = feed(&monitor, [("cp", Int64(window), .ok)])
        #expect(Timeline.incidents(full) == ["resolve cp flapping"])
        #expect(monitor.state(of: "cp")?.state == .up)

        // Still flapping after the restart: the window fills with changes and the incident stays open.
        var still = SiteMonitor(probes: [definition], restored: ["cp": (state: .flapping, since: Timeline.at(0))])
        let changing = feed(&still, (1...Int64(window * 2)).map { ("cp", $0, $0 % 4 < 2 ? .ok : .failed) })
        #expect(!Timeline.incidents(changing).contains("resolve cp flapping"))
        #expect(still.state(of: "cp")?.state == .flapping)
    }

    @Test func aFlappingProbeOpensOneFlappingIncidentNotMany() {
        var monitor = SiteMonitor(probes: [probe("cp")])
        var steps: [(String, Int64, ResultClass)] = []
        // Up for three, down for three, forty times over: without flap detection, ~40 incidents.
        for cycle in Int64(0)..<40 {
            for offset in Int64(0)..<3 { steps.append(("cp", cycle * 6 + offset, .ok)) }
            for offset in Int64(3)..<6 { steps.append(("cp", cycle * 6 + offset, .failed)) }
        }
        let actions = feed(&monitor, steps)
        let incidents = Timeline.incidents(actions)
        #expect(incidents.filter { $0 == "open cp flapping" }.count == 1)
        #expect(incidents.filter { $0 == "open cp down" }.count <= 3)
        #expect(monitor.state(of: "cp")?.state == .flapping)
        // Steady answers end it and resolve it.
        let steady = feed(&monitor, (0..<30).map { ("cp", 1000 + Int64($0), .ok) })
        #expect(Timeline.incidents(steady) == ["resolve cp flapping"])
        #expect(monitor.state(of: "cp")?.state == .up)
    }

    @Test func failuresInsideAMaintenanceWindowArePlannedAndOpenNoIncident() {
        let window = MaintenanceWindow(name: "platform release", timing: .once(start: Timeline.at(100), end: Timeline.at(200)),
                                       systems: ["common-platform"])
        var monitor = SiteMonitor(probes: [probe("cp", system: "common-platform"), probe("dcs", system: "dcs")],
                                  maintenance: MaintenanceSchedule(windows: [window]))
        var steps: [(String, Int64, ResultClass)] = [("cp", 0, .ok), ("dcs", 0, .ok)]
        for second in stride(from: Int64(100), to: 200, by: 10) { steps += [("cp", second, .failed), ("dcs", second, .failed)] }
        let actions = feed(&monitor, steps)
        #expect(Timeline.incidents(actions) == ["open dcs down"])
        #expect(monitor.state(of: "cp")?.state == .maintenance)
        // After the window a still-failing probe is a real outage.
        let after = feed(&monitor, [("cp", 200, .failed)])
        #expect(Timeline.incidents(after) == ["open cp down"])
    }

    @Test func weeklyWindowsFollowTheSitesLocalTime() throws {
        let schedule = MaintenanceSchedule(
            windows: [MaintenanceWindow(name: "weekly", timing: .weekly(try WeeklySchedule(parsing: "Sun 02:00-05:00")))],
            localTime: FixedOffsetTime(offsetMinutes: 60))
        let sunday0130UTC = Timestamp(iso8601: "2026-11-22T01:30:00Z")!  // 02:30 local
        let sunday0430UTC = Timestamp(iso8601: "2026-11-22T04:30:00Z")!  // 05:30 local
        #expect(schedule.activeWindow(for: probe("cp"), at: sunday0130UTC) != nil)
        #expect(schedule.activeWindow(for: probe("cp"), at: sunday0430UTC) == nil)
    }

    @Test func aRestartKeepsAnOpenIncidentOpenUntilRecoveryIsConfirmed() {
        var monitor = SiteMonitor(probes: [probe("cp")], restored: ["cp": (.down, Timeline.at(0))])
        var actions = feed(&monitor, [("cp", 100, .failed)])
        #expect(Timeline.incidents(actions).isEmpty)
        actions = feed(&monitor, [("cp", 105, .ok), ("cp", 110, .ok)])
        #expect(Timeline.incidents(actions) == ["resolve cp down"])
    }

    /// A year of 30 s results with random outages: every incident opened is resolved once, and the count
    /// equals the number of failure runs long enough to confirm.
    @Test func aYearOfRandomOutagesOpensExactlyOneIncidentPerConfirmedOutage() {
        var generator = SplitMix64(state: 2019)
        var monitor = SiteMonitor(probes: [probe("cp", flapDetection: false)])
        var failing = false
        var failureRun = 0
        var successRun = 0
        var modelOpen = false
        var expected = 0
        var opened = 0
        var resolved = 0
        for step in 0..<(365 * 24 * 120) {
            if generator.next() % 1000 < (failing ? 150 : 2) { failing.toggle() }
            if failing {
                successRun = 0
                failureRun += 1
                if failureRun == 3 && !modelOpen {
                    expected += 1
                    modelOpen = true
                }
            } else {
                failureRun = 0
                successRun += 1
                if modelOpen && successRun == 2 { modelOpen = false }
            }
            for action in monitor.observe(Timeline.result("cp", Int64(step) * 30, failing ? .failed : .ok)) {
                switch action {
                case .openIncident(_, .down, _, _, _): opened += 1
                case .resolveIncident(_, .down, _, _): resolved += 1
                default: break
                }
            }
            if opened - resolved != (modelOpen ? 1 : 0) {
                Issue.record("at step \(step): \(opened) opened, \(resolved) resolved, model says open=\(modelOpen)")
                return
            }
        }
        #expect(opened == expected)
        #expect(opened > 50)
    }
}
