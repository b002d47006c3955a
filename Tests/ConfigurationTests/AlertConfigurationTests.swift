import Configuration
import Foundation
import Monitoring
import TestSupport
import Testing

/// `[Alert]` sections in courtwatch.conf.
@Suite struct AlertConfigurationTests {
    let directory = TemporaryDirectory("courtwatch-alert-config")

    func load(_ courtwatchConf: String) throws -> SiteConfiguration {
        directory.write("config/site.conf", SiteFixture.siteConf)
        directory.write("config/signin.probe", SiteFixture.probe(
            id: "cp-signin", url: "https://signin.example.invalid/", extra: "System=common-platform"))
        directory.write("config/courtwatch.conf", courtwatchConf)
        return try ConfigurationLoader.load(directory: directory.subpath("config"))
    }

    /// Each problem as "courtwatch.conf:LINE: message".
    func errors(_ courtwatchConf: String) -> [String] {
        do {
            _ = try load(courtwatchConf)
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map { error in
                let name = error.file.split(separator: "/").last.map(String.init) ?? error.file
                return "\(name):\(error.line): \(error.message)"
            }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func readsEveryChannelWithItsRoutingAndDefaults() throws {
        let credentials = directory.write("config/smtp.credentials", "[Credentials]\nUsername=alerts\nPassword=s3cret\n")
        chmod(credentials, 0o600)
        let configuration = try load("""
            [Daemon]
            Listen=127.0.0.1:8080

            [Alert]
            ID=ops-webhook
            Channel=webhook
            URL=https://hooks.example/courtwatch
            Systems=common-platform
            MinimumImpact=major
            Events=incident.opened incident.resolved
            RenotifyEvery=30m
            Timeout=5s
            RetryDelays=10s 1m

            [Alert]
            ID=site-lead-mail
            Channel=email
            SMTP=smtp://mail.example:587
            From=courtwatch <courtwatch@court.example>
            To=lead@court.example, deputy@court.example
            CredentialsFile=smtp.credentials
            Sites=test-site
            Planned=yes

            [Alert]
            ID=pager
            Channel=exec
            Command=/usr/local/bin/page-on-call --team "court it" -v
            """)
        #expect(configuration.alerts.map(\.id) == ["ops-webhook", "site-lead-mail", "pager"])
        let webhook = configuration.alerts[0]
        #expect(webhook.channel == .webhook(url: "https://hooks.example/courtwatch"))
        #expect(webhook.systems == ["common-platform"])
        #expect(webhook.minimumImpact == .major)
        #expect(webhook.events == ["incident.opened", "incident.resolved"])
        #expect(webhook.renotifyEvery == .seconds(1800))
        #expect(webhook.timeout == .seconds(5))
        #expect(webhook.includesPlanned == false)
        #expect(webhook.retryDelays == [.seconds(10), .seconds(60)])
        #expect(webhook.source?.line == 4)
        let mail = configuration.alerts[1]
        guard case let .email(smtp, from, to, login, caFile) = mail.channel else {
            Issue.record("site-lead-mail should be an email alert, is \(mail.channel)")
            return
        }
        #expect(smtp == "smtp://mail.example:587")
        #expect(from == "courtwatch <courtwatch@court.example>")
        #expect(to == ["lead@court.example", "deputy@court.example"])
        #expect(login?.username == "alerts" && login?.password == "s3cret")
        #expect(caFile == nil)
        #expect(mail.sites == ["test-site"] && mail.includesPlanned)
        #expect(mail.events == Set(AlertDefinition.routableEvents))
        #expect(mail.minimumImpact == .none && mail.renotifyEvery == nil && mail.timeout == .seconds(10))
        #expect(mail.retryDelays == [.seconds(30), .seconds(120), .seconds(600)])
        #expect(configuration.alerts[2].channel == .exec(command: ["/usr/local/bin/page-on-call", "--team", "court it", "-v"]))
    }

    @Test func namesEveryMistakeWithItsLine() {
        let found = errors("""
            [Alert]
            ID=Bad Name
            Channel=pigeon

            [Alert]
            ID=hook
            Channel=webhook
            URL=ftp://example
            To=someone@example.org
            MinimumImpact=severe
            Events=incident.opened probe.failed
            Timeout=0s

            [Alert]
            ID=mail
            Channel=email
            SMTP=http://mail.example
            From=not-an-address

            [Alert]
            ID=run
            Channel=exec
            Command=page-on-call --now
            Systems=no-such-system

            [Alert]
            ID=hook
            Channel=exec
            Command=/bin/true
            RetryDelays=10s soon

            [Alerts]
            """)
        #expect(found.contains("courtwatch.conf:2: ID=Bad Name is not a valid identifier: \(Identifier.rule)"))
        #expect(found.contains("courtwatch.conf:3: Channel=pigeon is not webhook, email or exec"))
        #expect(found.contains("courtwatch.conf:8: URL=ftp://example is not an http:// or https:// URL"))
        #expect(found.contains("courtwatch.conf:9: To= is not used by Channel=webhook (it takes URL=)"))
        #expect(found.contains("courtwatch.conf:10: MinimumImpact=severe is not none, minor, major or critical"))
        #expect(found.contains { $0.hasPrefix("courtwatch.conf:11: Events=probe.failed is not an event alerts can follow") })
        #expect(found.contains { $0.hasPrefix("courtwatch.conf:12: Timeout=0s is out of range") })
        #expect(found.contains("courtwatch.conf:17: SMTP=http://mail.example is not an smtp:// (STARTTLS, required) or smtps:// URL"))
        #expect(found.contains("courtwatch.conf:18: not-an-address is not an email address like ops@court.example"))
        #expect(found.contains("courtwatch.conf:14: [Alert] with Channel=email needs To= (comma-separated addresses)"))
        #expect(found.contains("courtwatch.conf:23: Command=page-on-call --now: give the program's absolute path (no shell runs it)"))
        #expect(found.contains("courtwatch.conf:26: a second [Alert] with ID=hook (first at line 6)") == false,
                "the first hook alert was invalid, so the second is the only one")
        #expect(found.contains("courtwatch.conf:30: RetryDelays=10s soon is not 1 to 10 durations from 100ms to 1d, e.g. 30s 2m 10m"))
        #expect(found.contains { $0.hasPrefix("courtwatch.conf:32: unknown section [Alerts]") })
    }

    @Test func aSystemNoProbeBelongsToIsAnError() {
        let found = errors("""
            [Alert]
            ID=cp
            Channel=exec
            Command=/bin/true
            Systems=common-platfrom
            """)
        #expect(found == ["courtwatch.conf:1: [Alert] cp: Systems=common-platfrom is not the System= of any probe (known: common-platform)"])
    }

    @Test func twoAlertsWithOneIDAreAnError() {
        let found = errors("""
            [Alert]
            ID=ops
            Channel=exec
            Command=/bin/true

            [Alert]
            ID=ops
            Channel=webhook
            URL=http://127.0.0.1:9/
            """)
        #expect(found == ["courtwatch.conf:6: a second [Alert] with ID=ops (first at line 1)"])
    }

    @Test func aCredentialsFileOthersCanReadIsRefused() {
        let credentials = directory.write("config/open.credentials", "[Credentials]\nUsername=a\nPassword=b\n")
        chmod(credentials, 0o644)
        let found = errors("""
            [Alert]
            ID=mail
            Channel=email
            SMTP=smtp://127.0.0.1:2525
            From=courtwatch@court.example
            To=ops@court.example
            CredentialsFile=open.credentials
            """)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("courtwatch.conf:7: CredentialsFile=open.credentials: ") == true)
        #expect(found.first?.contains("chmod 600") == true)
        #expect(found.first?.contains("Password") == false && found.first?.contains("=b") == false)
    }
}
