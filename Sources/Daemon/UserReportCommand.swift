import Foundation
import Configuration
import FailureLog
import Monitoring
import Reports

/// `courtwatch report user ID`: the per-person outage report, signed, and optionally a draft
/// foreseeability notice beside it.
enum UserReportCommand {
    static let help = """
        USAGE: courtwatch report user ID --from DATE --to DATE --format pdf|html|csv|json --out FILE
                                      [--as self|manager|union-rep|safety-rep|NAME --viewer NAME]
                                      [--foreseeability-notice FILE]

        Every incident on ID's systems at their site that overlaps their working time (daylight saving, bank
        holidays and leave included), with the overlap in minutes; their own entries; totals; hours lost by
        system; a paragraph to paste into an appraisal; a workload-reduction figure; the counting rules.

        The report is signed with the state directory's Ed25519 key: FILE.sig is written beside FILE and the
        report's last line says how to check it and which failure-log events it rests on (SHA-256).

        --as / --viewer: who is asking (default the person themself). A manager, union rep or named person
        gets the report only while ID shares it with them ('courtwatch staff share'). Every report made is
        recorded in ID's access log. A safety rep (--as safety-rep, shared with safety-rep) gets the
        health-and-safety entries only.
        --foreseeability-notice FILE: also write a pre-filled draft notice (HTML) to FILE. It is never sent.

        OPTIONS:
          --config DIR   Configuration directory holding staff/ (default \(CommandLineTool.defaultConfig))
          --state DIR    State directory (default \(CommandLineTool.defaultState))
        Exit codes: 0 written, 1 cannot read the log or write FILE, 64 bad usage, 65 unknown ID or bad dates,
        77 not shared with the viewer.
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "report user"
        let parsed = try ParsedArguments.parse(
            arguments, command: command,
            options: ["from", "to", "format", "out", "as", "viewer", "foreseeability-notice", "config", "state"],
            maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        guard let id = parsed.positionals.first else { throw .usage("report user needs a staff ID", command: command) }
        guard let fromText = parsed.option("from"), let toText = parsed.option("to") else {
            throw .usage("report user needs --from and --to", command: command)
        }
        guard let out = parsed.option("out") else { throw .usage("report user needs --out FILE", command: command) }
        let format = parsed.option("format") ?? "html"
        guard ["pdf", "html", "csv", "json"].contains(format) else {
            throw .usage("--format \(format) is not pdf, html, csv or json", command: command)
        }
        let first = try StaffSupport.date(fromText, option: "from")
        let last = try StaffSupport.date(toText, option: "to")
        guard first <= last else { throw CommandFailure(code: .dataError, message: "--from is after --to") }
        let role = parsed.option("as") ?? "self"
        let viewer = parsed.option("viewer") ?? (role == "self" ? id : role)
        if role != "self" && parsed.option("foreseeability-notice") != nil {
            throw .usage("--foreseeability-notice is for the person themself (drafts are theirs alone)",
                         command: command)
        }
        let made = try make(id, configDirectory: parsed.option("config") ?? CommandLineTool.defaultConfig,
                            stateDirectory: StaffSupport.store(parsed).stateDirectory, first: first, last: last,
                            format: format, role: role, viewer: viewer, fileName: out)
        let (report, provenance, bytes) = (made.report, made.provenance, made.bytes)
        do {
            try made.signer.writeSigned(bytes, to: out)
        } catch {
            throw CommandFailure(code: .failure, message: error.description)
        }
        print("wrote \(out) (\(bytes.count) bytes) and \(out).sig: \(report.totals.incidents) incidents, "
              + "\(Hours.text(report.totals.hoursLostMinutes)) hours lost (\(report.totals.percentOfContracted)%)")
        print("check: \(provenance.verificationCommand)")
        if let notice = parsed.option("foreseeability-notice") {
            try StaffSupport.writeFile(ForeseeabilityNotice.html(report, managerName: nil), to: notice)
            print("wrote a draft foreseeability notice to \(notice): it has not been sent")
        }
        return .success
    }

    /// A person's report as `role`/`viewer` may see it: refused (77) unless the person asked or has shared it
    /// with the viewer, and recorded in the person's access log either way it is made. What `courtwatch
    /// report user` writes and the web surface's /reports/user/ID serves; `fileName` goes into the
    /// printed verification line.
    static func make(_ id: String, configDirectory: String, stateDirectory: String, first: CivilDate, last: CivilDate,
                     format: String, role: String, viewer: String, fileName: String) throws(CommandFailure)
        -> (bytes: [UInt8], signer: ExportSigner, report: UserReport, provenance: ReportProvenance)
    {
        let directory: StaffDirectory
        do {
            directory = try StaffDirectory.load(directory: configDirectory)
        } catch {
            throw CommandFailure(code: .dataError, message: "staff configuration has errors:\n" + error.description)
        }
        let member = try StaffSupport.member(id, in: directory)
        let signer: ExportSigner
        do {
            signer = try ExportSigner.loadOrCreate(stateDirectory: stateDirectory)
        } catch {
            throw CommandFailure(code: .failure, message: error.description)
        }
        let now = Timestamp.now
        let (report, provenance) = try LogAccess.write(stateDirectory) { transaction -> (UserReport, ReportProvenance) in
            let connection = transaction.connection
            if role != "self" {
                let grantee = ["manager", "union-rep", "safety-rep"].contains(role) ? role : viewer
                let shares = try StaffLog.shares(connection, staffID: id)
                guard shares.contains(where: { $0.grantee == grantee && $0.isActive(at: now) }) else {
                    throw CommandFailure(code: .noPermission, message: "\(id) has not shared their report with "
                                         + "\(grantee) (or the share has expired or been revoked)")
                }
            }
            let report = try StaffSupport.report(for: member, directory: directory, first: first, last: last,
                                                 in: transaction, now: now)
            let events = try StaffLog.underlyingEvents(connection, entryIDs: report.entries.map(\.id),
                                                       incidentIDs: report.rows.map(\.incident.id))
            try StaffLog.recordAccess(staffID: id, viewer: viewer, role: role, action: "report \(format) "
                                      + "\(first.iso8601)..\(last.iso8601)", at: now, in: &transaction)
            let fingerprint = (try? signer.publicKey.fingerprint) ?? "unknown"
            return (report, ReportProvenance(eventCount: events.count, eventsSHA256: events.sha256,
                                             chainHeadSeq: events.headSeq, keyFingerprint: fingerprint,
                                             verificationCommand: signer.verificationCommand(for: fileName)))
        }
        return (render(report, format: format, role: role, provenance: provenance), signer, report, provenance)
    }

    static func render(_ report: UserReport, format: String, role: String, provenance: ReportProvenance) -> [UInt8] {
        if role == "safety-rep" { return HealthAndSafetyExtract.render(report, format: format, provenance: provenance) }
        return switch format {
        case "pdf": UserReportPDF.render(report, provenance: provenance)
        case "csv": Array(UserReportRenderer.csv(report, provenance: provenance).utf8)
        case "json": Array(UserReportRenderer.json(report, provenance: provenance).utf8)
        default: Array(UserReportRenderer.html(report, provenance: provenance).utf8)
        }
    }
}
