import Documents
import Foundation
import Monitoring
import Reports
import TestSupport
import Testing

/// The site failure-log report's arithmetic and rendering, from values only.
@Suite struct SiteReportTests {
    let site = SiteDefinition(id: "leicester-crown", name: "Leicester Crown Court", timeZone: "Europe/London",
                              businessHours: try! WeeklySchedule(parsing: "Mon-Fri 08:00-18:00"))
    var pattern: WorkingPattern {
        WorkingPattern(hours: site.businessHours!, zone: EuropeanSummerTime.london, holidays: .englandAndWales)
    }

    func time(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    func incident(_ id: Int64, _ system: String, _ start: String, _ end: String?, impact: String = "major",
                  planned: Bool = false, origin: String = "probe") -> SiteReportIncident {
        SiteReportIncident(id: id, title: "incident \(id)", systems: [system], kind: "down", impact: impact,
                           planned: planned, origin: origin, recordedBy: origin == "probe" ? nil : "J. Ops",
                           source: origin == "back-recorded" ? "paper log" : nil, status: end == nil ? "investigating" : "resolved",
                           start: time(start), end: end.map(time), notes: [], tickets: [])
    }

    func build(_ incidents: [SiteReportIncident], unknown: [TimeSpan] = [], first: CivilDate, last: CivilDate,
               now: String = "2027-01-01T00:00:00Z") -> SiteReport {
        SiteReportBuilder.build(SiteReportBuilder.Input(site: site, businessHours: pattern, firstDay: first, lastDay: last,
                                                        incidents: incidents, unknown: unknown, generatedAt: time(now)))
    }

    @Test func businessHoursFollowTheClocksAcrossTheAutumnChangeAndSkipBankHolidays() {
        // Friday 23 October 2026 08:30 BST to Tuesday 27 October 10:00 GMT: the clocks go back on Sunday 25th.
        let report = build([incident(1, "common-platform", "2026-10-23T07:30:00Z", "2026-10-27T10:00:00Z")],
                           first: CivilDate(year: 2026, month: 10, day: 1), last: CivilDate(year: 2026, month: 10, day: 31))
        let expected: Int64 = 570 + 600 + 120  // Friday 08:30-18:00 BST, Monday 08:00-18:00 GMT, Tuesday 08:00-10:00
        #expect(report.rows.first?.businessMinutes == expected)
        let all: Int64 = 4 * 1440 + 150
        #expect(report.rows.first?.minutes == all)
        // Christmas: 24 Dec is a working day, 25 and 28 Dec (substitute Boxing Day) are bank holidays in 2026.
        let christmas = build([incident(2, "cjsm", "2026-12-24T17:00:00Z", "2026-12-29T09:00:00Z")],
                              first: CivilDate(year: 2026, month: 12, day: 1), last: CivilDate(year: 2026, month: 12, day: 31))
        let twoHours: Int64 = 120  // an hour on the 24th and an hour on the 29th
        #expect(christmas.rows.first?.businessMinutes == twoHours)
    }

    @Test func monthsSplitAtLocalMidnightAndColumnsFollowTheRules() {
        let report = build([
            incident(1, "common-platform", "2026-10-30T16:00:00Z", "2026-11-02T09:00:00Z"),
            incident(2, "cjsm", "2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", impact: "minor"),
            incident(3, "dcs", "2026-11-04T10:00:00Z", "2026-11-04T12:00:00Z", planned: true),
            incident(4, "dcs", "2026-11-05T10:00:00Z", "2026-11-05T10:30:00Z", origin: "back-recorded"),
        ], first: CivilDate(year: 2026, month: 10, day: 1), last: CivilDate(year: 2026, month: 11, day: 30))
        #expect(report.byMonth.map(\.key) == ["2026-10", "2026-11"])
        #expect(report.byMonth[0].lostMinutes == 120, "Friday 30 October 16:00-18:00 GMT")
        #expect(report.byMonth[1].lostMinutes == 60 + 30, "Monday 2 November 08:00-09:00, and the back-recorded half hour")
        #expect(report.totals.lostMinutes == 210)
        #expect(report.totals.degradedMinutes == 60)
        #expect(report.totals.plannedMinutes == 120)
        #expect(report.totals.incidents == 4)
        #expect(report.bySystem.first?.key == "common-platform")
        #expect(report.backRecorded.map(\.incident.id) == [4])
        #expect(report.rules.contains { $0.contains("Planned maintenance is shown in its own column") })
        #expect(report.rules.contains { $0.contains("UNKNOWN") })
        #expect(report.rules.contains { $0.contains("first failed check") })
    }

    @Test func unknownGapsAreNotCountedAndOpenIncidentsCountToTheReportTime() {
        let gap = TimeSpan(start: time("2026-11-03T10:00:00Z"), end: time("2026-11-03T11:00:00Z"))
        let report = build([incident(1, "network", "2026-11-03T09:00:00Z", nil)], unknown: [gap],
                           first: CivilDate(year: 2026, month: 11, day: 1), last: CivilDate(year: 2026, month: 11, day: 30),
                           now: "2026-11-03T12:00:00Z")
        #expect(report.rows.first?.minutes == 180)
        #expect(report.rows.first?.unknownMinutes == 60)
        #expect(report.rows.first?.businessMinutes == 120)
        #expect(report.unknownBusinessMinutes == 60)
    }

    @Test func everyFormatCarriesTheIncidentsTotalsAndRulesAndThePDFIsValid() throws {
        let report = build([incident(1, "common-platform", "2026-11-02T09:00:00Z", "2026-11-02T10:30:00Z",
                                     origin: "back-recorded")],
                           first: CivilDate(year: 2026, month: 11, day: 1), last: CivilDate(year: 2026, month: 11, day: 30))
        let provenance = ReportProvenance(eventCount: 2, eventsSHA256: String(repeating: "a", count: 64), chainHeadSeq: 9,
                                          keyFingerprint: "f00d", verificationCommand: "openssl pkeyutl -verify ...")
        let html = SiteReportRenderer.html(report, zone: EuropeanSummerTime.london, provenance: provenance)
        #expect(html.contains("<h1>IT failure log: Leicester Crown Court</h1>"))
        #expect(html.contains("back-recorded by J. Ops from paper log"))
        #expect(html.contains("role=\"img\""))
        #expect(html.contains("How this report counts"))
        let csv = SiteReportRenderer.csv(report, provenance: provenance)
        #expect(csv.contains("incident,1,incident 1,common-platform,2026-11-02T09:00:00.000Z,2026-11-02T10:30:00.000Z,90,90,0,lost"))
        let json = SiteReportRenderer.json(report, provenance: provenance)
        #expect(JSONValueCheck.isJSON(json))
        #expect(json.contains("\"business_minutes\": 90"))
        let pdf = SiteReportPDF.render(report, zone: EuropeanSummerTime.london, provenance: provenance)
        let check = try PDFTools.check(pdf)
        #expect(check.code == 0 && !check.output.contains("WARNING"), "\(check.output)")
        let text = try PDFTools.text(pdf)
        #expect(text.contains("IT failure log: Leicester Crown Court"))
        #expect(text.contains("How this report counts"))
        #expect(text.contains("Page 1 of"))
        #expect(try PDFTools.inkCoverage(pdf) > 0.001)
    }
}

/// Parses text with Foundation's JSON reader, to check a renderer wrote valid JSON.
enum JSONValueCheck {
    static func isJSON(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil
    }
}
