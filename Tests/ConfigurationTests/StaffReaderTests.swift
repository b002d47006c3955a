@testable import Configuration
import Monitoring
import TestSupport
import Testing

@Suite struct StaffReaderTests {
    let site = SiteDefinition(id: "mcr", name: "Manchester", timeZone: "Europe/London")

    func read(_ files: [(String, String)]) -> (members: [StaffMember], holidays: HolidayCalendar, errors: [ConfigurationError]) {
        var errors: [ConfigurationError] = []
        let (members, holidays) = StaffDirectory.read(files: files.map { (path: $0.0, text: $0.1) }, site: site, errors: &errors)
        return (members, holidays, errors)
    }

    @Test func readsAFullRecordWithRoleDefaultsAndRepeatedLeave() throws {
        let result = read([("staff/la.staff", """
            [Staff]
            ID=la-0042
            Name=Sam Patel
            Role=legal-adviser
            Team=crime
            Manager=tl-0007
            WorkingHours=Mon-Thu 09:00-17:00; Fri 09:00-13:00
            Systems=dcs, cvp
            Leave=2026-08-03..2026-08-14
            Leave=2026-12-24
            ContractedHoursPerWeek=36.5
            """)])
        #expect(result.errors.isEmpty, "\(result.errors)")
        let member = try #require(result.members.first)
        #expect(member.site == "mcr")
        #expect(member.timeZone == "Europe/London")
        #expect(member.systems == ["common-platform", "libra", "cvp", "cjsm", "network", "printing", "dcs"])
        #expect(member.leave == [date("2026-08-03")...date("2026-08-14"), date("2026-12-24")...date("2026-12-24")])
        #expect(member.contractedHoursPerWeek == 36.5)
        #expect(member.source == SourceLocation(file: "staff/la.staff", line: 1))
        #expect(result.holidays.contains(date("2026-12-25")))
    }

    @Test func everyBadValueIsReportedWithItsLine() {
        let result = read([("staff/bad.staff", """
            [Staff]
            ID=Bad ID
            Name=X
            Role=usher
            WorkingHours=Mon 09:00-25:00
            Leave=2026-08-14..2026-08-03
            ContractedHoursPerWeek=200
            Colour=blue
            TimeZone=london
            """)])
        let messages = result.errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("staff/bad.staff:2: ID=Bad ID is not a valid identifier") })
        #expect(messages.contains { $0.hasPrefix("staff/bad.staff:5: WorkingHours=Mon 09:00-25:00:") })
        #expect(messages.contains { $0.hasPrefix("staff/bad.staff:6: Leave=2026-08-14..2026-08-03 is not a date or date range") })
        #expect(messages.contains { $0.hasPrefix("staff/bad.staff:7: ContractedHoursPerWeek=200") })
        #expect(messages.contains { $0.hasPrefix("staff/bad.staff:8: unknown key Colour=") })
        #expect(messages.contains { $0.hasPrefix("staff/bad.staff:9: TimeZone=london") })
        #expect(result.members.isEmpty)
    }

    @Test func missingKeysAndDuplicateIDsAreErrors() {
        let result = read([
            ("staff/a.staff", "[Staff]\nID=p1\nName=A\nRole=usher\nWorkingHours=Mon 09:00-10:00\n"),
            ("staff/b.staff", "[Staff]\nID=p1\nName=B\nRole=usher\nWorkingHours=Mon 09:00-10:00\n"),
            ("staff/c.staff", "[Staff]\nID=p2\n"),
        ])
        let messages = result.errors.map(\.description)
        #expect(messages.contains("staff/b.staff:1: staff ID p1 is already used at staff/a.staff:1"))
        #expect(messages.contains("staff/c.staff:1: [Staff] needs Name="))
        #expect(messages.contains("staff/c.staff:1: [Staff] needs WorkingHours="))
        #expect(result.members.map(\.id) == ["p1"])
    }

    @Test func holidaysConfAddsAndRemovesDays() {
        let result = read([("staff/holidays.conf", """
            [Holidays]
            Add=2026-12-24 Site closed
            Remove=2026-08-31
            Add=2026-13-01 Nonsense
            """)])
        #expect(result.holidays.holidays[date("2026-12-24")] == "Site closed")
        #expect(!result.holidays.contains(date("2026-08-31")))
        #expect(result.errors.map(\.description) == ["staff/holidays.conf:4: Add=2026-13-01 Nonsense does not start with a date (2026-12-24 Site closed)"])
    }

    @Test func theLoaderReadsStaffFilesAndTheWriterRoundTrips() throws {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: ["cp.probe": SiteFixture.probe(id: "cp", url: "http://127.0.0.1:9/")])
        _ = directory.write("config/staff/p1.staff", "[Staff]\nID=p1\nName=A\nRole=usher\nWorkingHours=Sat 22:00-06:00\n")
        let loaded = try ConfigurationLoader.load(directory: config)
        #expect(loaded.staff.map(\.id) == ["p1"])
        var member = try #require(loaded.staff.first)
        member.leave = [date("2026-01-05")...date("2026-01-09")]
        member.contractedHoursPerWeek = 37.5
        try StaffFile.write(member, directory: config, replacing: true)
        let reread = try StaffDirectory.load(directory: config)
        #expect(reread.member("p1")?.leave == member.leave)
        #expect(reread.member("p1")?.contractedHoursPerWeek == 37.5)
        #expect(throws: StaffFile.WriteError.self) { try StaffFile.write(member, directory: config, replacing: false) }
        _ = directory.write("config/staff/bad.staff", "[Staff]\nID=p2\nName=B\nRole=usher\nWorkingHours=Someday\n")
        // A bad staff file does not stop monitoring: the loader keeps it apart for check-config to report.
        let withProblem = try ConfigurationLoader.load(directory: config)
        #expect(withProblem.probes.count == loaded.probes.count)
        #expect(withProblem.staffProblems.map(\.description).contains { $0.contains("bad.staff:5: WorkingHours=Someday") })
        #expect(throws: ConfigurationErrors.self) { try StaffDirectory.load(directory: config) }
    }
}

func date(_ text: String) -> CivilDate { CivilDate(iso8601: text)! }
