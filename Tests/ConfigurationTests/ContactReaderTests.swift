import Configuration
import TestSupport
import Testing

@Suite struct ContactReaderTests {
    private let probe = SiteFixture.probe(id: "gateway", kind: "tcp", url: "tcp://127.0.0.1:9", interval: "30s")

    private func load(_ contacts: String) throws -> SiteConfiguration {
        let directory = TemporaryDirectory()
        directory.write("config/site.conf", SiteFixture.siteConf + contacts)
        directory.write("config/gateway.probe", probe)
        return try ConfigurationLoader.load(directory: directory.subpath("config"))
    }

    private func errors(_ contacts: String) -> [String] {
        do {
            _ = try load(contacts)
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map { "\($0.file.split(separator: "/").last ?? ""):\($0.line): \($0.message)" }
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func contactSectionsAreReadInTheOrderWritten() throws {
        let configuration = try load("""

            [Contact]
            Role=Common Platform helpdesk
            Name=HMCTS Service Desk
            Phone=0300 123 4567
            Email=servicedesk@example.invalid
            Hours=24/7

            [Contact]
            Role=Duty manager
            Phone=+44 (0)116 222 3333
            Notes=Out of hours: use the on-call phone

            """)
        #expect(configuration.contacts == [
            SiteContact(role: "Common Platform helpdesk", name: "HMCTS Service Desk", phone: "0300 123 4567",
                        email: "servicedesk@example.invalid", hours: "24/7"),
            SiteContact(role: "Duty manager", phone: "+44 (0)116 222 3333",
                        notes: "Out of hours: use the on-call phone"),
        ])
    }

    @Test func aSiteWithoutContactsHasAnEmptyList() throws {
        #expect(try load("").contacts.isEmpty)
    }

    @Test func badContactsAreReportedWithFileAndLine() {
        // site.conf from SiteFixture is 5 lines plus a blank; the sections start at line 7.
        let found = errors("""

            [Contact]
            Name=Nobody in particular
            Phone=call me

            [Contact]
            Role=EM supplier
            Email=not-an-address

            [Contact]
            Role=Prison
            Fax=0116 000

            [Contact]
            Role=Escort contractor

            """)
        #expect(found.contains("site.conf:7: [Contact] needs Role="), "\(found)")
        #expect(found.contains { $0.hasPrefix("site.conf:9: Phone=call me is not a phone number") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("site.conf:13: Email=not-an-address is not an e-mail address") },
                "\(found)")
        #expect(found.contains { $0.hasPrefix("site.conf:17: unknown key Fax= in [Contact]") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("site.conf:20: [Contact] needs Phone= or Email=") }, "\(found)")
    }

    @Test func unknownSectionsNameContactAmongTheKnownOnes() {
        let found = errors("\n[Contacts]\nRole=x\n")
        #expect(found.contains { $0.contains("unknown section [Contacts]") && $0.contains("[Contact]") }, "\(found)")
    }
}
