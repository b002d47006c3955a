import Configuration
import Monitoring
import TestSupport
import Testing

/// `[System]` sections of site.conf: continuity rules per system (issue #5).
@Suite struct SystemRulesConfigurationTests {
    let probes = [
        "cp.probe": SiteFixture.probe(id: "cp-app", url: "http://127.0.0.1:1/", extra: "System=common-platform\nCritical=yes"),
        "dcs.probe": SiteFixture.probe(id: "dcs", url: "http://127.0.0.1:2/", extra: "System=dcs"),
        "print.probe": SiteFixture.probe(id: "printer", kind: "tcp", url: "tcp://127.0.0.1:9", extra: "System=printing"),
    ]

    func load(_ systems: String) throws -> SiteConfiguration {
        let directory = TemporaryDirectory()
        directory.write("config/site.conf", SiteFixture.siteConf + systems)
        for (name, text) in probes { directory.write("config/\(name)", text) }
        return try ConfigurationLoader.load(directory: directory.subpath("config"))
    }

    func errors(_ systems: String) -> [String] {
        do {
            _ = try load(systems)
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map { "\($0.file.split(separator: "/").last ?? ""):\($0.line): \($0.message)" }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func readsEveryKeyOfASystemSection() throws {
        let configuration = try load("""
            [System]
            ID=common-platform
            Name=Common Platform
            Criticality=critical
            RTO=30m
            MTPD=4h
            Hours=Mon-Fri 09:30-16:30
            CriticalMoments=Mon-Fri 15:30 custody handover cut-off
            CriticalMoments=Mon-Fri 16:00 EM notifications sent
            AutoInvoke=yes
            GreenFor=20m

            """)
        let rule = try #require(configuration.systems.first)
        #expect(configuration.systems.count == 1)
        #expect(rule.id == "common-platform")
        #expect(rule.name == "Common Platform")
        #expect(rule.criticality == .critical)
        #expect(rule.recoveryTimeObjective == .seconds(1800))
        #expect(rule.maximumTolerableDisruption == .seconds(4 * 3600))
        #expect(rule.hours == .schedule(try WeeklySchedule(parsing: "Mon-Fri 09:30-16:30")))
        #expect(rule.criticalMoments.map(\.label) == ["custody handover cut-off", "EM notifications sent"])
        #expect(rule.criticalMoments.first?.weekdays == [1, 2, 3, 4, 5])
        #expect(rule.criticalMoments.first?.clockText == "15:30")
        #expect(rule.autoInvoke)
        #expect(rule.greenFor == .seconds(1200))
        #expect(rule.source?.line == 6)
    }

    @Test func systemsWithProbesButNoSectionGetTheDocumentedDefaults() throws {
        let configuration = try load("[System]\nID=printing\nCriticality=low\nHours=always\n")
        let rules = Dictionary(uniqueKeysWithValues: configuration.continuityRules.map { ($0.id, $0) })
        #expect(rules.keys.sorted() == ["common-platform", "dcs", "printing"])
        #expect(rules["printing"]?.criticality == .low)
        #expect(rules["printing"]?.hours == .always)
        // cp-app is Critical=yes, so its system defaults to high; dcs has no critical probe: medium.
        #expect(rules["common-platform"]?.criticality == .high)
        #expect(rules["dcs"]?.criticality == .medium)
        for id in ["common-platform", "dcs"] {
            #expect(rules[id]?.recoveryTimeObjective == .seconds(3600))
            #expect(rules[id]?.maximumTolerableDisruption == .seconds(4 * 3600))
            #expect(rules[id]?.hours == .business)
            #expect(rules[id]?.autoInvoke == false)
            #expect(rules[id]?.greenFor == .seconds(900))
            #expect(rules[id]?.source == nil)
        }
    }

    @Test func badValuesAreReportedWithFileAndLine() {
        // The site.conf fixture is 5 lines; the section starts on line 6.
        let found = errors("""
            [System]
            ID=common-platform
            Criticality=vital
            RTO=soon
            MTPD=0s
            Hours=weekdays
            CriticalMoments=15:30 cut-off
            CriticalMoments=Mon-Fri 25:00 cut-off
            AutoInvoke=perhaps
            Owner=someone

            """)
        #expect(found == [
            "site.conf:8: Criticality=vital is not one of critical, high, medium, low",
            "site.conf:9: RTO=soon is not a duration (examples: 500ms, 30s, 5m, 1h)",
            "site.conf:10: MTPD=0s is out of range (1m to 7d)",
            "site.conf:11: Hours=weekdays: 'weekdays' is not a day or day range (use Mon, Tue, ... Sun, or Mon-Fri) (or use business or always)",
            "site.conf:12: CriticalMoments=15:30 cut-off: '15:30 cut-off' is not DAYS HH:MM WHAT, e.g. Mon-Fri 15:30 custody handover cut-off",
            "site.conf:13: CriticalMoments=Mon-Fri 25:00 cut-off: '25:00' is not a time of day such as 15:30",
            "site.conf:14: AutoInvoke=perhaps is not yes or no",
            "site.conf:15: unknown key Owner= in [System]; known keys: AutoInvoke, CriticalMoments, Criticality, GreenFor, Hours, ID, MTPD, Name, RTO",
        ])
    }

    @Test func anRTOLongerThanTheMTPDIsRefused() {
        #expect(errors("[System]\nID=dcs\nRTO=5h\nMTPD=4h\n") == [
            "site.conf:8: RTO=5h is longer than MTPD=4h; the recovery time objective must sit inside the maximum "
                + "tolerable period of disruption",
        ])
    }

    @Test func aSystemNoProbeNamesAndDuplicatesAreRefused() {
        #expect(errors("[System]\nID=xhibit\n\n[System]\nID=dcs\n\n[System]\nID=dcs\n") == [
            "site.conf:6: [System] ID=xhibit is not the System= of any probe (known: common-platform, dcs, printing)",
            "site.conf:12: [System] ID=dcs is defined twice (first at line 9)",
        ])
        #expect(errors("[System]\nName=No ID\n") == ["site.conf:6: [System] needs ID="])
    }
}
