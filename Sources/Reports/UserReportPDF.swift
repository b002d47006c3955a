public import Monitoring
import Documents

/// The per-person report as an A4 PDF, through the Documents module's layout.
public enum UserReportPDF {
    public static func render(_ report: UserReport, provenance: ReportProvenance) -> [UInt8] {
        let member = report.member
        var layout = ReportPage.layout(title: "IT failures and my working time: \(member.id)",
                                       subject: "courtwatch per-person outage report",
                                       createdAtEpochSeconds: report.generatedAt.millisecondsSinceEpoch / 1000,
                                       footer: "\(member.id) · \(report.firstDay.iso8601) to \(report.lastDay.iso8601)")
        layout.heading("IT failures and my working time", level: 1)
        layout.paragraph("\(member.name) (\(member.id)), \(member.role)" + (member.team.map { ", team \($0)" } ?? "")
            + ", site \(member.site). Period \(AppraisalParagraph.longDate(report.firstDay)) to "
            + "\(AppraisalParagraph.longDate(report.lastDay)) (\(member.timeZone)). Working hours: "
            + "\(member.workingHours.text). Generated \(report.generatedAt.iso8601).")
        layout.heading("Summary", level: 2)
        layout.table(PDFTable(columns: [.init("Measure", weight: 3), .init("Value", weight: 2, alignment: .right)],
                              rows: UserReportRenderer.summaryPairs(report).map { [$0.0, $0.1] }))
        layout.heading("For your appraisal or supervision record", level: 2)
        layout.paragraph(AppraisalParagraph.text(for: report))
        layout.heading("Hours lost by system", level: 2)
        if report.bySystem.isEmpty {
            layout.paragraph("No incidents met your working time.")
        } else {
            layout.barChart(BarChart(bars: report.bySystem.map {
                .init(label: $0.system, value: Double($0.lostMinutes) / 60, valueText: Hours.clock($0.lostMinutes))
            }, axisLabel: "hours lost"))
        }
        layout.heading("Incidents in my working time (\(report.totals.incidents))", level: 2)
        layout.table(PDFTable(
            columns: [.init("Incident", weight: 3), .init("Systems", weight: 2), .init("Started", weight: 2.2),
                      .init("Ended", weight: 2.2), .init("Counted as", weight: 1.6),
                      .init("Minutes", weight: 1, alignment: .right), .init("Unknown", weight: 1, alignment: .right)],
            rows: report.rows.map { item in
                ["#\(item.incident.id) \(item.incident.title)", item.systems.joined(separator: ", "),
                 report.localText(item.incident.start), item.incident.end.map(report.localText) ?? "still open",
                 UserReportRenderer.categoryName(item.category), "\(item.workingMinutes)", "\(item.unknownMinutes)"]
            }, fontSize: 8))
        layout.heading("What I logged (\(report.entries.count))", level: 2)
        layout.table(PDFTable(
            columns: [.init("Entry", weight: 1), .init("When", weight: 2.2), .init("Kind", weight: 1.8),
                      .init("Details", weight: 5), .init("Incidents", weight: 1.2)],
            rows: report.entries.map { entry in
                [entry.id, report.localText(entry.at), entry.kind.rawValue, EntryText.summary(entry),
                 entry.incidentIDs.map { "#\($0)" }.joined(separator: ", ")]
            }, fontSize: 8))
        layout.heading("How the figures are counted", level: 2)
        for rule in report.rules.printed { layout.paragraph("• " + rule, size: 9) }
        layout.heading("Verification", level: 2)
        layout.paragraph(provenance.line, size: 8)
        return layout.finish().bytes()
    }
}
