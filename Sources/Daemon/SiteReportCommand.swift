import Foundation
import Configuration
import FailureLog
import Monitoring
import Reports

/// `courtwatch report site SITE`: the site failure-log report for managers and union reps, signed.
enum SiteReportCommand {
    static let help = """
        USAGE: courtwatch report site SITE --from DATE --to DATE --format pdf|html|csv|json --out FILE
                                      [--count-planned] [--count-degraded] [--config DIR] [--state DIR]

        Every incident at SITE that overlaps the days --from to --to (inclusive, in the site's time zone):
        start, end, duration, the part inside business hours (BusinessHours= in site.conf, less bank holidays),
        systems, impact, planned or not, who recorded it (back-recorded incidents are marked, with their
        source), tickets and the notes timeline; totals per system and per month; a bar chart of business
        hours lost by system (PDF and HTML); and the counting rules printed on the report.

        The report is signed with the state directory's Ed25519 key: FILE.sig is written beside it and the
        report's last line says how to check it with openssl and which failure-log events it rests on.

        OPTIONS:
          --count-planned   Count planned maintenance as lost time (default: its own column)
          --count-degraded  Count degraded service (intermittent, minor impact) as lost time (default: own column)
          --config DIR      Configuration directory (default \(CommandLineTool.defaultConfig))
          --state DIR       State directory (default \(CommandLineTool.defaultState))
        Exit codes: 0 written, 1 cannot read the log or write FILE, 64 bad usage, 65 unknown site or bad dates.
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "report site"
        let parsed = try ParsedArguments.parse(arguments, command: command,
                                               options: ["from", "to", "format", "out", "config", "state"],
                                               flags: ["count-planned", "count-degraded"], maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        guard let siteID = parsed.positionals.first else { throw .usage("report site needs a site ID", command: command) }
        let fromText = try IncidentsCommand.required(parsed, "from", command: command)
        let toText = try IncidentsCommand.required(parsed, "to", command: command)
        let out = try IncidentsCommand.required(parsed, "out", command: command)
        let format = try IncidentsCommand.required(parsed, "format", command: command)
        guard ["pdf", "html", "csv", "json"].contains(format) else {
            throw .usage("--format \(format) is not pdf, html, csv or json", command: command)
        }
        guard let first = CivilDate(iso8601: fromText) else {
            throw .usage("--from \(fromText) is not a date like 2026-04-01", command: command)
        }
        guard let last = CivilDate(iso8601: toText) else {
            throw .usage("--to \(toText) is not a date like 2026-06-30", command: command)
        }
        guard first <= last else { throw CommandFailure(code: .dataError, message: "--from is after --to") }
        let directory = parsed.option("config") ?? CommandLineTool.defaultConfig
        let configuration = try CommandLineTool.loadConfiguration(directory)
        guard configuration.site.id == siteID else {
            throw CommandFailure(code: .dataError,
                                 message: "unknown site '\(siteID)' (\(directory) configures '\(configuration.site.id)')")
        }
        let rules = AccountingRules(plannedCountsAsLost: parsed.flag("count-planned"),
                                    degradedCountsAsLost: parsed.flag("count-degraded"))
        let rendered = try render(configuration: configuration,
                                  stateDirectory: parsed.option("state") ?? CommandLineTool.defaultState,
                                  first: first, last: last, format: format, rules: rules, fileName: out)
        do {
            try rendered.signer.writeSigned(rendered.bytes, to: out)
        } catch {
            throw CommandFailure(code: .failure, message: "\(error)")
        }
        let (report, provenance) = (rendered.report, rendered.provenance)
        let totals = report.totals
        print("wrote \(out) and \(out).sig: \(totals.incidents) incidents, \(Hours.clock(totals.lostMinutes)) of "
              + "business hours lost" + (report.backRecorded.isEmpty ? "" : " (\(report.backRecorded.count) back-recorded)"))
        print("check: \(provenance.verificationCommand)")
        return .success
    }

    /// The report's bytes in `format`, and the key to sign them with: what `courtwatch report site` writes
    /// and the web surface's /reports/site serves. `fileName` goes into the printed verification line.
    static func render(configuration: SiteConfiguration, stateDirectory: String, first: CivilDate, last: CivilDate,
                       format: String, rules: AccountingRules, fileName: String) throws(CommandFailure)
        -> (bytes: [UInt8], signer: ExportSigner, report: SiteReport, provenance: ReportProvenance)
    {
        let site = configuration.site
        let directory = configuration.directory
        guard let zone = SystemTimeZone(identifier: site.timeZone) else {
            throw CommandFailure(code: .dataError, message: "TimeZone=\(site.timeZone) is not in this system's time-zone database")
        }
        let holidays = configuration.holidays
        // A site without BusinessHours= counts every hour.
        let hours = site.businessHours ?? (try? WeeklySchedule(parsing: "Mon-Sun 00:00-24:00"))!
        let pattern = WorkingPattern(hours: hours, zone: zone, holidays: site.businessHours == nil ? HolidayCalendar() : holidays)
        let store = FailureLogStore(stateDirectory: stateDirectory)
        let now = Timestamp.now
        do {
            let signer = try ExportSigner.loadOrCreate(stateDirectory: store.stateDirectory)
            let reader = try LogReader(store: store)
            var input = SiteReportBuilder.Input(site: site, businessHours: pattern, firstDay: first, lastDay: last,
                                                incidents: [], rules: rules, generatedAt: now)
            let period = input.period
            let incidents = try reader.incidents(IncidentFilter(from: period.start, to: period.end, site: site.id))
            let ids = incidents.map(\.id)
            let notes = try reader.incidentNotes(ids)
            let tickets = try reader.incidentTickets(ids)
            input.incidents = incidents.map { incident in
                SiteReportIncident(
                    id: incident.id, title: incident.title, systems: incident.systems, kind: incident.kind,
                    impact: incident.impact.rawValue, planned: incident.planned, origin: incident.origin.rawValue,
                    recordedBy: incident.recordedBy, source: incident.source, status: incident.status.rawValue,
                    start: incident.startedAt, end: incident.resolvedAt,
                    notes: (notes[incident.id] ?? []).filter { $0.kind != "opened" && $0.kind != "ticket" }.map { update in
                        "\(SiteReportRenderer.localTime(update.at, zone: zone)) \(update.kind) by \(update.by)"
                            + (update.text.map { ": \($0)" } ?? "")
                    },
                    tickets: tickets[incident.id] ?? [])
            }
            input.unknown = try StaffLog.unknownSpans(reader.connection, span: period)
            let report = SiteReportBuilder.build(input)
            let events = try StaffLog.underlyingEvents(reader.connection, entryIDs: [], incidentIDs: ids)
            let provenance = ReportProvenance(eventCount: events.count, eventsSHA256: events.sha256,
                                              chainHeadSeq: events.headSeq, keyFingerprint: signer.publicKey.fingerprint,
                                              verificationCommand: signer.verificationCommand(for: fileName))
            let bytes: [UInt8] = switch format {
            case "pdf": SiteReportPDF.render(report, zone: zone, provenance: provenance)
            case "csv": Array(SiteReportRenderer.csv(report, provenance: provenance).utf8)
            case "json": Array(SiteReportRenderer.json(report, provenance: provenance).utf8)
            default: Array(SiteReportRenderer.html(report, zone: zone, provenance: provenance).utf8)
            }
            return (bytes, signer, report, provenance)
        } catch let error as FailureLogStore.Failure {
            throw CommandFailure(code: .failure, message: error.description)
        } catch {
            throw CommandFailure(code: .failure, message: "\(error)")
        }
    }
}
