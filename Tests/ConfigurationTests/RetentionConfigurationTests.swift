import Configuration
import Monitoring
import TestSupport
import Testing

@Suite struct RetentionConfigurationTests {
    let probe = SiteFixture.probe(id: "cp", url: "http://127.0.0.1:9/")

    func load(_ daemon: String) throws(ConfigurationErrors) -> SiteConfiguration {
        try ConfigurationLoader.load(files: [("courtwatch.conf", daemon), ("site.conf", SiteFixture.siteConf),
                                             ("cp.probe", probe)], directory: "config")
    }

    @Test func defaultsFollowTheResearchNotesAndCanBeChanged() throws {
        let defaults = try load("[Daemon]\nListen=127.0.0.1:8080\n")
        #expect(defaults.daemon.retention == RetentionPolicy())
        #expect(defaults.daemon.retention.rawSamples == .seconds(90 * 86_400))
        #expect(defaults.daemon.retention.incidentLog == .seconds(3 * 365 * 86_400))
        let changed = try load("[Daemon]\nMaxBufferedEvents=5000\n\n[Retention]\nRawSamples=30d\nIncidentLog=2000d\n")
        #expect(changed.daemon.retention.rawSamples == .seconds(30 * 86_400))
        #expect(changed.daemon.retention.incidentLog == .seconds(2000 * 86_400))
        #expect(changed.daemon.maximumBufferedRecords == 5000)
    }

    @Test func badValuesNameTheFileLineAndTheRule() {
        #expect {
            _ = try load("[Retention]\nRawSamples=soon\nIncidentLog=365d\nMinuteRollups=10d\nHourRollups=5d\nColour=red\n")
        } throws: { error in
            let text = "\(error)"
            return text.contains("courtwatch.conf:2") && text.contains("RawSamples")
                && text.contains("courtwatch.conf:3: IncidentLog= must be at least 730 days")
                && text.contains("courtwatch.conf:5: HourRollups= is shorter than MinuteRollups=")
                && text.contains("courtwatch.conf:6") && text.contains("Colour")
        }
    }
}
