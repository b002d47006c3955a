import Foundation
import TestSupport
import Testing

/// A broken staff file must not stop monitoring, but check-config must not call the configuration OK.
@Suite struct StaffProblemsTests {
    @Test func checkConfigFailsOnABadStaffFileWhileTheRestLoads() throws {
        let directory = TemporaryDirectory()
        let config = SiteFixture.write(in: directory, probes: [
            "cp.probe": SiteFixture.probe(id: "cp", url: "http://127.0.0.1:9/"),
        ])
        directory.write("config/staff/bad.staff", "[Staff]\nID=p2\nName=B\nRole=usher\nWorkingHours=Someday\n")
        let result = try CourtwatchProcess.run(["check-config", "--config", config])
        #expect(result.code == 65)
        #expect(result.stderr.contains("staff records have errors (the daemon still runs"))
        #expect(result.stderr.contains("bad.staff:5: WorkingHours=Someday"))
    }
}
