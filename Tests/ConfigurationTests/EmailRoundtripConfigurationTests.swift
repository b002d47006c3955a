import Configuration
import Foundation
import Monitoring
import TestSupport
import Testing

/// `Kind=email-roundtrip`: two URLs, one private credentials file, two addresses and a deadline.
@Suite struct EmailRoundtripConfigurationTests {
    static let credentials = "[Credentials]\nUsername=canary\nPassword=secret\n"

    func load(_ body: String) throws(ConfigurationErrors) -> [ProbeDefinition] {
        let directory = TemporaryDirectory()
        directory.write("config/site.conf", SiteFixture.siteConf)
        directory.write("config/canary.probe", "[Probe]\nID=canary\nKind=email-roundtrip\n\(body)\n")
        chmod(directory.write("config/canary.cred", Self.credentials), 0o600)
        return try ConfigurationLoader.load(directory: directory.subpath("config")).probes
    }

    func errors(_ body: String) -> [String] {
        do {
            _ = try load(body)
            return []
        } catch {
            return error.errors.map { "\($0.file.split(separator: "/").last ?? ""):\($0.line): \($0.message)" }
        }
    }

    static let good = """
        SubmitURL=smtp://smtp.example.invalid:587
        ReadURL=imaps://mail.example.invalid
        CredentialsFile=canary.cred
        From=canary@court.example.invalid
        To=canary-inbox@court.example.invalid
        """

    @Test func aGoodFileLoadsWithDefaults() throws {
        let probe = try #require(try load(Self.good + "\nMaxLatency=1m").first)
        guard case .emailRoundtrip(let check) = probe.check else {
            Issue.record("loaded as Kind=\(probe.check.kindName)")
            return
        }
        #expect(probe.check.kindName == "email-roundtrip")
        #expect(probe.check.target == "smtp://smtp.example.invalid:587 → imaps://mail.example.invalid")
        #expect(check.credentials.username == "canary")
        #expect(check.from == "canary@court.example.invalid")
        #expect(check.to == "canary-inbox@court.example.invalid")
        #expect(check.deadline == .seconds(300))
        #expect(check.requireTLS)
        #expect(probe.interval == .seconds(300))
        #expect(probe.maxLatency == .seconds(60))
    }

    @Test func submitURLIsRequired() {
        let body = Self.good.split(separator: "\n").dropFirst().joined(separator: "\n")
        #expect(errors(body) == ["canary.probe:1: [Probe] needs SubmitURL="])
    }

    @Test func addressesMustBePlainMailAddresses() {
        #expect(errors(Self.good.replacingOccurrences(of: "To=canary-inbox@court.example.invalid", with: "To=Canary <x@y>"))
                    == ["canary.probe:8: To=Canary <x@y> is not a mail address (local@domain, no spaces or brackets)"])
        #expect(errors(Self.good.replacingOccurrences(of: "To=canary-inbox@court.example.invalid", with: "To=nobody"))
                    == ["canary.probe:8: To=nobody is not a mail address (local@domain, no spaces or brackets)"])
    }

    @Test func clearTextPasswordsAreRefused() {
        #expect(errors(Self.good + "\nRequireTLS=no") == [
            "canary.probe:9: RequireTLS=no with smtp:// would send the password in clear text",
        ])
        let bothTLS = Self.good.replacingOccurrences(of: "smtp://smtp.example.invalid:587", with: "smtps://smtp.example.invalid")
        #expect(errors(bothTLS + "\nRequireTLS=no") == [])
    }

    @Test func maxLatencyMustBeUnderTheDeadline() {
        #expect(errors(Self.good + "\nDeadline=2m\nMaxLatency=3m") == [
            "canary.probe:10: MaxLatency=3m must be less than Deadline=2m",
        ])
    }
}
