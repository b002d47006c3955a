import Configuration
import Foundation
import Monitoring
import TestSupport
import Testing

/// The keys of every probe kind, and the mistakes people make with them.
@Suite struct ProbeKindConfigurationTests {
    func errors(_ probes: [String: String], site: String = SiteFixture.siteConf,
                files: [String: (String, Int)] = [:]) -> [String] {
        let directory = TemporaryDirectory()
        directory.write("config/site.conf", site)
        for (name, text) in probes { directory.write("config/\(name)", text) }
        for (name, (text, mode)) in files {
            let path = directory.write("config/\(name)", text)
            chmod(path, mode_t(mode))
        }
        do {
            _ = try ConfigurationLoader.load(directory: directory.subpath("config"))
            return []
        } catch {
            return error.errors.map { "\($0.file.split(separator: "/").last ?? ""):\($0.line): \($0.message)" }
        }
    }

    func probe(_ kind: String, _ body: String) -> String { "[Probe]\nID=p\nKind=\(kind)\n\(body)\n" }

    @Test func secretsNeverSitInAProbeFile() {
        #expect(errors(["p.probe": probe("http", "URL=https://x.example.invalid/\nHeader=Authorization: Basic abc")]) == [
            "p.probe:5: Header=Authorization: secrets never go in a .probe file; use CredentialsFile=",
        ])
        #expect(errors(["p.probe": probe("http", "URL=https://user:pw@x.example.invalid/")]).first?
                    .contains("has credentials in the URL; put them in a CredentialsFile=") == true)
    }

    @Test func aCredentialsFileMustBePrivate() {
        let credentials = "[Credentials]\nUsername=probe\nPassword=secret\n"
        let open = errors(["p.probe": probe("imap", "URL=imaps://mail.example.invalid\nCredentialsFile=secret.cred")],
                          files: ["secret.cred": (credentials, 0o644)])
        #expect(open.count == 1)
        #expect(open.first?.hasSuffix("secret.cred can be read by every user; make it private with chmod 600") == true)
        #expect(errors(["p.probe": probe("imap", "URL=imaps://mail.example.invalid\nCredentialsFile=secret.cred")],
                       files: ["secret.cred": (credentials, 0o600)]) == [])
    }

    @Test func badPatternsAndLatencyLimitsAreCaught() {
        let found = errors(["p.probe": probe("http", "URL=http://x.example.invalid/\nExpectBodyRegex=(unclosed\nTimeout=2s\nMaxLatency=5s")])
        #expect(found.count == 2)
        #expect(found.contains { $0.hasPrefix("p.probe:5: ExpectBodyRegex=(unclosed is not a valid regular expression") })
        #expect(found.contains("p.probe:7: MaxLatency=5s must be less than Timeout=2s"))
    }

    @Test func dnsAndICMPTakeAddressesNotNames() {
        #expect(errors(["p.probe": probe("dns", "Server=resolver.example.invalid\nQuery=cp.example.invalid")]) == [
            "p.probe:4: Server=resolver.example.invalid: 'resolver.example.invalid' is not an IP address (the resolver must be given by address)",
        ])
        #expect(errors(["p.probe": probe("dns", "Server=127.0.0.1:5353\nQuery=bad..name\nType=SRV")]) == [
            "p.probe:5: Query=bad..name is not a valid DNS name",
            "p.probe:6: Type=SRV is not one of A, AAAA, MX, TXT, NS, CNAME",
        ])
        #expect(errors(["p.probe": probe("icmp", "Host=gateway.example.invalid")]) == [
            "p.probe:4: Host=gateway.example.invalid is not an IP address (ICMP probes take an address, not a name)",
        ])
        #expect(errors(["p.probe": probe("icmp", "Host=127.0.0.1\nMaxLoss=120%")]) == [
            "p.probe:5: MaxLoss=120% is not a percentage from 0 to 100",
        ])
    }

    @Test func passiveKindsNeedTheirOwnKeys() {
        #expect(errors(["p.probe": probe("heartbeat", "")]) == ["p.probe:1: [Probe] Kind=heartbeat needs Period="])
        #expect(errors(["p.probe": probe("user-reports", "ReportsToOpen=3")]) == [
            "p.probe:3: Kind=user-reports needs System= (the system staff report about)",
        ])
    }

    @Test func maintenanceWindowsAreChecked() {
        let site = SiteFixture.siteConf + """
            [Maintenance]
            Name=release
            Start=2026-11-28 07:00
            End=2026-11-28T06:00:00Z

            [Maintenance]
            Weekly=Sun 02:00-05:00
            Probes=nowhere

            """
        let found = errors(["p.probe": probe("tcp", "URL=tcp://127.0.0.1:1")], site: site)
        #expect(found == [
            "site.conf:8: Start=2026-11-28 07:00 is not an ISO 8601 time with a zone, e.g. 2026-11-28T07:00:00Z",
            "site.conf:11: [Maintenance] Probes=nowhere is not a probe ID",
        ])
    }

    @Test func everyKindLoadsFromAGoodFile() throws {
        let directory = TemporaryDirectory()
        directory.write("config/site.conf", SiteFixture.siteConf + "[Maintenance]\nWeekly=Sun 02:00-05:00\nSystems=cjsm\n")
        let probes = [
            "http": "URL=https://x.example.invalid/\nRejectBody=maintenance\nHeader=Accept: text/html\nFollowRedirects=yes\nCertExpiryWarn=30d\nMaxLatency=2s",
            "tcp": "URL=tcp://[::1]:443",
            "smtp": "URL=smtps://mx.example.invalid\nSystem=cjsm",
            "imap": "URL=imaps://mail.example.invalid",
            "dns": "Server=[::1]:5353\nQuery=cp.example.invalid\nType=AAAA\nCompare=127.0.0.1",
            "icmp": "Host=127.0.0.1\nCount=3\nSpacing=100ms\nMaxLoss=34%",
            "heartbeat": "Period=1d\nGrace=1h",
            "user-reports": "System=cjsm\nReportsToOpen=2\nReportWindow=10m",
        ]
        for (kind, body) in probes {
            directory.write("config/\(kind).probe", "[Probe]\nID=\(kind)-probe\nKind=\(kind)\n\(body)\n")
        }
        let configuration = try ConfigurationLoader.load(directory: directory.subpath("config"))
        #expect(Set(configuration.probes.map(\.check.kindName)) == Set(probes.keys))
        #expect(configuration.maintenance.count == 1)
        let heartbeat = try #require(configuration.probes.first { $0.id == "heartbeat-probe" })
        #expect(heartbeat.interval == .seconds(60))
        #expect(heartbeat.policy == DetectionPolicy(failuresToDown: 1, successesToUp: 1))
        // Passive kinds decide on one evaluation: a report threshold reached is an outage at once.
        let reports = try #require(configuration.probes.first { $0.id == "user-reports-probe" })
        #expect(reports.policy == DetectionPolicy(failuresToDown: 1, successesToUp: 1))
    }

    @Test func aBannerCheckNeedsAnAddress() {
        #expect(errors(["p.probe": probe("tcp", "URL=tcp://mx.example.invalid:25\nExpectBanner=220 ")]) == [
            "p.probe:5: ExpectBanner= needs an IP address in URL= (courtwatch reads the banner itself and does not look names up on its loop)",
        ])
        #expect(errors(["p.probe": probe("tcp", "URL=tcp://127.0.0.1:22\nExpectBanner=SSH-2.0")]) == [])
    }
}
