public import Monitoring
import Documents

/// Turns a `UserReport` into HTML, CSV or JSON bytes (PDF: `UserReportPDF`).
public enum UserReportRenderer {
    static func categoryName(_ category: AccountingRules.Category) -> String {
        switch category {
        case .lost: "outage"
        case .degraded: "degraded"
        case .planned: "planned maintenance"
        }
    }

    // MARK: HTML

    public static func html(_ report: UserReport, provenance: ReportProvenance) -> String {
        let member = report.member
        let totals = report.totals
        var page = HTMLWriter()
        page.element("h1", text: "IT failures and my working time")
        page.element("p", text: "\(member.name) (\(member.id)), \(member.role)"
            + (member.team.map { ", team \($0)" } ?? "") + ", site \(member.site). Period "
            + "\(AppraisalParagraph.longDate(report.firstDay)) to \(AppraisalParagraph.longDate(report.lastDay)) "
            + "(\(member.timeZone)). Working hours: \(member.workingHours.text). "
            + "Generated \(report.generatedAt.iso8601).")
        page.element("h2", text: "Summary")
        ReportPage.summaryTable(&page, summaryPairs(report))
        page.element("h2", text: "For your appraisal or supervision record")
        page.element("p", ["class": "paste"], text: AppraisalParagraph.text(for: report))
        page.element("p", text: "Workload reduction to enter: \(report.workloadReductionHours) hours.")
        page.element("h2", text: "Hours lost by system")
        page.raw(chartSVG(report.bySystem))
        page.element("h2", text: "Incidents in my working time (\(totals.incidents))")
        page.scrollingTable(label: "Incidents in my working time") { table in
            table.element("tr") { row in
                for heading in ["Incident", "Systems", "Started", "Ended", "Counted as", "Working minutes",
                                "Unknown minutes", "I logged"] { row.element("th", ["scope": "col"], text: heading) }
            }
            for item in report.rows {
                table.element("tr") { row in
                    row.element("td", text: "#\(item.incident.id) \(item.incident.title)")
                    row.element("td", text: item.systems.joined(separator: ", "))
                    row.element("td", text: report.localText(item.incident.start))
                    row.element("td", text: item.incident.end.map(report.localText) ?? "still open")
                    row.element("td", text: categoryName(item.category))
                    row.element("td", text: "\(item.workingMinutes)")
                    row.element("td", text: "\(item.unknownMinutes)")
                    row.element("td", text: item.selfLoggedMinutes.map { "\($0) min" } ?? "")
                }
            }
        }
        page.element("h2", text: "What I logged (\(report.entries.count))")
        page.scrollingTable(label: "What I logged") { table in
            table.element("tr") { row in
                for heading in ["Entry", "When", "Kind", "Systems", "Details", "Incidents"] {
                    row.element("th", ["scope": "col"], text: heading)
                }
            }
            for entry in report.entries {
                table.element("tr") { row in
                    row.element("td", text: entry.id)
                    row.element("td", text: report.localText(entry.at))
                    row.element("td", text: entry.kind.rawValue)
                    row.element("td", text: entry.systems.joined(separator: ", "))
                    row.element("td", text: EntryText.summary(entry))
                    row.element("td", text: entry.incidentIDs.map { "#\($0)" }.joined(separator: ", "))
                }
            }
        }
        page.element("h2", text: "How the figures are counted")
        page.element("ul") { list in
            for rule in report.rules.printed { list.element("li", text: rule) }
        }
        page.element("h2", text: "Verification")
        page.element("p", ["class": "verification"], text: provenance.line)
        return HTML.mainDocument(title: "IT failures and my working time: \(member.id)", body: page.html,
                             extraCSS: "\n.paste { border-left: 4px solid #555; padding-left: 1em; }\n")
    }

    static func summaryPairs(_ report: UserReport) -> [(String, String)] {
        let totals = report.totals
        return [
            ("Incidents in my working time (outages)", "\(totals.incidents) (\(totals.outages))"),
            ("Hours lost",
             "\(Hours.text(totals.hoursLostMinutes)) (\(totals.percentOfContracted)% of contracted hours)"),
            ("of which logged by me, matching no incident", Hours.text(totals.unmatchedSelfLoggedMinutes)),
            ("Degraded service (not counted as lost)", Hours.text(totals.degradedMinutes)),
            ("Planned maintenance (not counted as lost)", Hours.text(totals.plannedMinutes)),
            ("Unknown: courtwatch could not see", Hours.text(totals.unknownMinutes)),
            ("Contracted hours in the period", Hours.text(totals.contractedMinutes)),
            ("Extra hours worked", Hours.text(totals.extraMinutes)),
            ("Costs met myself", Money.format(pence: totals.costPence)),
            ("Deadlines at risk / missed", "\(totals.deadlinesAtRisk) / \(totals.deadlinesMissed)"),
            ("Health and safety flags", "\(totals.healthAndSafetyFlags)"),
            ("Workload reduction (hours)", report.workloadReductionHours),
        ]
    }

    /// Horizontal bars, lost and (lighter, stacked) degraded hours per system, as inline SVG.
    static func chartSVG(_ totals: [UserReport.SystemTotal]) -> String {
        HTMLBarChart.svg(totals.map { total in
            HTMLBarChart.Bar(label: total.system, value: Double(total.lostMinutes), stacked: Double(total.degradedMinutes),
                             valueText: "\(Hours.text(total.lostMinutes)) h lost"
                                 + (total.degradedMinutes > 0 ? ", \(Hours.text(total.degradedMinutes)) h degraded" : ""))
        }, title: "Hours lost by system", empty: "No incidents met your working time.")
    }

    // MARK: CSV

    /// One row per incident, then one per entry, then the totals: a union rep can aggregate these (with
    /// consent) without reading the HTML.
    public static func csv(_ report: UserReport, provenance: ReportProvenance) -> String {
        var csv = CSVWriter(header: ["section", "id", "title_or_kind", "systems", "start_utc", "end_utc", "counted_as",
                                    "working_minutes", "unknown_minutes", "self_logged_minutes", "details"])
        for item in report.rows {
            csv.row(["incident", "\(item.incident.id)", item.incident.title, item.systems.joined(separator: " "),
                     item.incident.start.iso8601, item.incident.end?.iso8601 ?? "", categoryName(item.category),
                     "\(item.workingMinutes)", "\(item.unknownMinutes)", item.selfLoggedMinutes.map(String.init) ?? "",
                     ""])
        }
        for entry in report.entries {
            csv.row(["entry", entry.id, entry.kind.rawValue, entry.systems.joined(separator: " "), entry.at.iso8601,
                     entry.end?.iso8601 ?? "", "", entry.minutes.map(String.init) ?? "", "", "",
                     EntryText.summary(entry)])
        }
        for (label, value) in summaryPairs(report) { csv.row(["total", "", label, "", "", "", "", "", "", "", value]) }
        for total in report.bySystem {
            csv.row(["system", "", total.system, "", "", "", "", "\(total.lostMinutes)", "", "",
                     "degraded \(total.degradedMinutes)"])
        }
        csv.row(["verification", "", "", "", "", "", "", "", "", "", provenance.line])
        return csv.text
    }

    // MARK: JSON

    public static func json(_ report: UserReport, provenance: ReportProvenance) -> String {
        let member = report.member
        let totals = report.totals
        let value = ReportJSON.object([
            ("report", .string("courtwatch per-person outage report")),
            ("staff", .object([("id", .string(member.id)), ("name", .string(member.name)),
                               ("role", .string(member.role)),
                               ("team", .optional(member.team)), ("site", .string(member.site)),
                               ("time_zone", .string(member.timeZone)),
                               ("working_hours", .string(member.workingHours.text)),
                               ("systems", .array(member.systems.map { .string($0) }))])),
            ("period", .object([("first_day", .string(report.firstDay.iso8601)),
                                ("last_day", .string(report.lastDay.iso8601)),
                                ("start_utc", .string(report.period.start.iso8601)),
                                ("end_utc", .string(report.period.end.iso8601))])),
            ("generated_at", .string(report.generatedAt.iso8601)),
            ("totals", .object([
                ("incidents", .number(Int64(totals.incidents))), ("outages", .number(Int64(totals.outages))),
                ("hours_lost", .decimal(Hours.text(totals.hoursLostMinutes))),
                ("lost_minutes", .number(totals.lostMinutes)),
                ("unmatched_self_logged_minutes", .number(totals.unmatchedSelfLoggedMinutes)),
                ("degraded_minutes", .number(totals.degradedMinutes)),
                ("planned_minutes", .number(totals.plannedMinutes)),
                ("unknown_minutes", .number(totals.unknownMinutes)),
                ("contracted_minutes", .number(totals.contractedMinutes)),
                ("percent_of_contracted", .decimal(totals.percentOfContracted)),
                ("extra_minutes", .number(totals.extraMinutes)), ("cost_pence", .number(Int64(totals.costPence))),
                ("deadlines_at_risk", .number(Int64(totals.deadlinesAtRisk))),
                ("deadlines_missed", .number(Int64(totals.deadlinesMissed))),
                ("health_and_safety_flags", .number(Int64(totals.healthAndSafetyFlags))),
                ("workload_reduction_hours", .decimal(report.workloadReductionHours)),
            ])),
            ("by_system", .array(report.bySystem.map {
                .object([("system", .string($0.system)), ("lost_minutes", .number($0.lostMinutes)),
                         ("degraded_minutes", .number($0.degradedMinutes))])
            })),
            ("incidents", .array(report.rows.map { item in
                .object([("id", .number(item.incident.id)), ("title", .string(item.incident.title)),
                         ("systems", .array(item.systems.map { .string($0) })),
                         ("start_utc", .string(item.incident.start.iso8601)),
                         ("end_utc", .optional(item.incident.end?.iso8601)),
                         ("counted_as", .string(categoryName(item.category))),
                         ("working_minutes", .number(item.workingMinutes)),
                         ("unknown_minutes", .number(item.unknownMinutes)),
                         ("self_logged_minutes", .optional(item.selfLoggedMinutes.map(Int64.init)))])
            })),
            ("entries", .array(report.entries.map(entryJSON))),
            ("appraisal_paragraph", .string(AppraisalParagraph.text(for: report))),
            ("rules", .array(report.rules.printed.map { .string($0) })),
            ("verification", .object([("events", .number(Int64(provenance.eventCount))),
                                      ("events_sha256", .string(provenance.eventsSHA256)),
                                      ("chain_head_seq", .number(provenance.chainHeadSeq)),
                                      ("key_fingerprint", .string(provenance.keyFingerprint)),
                                      ("check", .string(provenance.verificationCommand))])),
        ])
        return value.text() + "\n"
    }

    public static func entryJSON(_ entry: StaffEntry) -> ReportJSON {
        .object([("id", .string(entry.id)), ("kind", .string(entry.kind.rawValue)),
                 ("at_utc", .string(entry.at.iso8601)),
                 ("end_utc", .optional(entry.end?.iso8601)), ("systems", .array(entry.systems.map { .string($0) })),
                 ("fields", .object(entry.fields.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                 ("incidents", .array(entry.incidentIDs.map { .number($0) })), ("erased", .bool(entry.erased)),
                 ("recorded_at_utc", .string(entry.recordedAt.iso8601))])
    }
}
