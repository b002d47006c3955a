import Configuration
import Monitoring
import TestSupport
import Testing

@Suite struct ConfigurationLoaderTests {
    func load(_ probes: [String: String], site: String = SiteFixture.siteConf) throws -> SiteConfiguration {
        let directory = TemporaryDirectory()
        directory.write("config/site.conf", site)
        for (name, text) in probes { directory.write("config/\(name)", text) }
        return try ConfigurationLoader.load(directory: directory.subpath("config"))
    }

    func errors(_ probes: [String: String], site: String = SiteFixture.siteConf) -> [String] {
        do {
            _ = try load(probes, site: site)
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map { error in
                // Paths differ per run; keep the file name and line.
                let name = error.file.split(separator: "/").last.map(String.init) ?? error.file
                return error.line > 0 ? "\(name):\(error.line): \(error.message)" : "\(name): \(error.message)"
            }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func loadsTheSiteAndProbesIncludingSubfolders() throws {
        let configuration = try load([
            "gateway.probe": SiteFixture.probe(id: "site-gateway", kind: "tcp", url: "tcp://127.0.0.1:9", interval: "30s"),
            "platform/signin.probe": SiteFixture.probe(
                id: "cp-signin", url: "https://signin.example.invalid/", extra: "ExpectBody=Sign in\nDependsOn=site-gateway\nCritical=yes\nSystem=common-platform\nExpectStatus=200-299,401"),
        ])
        #expect(configuration.site.id == "test-site")
        #expect(configuration.site.businessHours?.contains(weekday: 2, minute: 600) == true)
        let signin = try #require(configuration.probes.first { $0.id == "cp-signin" })
        guard case .http(let check) = signin.check else {
            Issue.record("cp-signin should be an HTTP probe")
            return
        }
        #expect(check.expectBody == "Sign in")
        #expect(check.expectStatus.contains(204) && check.expectStatus.contains(401) && !check.expectStatus.contains(302))
        #expect(signin.dependsOn == ["site-gateway"])
        #expect(signin.critical)
        #expect(signin.system == "common-platform")
        #expect(signin.interval == .milliseconds(200))
        #expect(signin.source?.line == 1)
    }

    @Test func aMissingDirectoryIsNamed() {
        #expect(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(directory: "/nonexistent/courtwatch") }
        do {
            _ = try ConfigurationLoader.load(directory: "/nonexistent/courtwatch")
        } catch {
            #expect(error.description == "/nonexistent/courtwatch: configuration directory does not exist")
        }
    }

    @Test func unknownKeysAreReportedWithFileLineAndASuggestion() {
        let text = SiteFixture.probe(id: "a", url: "http://127.0.0.1:1/", extra: "Intervall=5s\ntimeout=3s")
        let found = errors(["a.probe": text])
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("a.probe:11: unknown key Intervall= in [Probe]"))
        #expect(found[1].hasPrefix("a.probe:12: unknown key timeout= in [Probe] (did you mean Timeout=?)"))
    }

    @Test func badDurationsAndNumbersNameTheKey() {
        let text = """
            [Probe]
            ID=a
            Kind=http
            URL=http://127.0.0.1:1/
            Interval=often
            Timeout=0ms
            FailuresToDown=zero
            """
        #expect(errors(["a.probe": text]) == [
            "a.probe:5: Interval=often is not a duration (examples: 500ms, 30s, 5m, 1h)",
            "a.probe:6: Timeout=0ms is out of range (10ms to 5m)",
            "a.probe:7: FailuresToDown=zero is not a whole number from 1 to 100",
        ])
    }

    @Test func duplicateIDsNameBothPlaces() {
        let found = errors([
            "one.probe": SiteFixture.probe(id: "cp", url: "http://127.0.0.1:1/"),
            "two.probe": SiteFixture.probe(id: "cp", url: "http://127.0.0.1:2/"),
        ])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("two.probe:1: duplicate probe ID 'cp' (first defined at ") == true)
        #expect(found.first?.hasSuffix("one.probe:1)") == true)
    }

    @Test func urlsThatDoNotParseAreRejected() {
        #expect(errors(["a.probe": SiteFixture.probe(id: "a", url: "htp//broken")]) == [
            "a.probe:5: URL=htp//broken: 'htp//broken' is not a URL (expected http://host...)",
        ])
        #expect(errors(["a.probe": SiteFixture.probe(id: "a", kind: "tcp", url: "tcp://gateway")]) == [
            "a.probe:5: URL=tcp://gateway: 'tcp://gateway' needs a port (tcp://host:port)",
        ])
    }

    @Test func dependenciesMustExistAndNotLoop() {
        let found = errors([
            "a.probe": SiteFixture.probe(id: "a", url: "http://127.0.0.1:1/", extra: "DependsOn=b"),
            "b.probe": SiteFixture.probe(id: "b", url: "http://127.0.0.1:1/", extra: "DependsOn=a"),
            "c.probe": SiteFixture.probe(id: "c", url: "http://127.0.0.1:1/", extra: "DependsOn=nowhere"),
        ])
        #expect(found == [
            "a.probe:1: probe 'a' depends on itself through DependsOn=",
            "b.probe:1: probe 'b' depends on itself through DependsOn=",
            "c.probe:1: probe 'c' DependsOn=nowhere, which is not a probe ID",
        ])
    }

    @Test func everyErrorInEveryFileIsReportedNotJustTheFirst() {
        let site = "[Site]\nID=Bad Site\nName=x\nTimeZone=london\nBusinessHours=Mon 9-5\n[Extra]\n"
        let found = errors([
            "a.probe": "[Probe]\nID=a\nKind=ftp\nthis line is junk\n",
            "b.probe": "Key=before-section\n",
        ], site: site)
        #expect(found == [
            "a.probe:3: Kind=ftp is not a probe kind (one of: dns, email-roundtrip, heartbeat, http, icmp, imap, smtp, tcp, user-reports)",
            "a.probe:4: expected Key=Value, found 'this line is junk'",
            "b.probe: has no [Probe] section",
            "b.probe:1: Key= comes before any [Section] header",
            "site.conf:2: ID=Bad Site is not a valid identifier: use lowercase letters, digits, '-', '_' and '.', at most 64 characters",
            "site.conf:4: TimeZone=london is not a time zone name like Europe/London",
            "site.conf:5: BusinessHours=Mon 9-5: '9-5' is not a time range such as 09:00-17:00",
            "site.conf:6: unknown section [Extra]; site.conf has [Site], [Maintenance] and [System]",
        ])
    }

    @Test func aDirectoryWithoutSiteOrProbesSaysWhatIsMissing() {
        let directory = TemporaryDirectory()
        directory.write("config/readme.txt", "nothing here")
        do {
            _ = try ConfigurationLoader.load(directory: directory.subpath("config"))
            Issue.record("an empty directory must not load")
        } catch {
            #expect(error.errors.map(\.message) == [
                "no *.probe files: there is nothing to watch",
                "missing: every configuration directory needs a site.conf with a [Site] section",
            ])
        }
    }

    @Test func durationsReadTheSystemdForms() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("1m 30s") == .seconds(90))
        #expect(DurationText.parse("45") == .seconds(45))
        #expect(DurationText.parse("5 parsecs") == nil)
        #expect(DurationText.parse("") == nil)
        #expect(DurationText.parse("-5s") == nil)
    }

    @Test func theDemoAndExampleConfigurationsShippedInTheRepositoryLoad() throws {
        let demo = try ConfigurationLoader.load(directory: packageRoot + "/Probes/demo")
        #expect(demo.probes.count >= 3)
        #expect(Set(demo.probes.map(\.check.kindName)) == ["http", "tcp"])
    }
}
