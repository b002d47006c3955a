import Configuration
import TestSupport
import Testing

@Suite struct WebSessionConfigurationTests {
    let probe = SiteFixture.probe(id: "cp", url: "http://127.0.0.1:9/")

    func load(_ daemon: String) throws(ConfigurationErrors) -> SiteConfiguration {
        try ConfigurationLoader.load(files: [("courtwatch.conf", daemon), ("site.conf", SiteFixture.siteConf),
                                             ("cp.probe", probe)], directory: "config")
    }

    @Test func secureCookiesAndSessionIdleMinutesDefaultAndCanBeSet() throws {
        let defaults = try load("[Daemon]\nListen=127.0.0.1:8080\n")
        #expect(defaults.daemon.secureCookies == false)
        #expect(defaults.daemon.sessionIdleMinutes == 480)
        let set = try load("[Daemon]\nSecureCookies=yes\nSessionIdleMinutes=30\n")
        #expect(set.daemon.secureCookies == true)
        #expect(set.daemon.sessionIdleMinutes == 30)
    }

    @Test func badValuesNameTheFileAndLine() {
        #expect {
            _ = try load("[Daemon]\nSecureCookies=perhaps\nSessionIdleMinutes=721\n")
        } throws: { error in
            let text = "\(error)"
            return text.contains("courtwatch.conf:2") && text.contains("SecureCookies=perhaps is not yes or no")
                && text.contains("courtwatch.conf:3")
                && text.contains("SessionIdleMinutes=721 is not a whole number from 5 to 720")
        }
    }
}
