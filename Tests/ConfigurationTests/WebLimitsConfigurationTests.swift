import Configuration
import TestSupport
import Testing

/// The web server's limits that courtwatch.conf sets.
@Suite struct WebLimitsConfigurationTests {
    let probe = SiteFixture.probe(id: "cp", url: "http://127.0.0.1:9/")

    func load(_ daemon: String) throws(ConfigurationErrors) -> SiteConfiguration {
        try ConfigurationLoader.load(files: [("courtwatch.conf", daemon), ("site.conf", SiteFixture.siteConf),
                                             ("cp.probe", probe)], directory: "config")
    }

    @Test func connectionsPerClientDefaultTo32AndCanBeChanged() throws {
        #expect(try load("[Daemon]\nListen=127.0.0.1:8080\n").daemon.maximumConnectionsPerClient == 32)
        #expect(try load("[Daemon]\nMaxConnectionsPerClient=4\n").daemon.maximumConnectionsPerClient == 4)
    }

    @Test func aBadConnectionsPerClientNamesTheFileAndLine() {
        #expect {
            _ = try load("[Daemon]\nListen=127.0.0.1:8080\nMaxConnectionsPerClient=0\n")
        } throws: { error in
            "\(error)".contains("courtwatch.conf:3: MaxConnectionsPerClient=0 is not a whole number from 1 to 100000")
        }
    }
}
