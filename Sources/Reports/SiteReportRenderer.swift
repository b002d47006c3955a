public import Monitoring
import Documents

/// The site failure-log report as HTML (print-ready A4), CSV (one row per incident, then totals) and JSON.
public enum SiteReportRenderer {
    public static func title(_ report: SiteReport) -> String { "IT failure log: \(report.site.name)" }

    static func period(_ report: SiteReport) -> String {
        "\(AppraisalParagraph.longDate(report.firstDay)) to \(AppraisalParagraph.longDate(report.lastDay))"
    }

    static func local(_ time: Timestamp, _ report: SiteReport, zone: any ZoneOffsets) -> String {
        localTime(time, zone: zone)
    }

    /// `2026-11-20 09:15` in the zone's wall-clock time.
    public static func localTime(_ time: Timestamp, zone: any ZoneOffsets) -> String {
        let local = time.millisecondsSinceEpoch + zone.offsetMilliseconds(at: time)
        let iso = Timestamp(millisecondsSinceEpoch: local).iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }

    static func categoryName(_ category: AccountingRules.Category) -> String {
        switch category {
        case .lost: "lost"
        case .degraded: "degraded"
        case .planned: "planned"
        }
    }

    public static func summaryPairs(_ report: SiteReport) -> [(String, String)] {
        let totals = report.totals
        return [
            ("Incidents", "\(totals.incidents)" + (report.backRecorded.isEmpty ? "" : " (\(report.backRecorded.count) back-recorded)")),
            ("Business hours lost", "\(Hours.clock(totals.lostMinutes))"),
            ("Business hours degraded", "\(Hours.clock(totals.degradedMinutes))"),
            ("Business hours of planned maintenance", "\(Hours.clock(totals.plannedMinutes))"),
            ("Total incident time, all hours", "\(Hours.clock(totals.totalMinutes))"),
            ("Business hours when courtwatch could not see (UNKNOWN)", "\(Hours.clock(report.unknownBusinessMinutes))"),
        ]
    }

    // MARK: HTML

    public static func html(_ report: SiteReport, zone: any ZoneOffsets, provenance: ReportProvenance) -> String {
        var page = HTMLWriter()
        page.element("h1", text: title(report))
        page.element("p", text: "Site \(report.site.id). Period \(period(report)) (\(report.site.timeZone)). "
            + "Generated \(report.generatedAt.iso8601). Times are site local time.")
        page.element("h2", text: "Summary")
        ReportPage.summaryTable(&page, summaryPairs(report))
        page.element("h2", text: "Business hours lost by system")
        page.raw(HTMLBarChart.svg(report.bySystem.map {
            .init(label: $0.key, value: Double($0.lostMinutes), valueText: Hours.clock($0.lostMinutes) + " lost")
        }, title: "Business hours lost by system", empty: "No incidents in this period."))
        totalsTable(&page, heading: "Totals by system", first: "System", report.bySystem)
        totalsTable(&page, heading: "Totals by month", first: "Month", report.byMonth)
        page.element("h2", text: "Incidents (\(report.rows.count))")
        page.scrollingTable(label: "Incidents in the period") { table in
            table.element("tr") { row in
                for heading in ["Incident", "Systems", "Started", "Ended", "Duration", "In business hours", "Counted as",
                                "Impact", "Planned", "Recorded", "Notes"] {
                    row.element("th", ["scope": "col"], text: heading)
                }
            }
            for item in report.rows {
                let incident = item.incident
                table.element("tr") { row in
                    row.element("td", text: "\(incident.id): \(incident.title)")
                    row.element("td", text: incident.systems.joined(separator: ", "))
                    row.element("td", text: local(incident.start, report, zone: zone))
                    row.element("td", text: incident.end.map { local($0, report, zone: zone) } ?? "still open")
                    row.element("td", text: Hours.clock(item.minutes))
                    row.element("td", text: Hours.clock(item.businessMinutes)
                        + (item.unknownMinutes > 0 ? " (\(Hours.clock(item.unknownMinutes)) unknown)" : ""))
                    row.element("td", text: categoryName(item.category))
                    row.element("td", text: incident.impact)
                    row.element("td", text: incident.planned ? "planned" : "unplanned")
                    row.element("td", text: recorded(incident))
                    row.element("td", text: (incident.tickets.map { "ticket \($0)" } + incident.notes).joined(separator: "; "))
                }
            }
        }
        page.element("h2", text: "How this report counts")
        page.element("ol") { list in
            for rule in report.rules { list.element("li", text: rule) }
        }
        page.element("p", ["class": "provenance"], text: provenance.line)
        return HTML.mainDocument(title: title(report), body: page.html)
    }

    static func recorded(_ incident: SiteReportIncident) -> String {
        switch incident.origin {
        case "back-recorded": "back-recorded by \(incident.recordedBy ?? "?") from \(incident.source ?? "?")"
        case "manual": "by hand, by \(incident.recordedBy ?? "?")"
        default: "by courtwatch"
        }
    }

    static func totalsTable(_ page: inout HTMLWriter, heading: String, first: String, _ totals: [SiteReport.Total]) {
        page.element("h2", text: heading)
        page.scrollingTable(label: heading) { table in
            table.element("tr") { row in
                for title in [first, "Incidents", "Lost (business hours)", "Degraded", "Planned", "All hours"] {
                    row.element("th", ["scope": "col"], text: title)
                }
            }
            for total in totals {
                table.element("tr") { row in
                    row.element("th", ["scope": "row"], text: total.key)
                    row.element("td", text: "\(total.incidents)")
                    row.element("td", text: Hours.clock(total.lostMinutes))
                    row.element("td", text: Hours.clock(total.degradedMinutes))
                    row.element("td", text: Hours.clock(total.plannedMinutes))
                    row.element("td", text: Hours.clock(total.totalMinutes))
                }
            }
        }
    }

    // MARK: CSV

    public static func csv(_ report: SiteReport, provenance: ReportProvenance) -> String {
        var csv = CSVWriter(header: ["section", "key", "title", "systems", "start_utc", "end_utc", "minutes",
                                    "business_minutes", "unknown_minutes", "counted_as", "impact", "planned", "origin",
                                    "recorded_by", "source", "tickets", "notes"])
        for item in report.rows {
            let incident = item.incident
            csv.row(["incident", "\(incident.id)", incident.title, incident.systems.joined(separator: " "),
                     incident.start.iso8601, incident.end?.iso8601 ?? "", "\(item.minutes)", "\(item.businessMinutes)",
                     "\(item.unknownMinutes)", categoryName(item.category), incident.impact,
                     incident.planned ? "planned" : "unplanned", incident.origin, incident.recordedBy ?? "",
                     incident.source ?? "", incident.tickets.joined(separator: " "), incident.notes.joined(separator: " | ")])
        }
        for (section, totals) in [("system", report.bySystem), ("month", report.byMonth), ("total", [report.totals])] {
            for total in totals {
                csv.row([section, total.key, "", "", "", "", "\(total.totalMinutes)", "\(total.lostMinutes)", "", "lost",
                         "", "", "", "", "", "", "incidents \(total.incidents); degraded \(total.degradedMinutes); "
                            + "planned \(total.plannedMinutes)"])
            }
        }
        csv.row(["provenance", "", provenance.line, "", "", "", "", "", "", "", "", "", "", "", "", "", ""])
        return csv.text
    }

    // MARK: JSON

    public static func json(_ report: SiteReport, provenance: ReportProvenance) -> String {
        func total(_ total: SiteReport.Total) -> ReportJSON {
            .object([
                ("key", .string(total.key)), ("incidents", .number(Int64(total.incidents))),
                ("lost_business_minutes", .number(total.lostMinutes)),
                ("degraded_business_minutes", .number(total.degradedMinutes)),
                ("planned_business_minutes", .number(total.plannedMinutes)), ("total_minutes", .number(total.totalMinutes)),
            ])
        }
        let rows: [ReportJSON] = report.rows.map { item in
            let incident = item.incident
            return .object([
                ("id", .number(incident.id)), ("title", .string(incident.title)),
                ("systems", .array(incident.systems.map { .string($0) })), ("start", .string(incident.start.iso8601)),
                ("end", .optional(incident.end?.iso8601)), ("minutes", .number(item.minutes)),
                ("business_minutes", .number(item.businessMinutes)), ("unknown_minutes", .number(item.unknownMinutes)),
                ("counted_as", .string(categoryName(item.category))), ("impact", .string(incident.impact)),
                ("planned", .bool(incident.planned)), ("origin", .string(incident.origin)),
                ("recorded_by", .optional(incident.recordedBy)), ("source", .optional(incident.source)),
                ("tickets", .array(incident.tickets.map { .string($0) })),
                ("notes", .array(incident.notes.map { .string($0) })),
            ])
        }
        let document: ReportJSON = .object([
            ("report", .string("site-failure-log")), ("site", .string(report.site.id)),
            ("site_name", .string(report.site.name)), ("time_zone", .string(report.site.timeZone)),
            ("from", .string(report.firstDay.iso8601)), ("to", .string(report.lastDay.iso8601)),
            ("generated_at", .string(report.generatedAt.iso8601)), ("incidents", .array(rows)),
            ("by_system", .array(report.bySystem.map(total))), ("by_month", .array(report.byMonth.map(total))),
            ("totals", total(report.totals)), ("unknown_business_minutes", .number(report.unknownBusinessMinutes)),
            ("rules", .array(report.rules.map { .string($0) })), ("provenance", .string(provenance.line)),
        ])
        return document.text() + "\n"
    }
}
