public import Monitoring
import Documents

/// What a health-and-safety representative sees of a person's report when it is shared with them: the
/// health-and-safety entries only (research notes §5.4), never hours, costs or other entries.
public enum HealthAndSafetyExtract {
    static func flags(_ report: UserReport) -> [StaffEntry] {
        report.entries.filter { $0.kind == .healthAndSafety && !$0.erased }
    }

    static var note: String {
        "This copy was shared with a health and safety representative: it shows the person's health and safety "
            + "entries only."
    }

    public static func render(_ report: UserReport, format: String, provenance: ReportProvenance) -> [UInt8] {
        let member = report.member
        let title = "Health and safety concerns: \(member.id), \(report.firstDay.iso8601) to \(report.lastDay.iso8601)"
        let rows = flags(report).map {
            [report.localText($0.at), $0.systems.joined(separator: ", "), EntryText.summary($0)]
        }
        switch format {
        case "json":
            let value = ReportJSON.object([
                ("report", .string("courtwatch health and safety extract")), ("staff", .string(member.id)),
                ("first_day", .string(report.firstDay.iso8601)), ("last_day", .string(report.lastDay.iso8601)),
                ("note", .string(note)), ("entries", .array(flags(report).map(UserReportRenderer.entryJSON))),
                ("verification", .string(provenance.line)),
            ])
            return Array((value.text() + "\n").utf8)
        case "csv":
            var csv = CSVWriter(header: ["when", "systems", "details"])
            for row in rows { csv.row(row) }
            csv.row(["verification", "", provenance.line])
            return Array(csv.text.utf8)
        case "pdf":
            var layout = PageLayout(info: PDFInfo(title: title, createdAtEpochSeconds:
                report.generatedAt.millisecondsSinceEpoch / 1000))
            layout.heading(title, level: 1)
            layout.paragraph(note)
            layout.table(PDFTable(columns: [.init("When", weight: 2), .init("Systems", weight: 2),
                                            .init("Details", weight: 5)], rows: rows))
            layout.paragraph(provenance.line, size: 8)
            return layout.finish().bytes()
        default:
            var page = HTMLWriter()
            page.element("h1", text: title)
            page.element("p", text: note)
            page.scrollingTable(label: "Entries") { table in
                table.element("tr") { row in
                    for heading in ["When", "Systems", "Details"] { row.element("th", ["scope": "col"], text: heading) }
                }
                for cells in rows {
                    table.element("tr") { row in for cell in cells { row.element("td", text: cell) } }
                }
            }
            page.element("p", ["class": "verification"], text: provenance.line)
            return Array(HTML.mainDocument(title: title, body: page.html).utf8)
        }
    }
}
