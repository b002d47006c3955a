public import Monitoring
import Documents

/// The site failure-log report as an A4 PDF through the Documents module's own writer.
public enum SiteReportPDF {
    public static func render(_ report: SiteReport, zone: any ZoneOffsets, provenance: ReportProvenance) -> [UInt8] {
        var layout = ReportPage.layout(title: SiteReportRenderer.title(report), subject: "courtwatch site IT failure log",
                                       createdAtEpochSeconds: report.generatedAt.millisecondsSinceEpoch / 1000,
                                       footer: "\(report.site.name) · \(report.firstDay.iso8601) to \(report.lastDay.iso8601)")
        layout.heading(SiteReportRenderer.title(report), level: 1)
        layout.paragraph("Site \(report.site.id). Period \(SiteReportRenderer.period(report)) (\(report.site.timeZone)). "
            + "Generated \(report.generatedAt.iso8601). Times are site local time.")
        layout.heading("Summary", level: 2)
        layout.table(PDFTable(columns: [.init("Measure", weight: 3), .init("Value", weight: 2, alignment: .right)],
                              rows: SiteReportRenderer.summaryPairs(report).map { [$0.0, $0.1] }))
        layout.heading("Business hours lost by system", level: 2)
        if report.bySystem.isEmpty {
            layout.paragraph("No incidents in this period.")
        } else {
            layout.barChart(BarChart(bars: report.bySystem.map {
                .init(label: $0.key, value: Double($0.lostMinutes) / 60, valueText: Hours.clock($0.lostMinutes))
            }, axisLabel: "business hours lost"))
        }
        for (heading, first, totals) in [("Totals by system", "System", report.bySystem),
                                         ("Totals by month", "Month", report.byMonth)] {
            layout.heading(heading, level: 2)
            layout.table(PDFTable(
                columns: [.init(first, weight: 2.5), .init("Incidents", weight: 1, alignment: .right),
                          .init("Lost", weight: 1.5, alignment: .right), .init("Degraded", weight: 1.5, alignment: .right),
                          .init("Planned", weight: 1.5, alignment: .right), .init("All hours", weight: 1.5, alignment: .right)],
                rows: totals.map {
                    [$0.key, "\($0.incidents)", Hours.clock($0.lostMinutes), Hours.clock($0.degradedMinutes),
                     Hours.clock($0.plannedMinutes), Hours.clock($0.totalMinutes)]
                }, fontSize: 9))
        }
        layout.heading("Incidents (\(report.rows.count))", level: 2)
        layout.table(PDFTable(
            columns: [.init("Incident", weight: 3), .init("Systems", weight: 1.8), .init("Started", weight: 1.9),
                      .init("Ended", weight: 1.9), .init("Duration", weight: 1.4, alignment: .right),
                      .init("Business hours", weight: 1.4, alignment: .right), .init("Counted as", weight: 1.3),
                      .init("Recorded", weight: 2.2)],
            rows: report.rows.map { item in
                let incident = item.incident
                return ["#\(incident.id) \(incident.title)" + (incident.planned ? " (planned)" : "")
                            + " [\(incident.impact)]",
                        incident.systems.joined(separator: ", "), SiteReportRenderer.local(incident.start, report, zone: zone),
                        incident.end.map { SiteReportRenderer.local($0, report, zone: zone) } ?? "still open",
                        Hours.clock(item.minutes), Hours.clock(item.businessMinutes),
                        SiteReportRenderer.categoryName(item.category), SiteReportRenderer.recorded(incident)]
            }, fontSize: 8))
        let annotated = report.rows.filter { !$0.incident.notes.isEmpty || !$0.incident.tickets.isEmpty }
        if !annotated.isEmpty {
            layout.heading("Notes and tickets", level: 2)
            for item in annotated {
                let incident = item.incident
                layout.paragraph("#\(incident.id) " + (incident.tickets.map { "ticket \($0)" } + incident.notes)
                    .joined(separator: "; "), size: 8)
            }
        }
        layout.heading("How this report counts", level: 2)
        for (index, rule) in report.rules.enumerated() { layout.paragraph("\(index + 1). " + rule, size: 9) }
        layout.heading("Verification", level: 2)
        layout.paragraph(provenance.line, size: 8)
        return layout.finish().bytes()
    }
}
