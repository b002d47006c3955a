import Foundation
import Configuration
import Continuity
import Documents
import FailureLog
import Monitoring

/// `courtwatch forms list|render|pack`: the paper continuity forms (issue #5), printed from the catalogue.
enum FormsCommand {
    static let help = """
        USAGE: courtwatch forms list [--json]
               courtwatch forms render NAME --site SITE --format pdf|html --out FILE [options]
               courtwatch forms pack --site SITE --out DIR [options]

        The paper forms staff use while systems are down: court register, bail and remand record, warrant and
        custody handover, electronic monitoring notification, advocate attendance, daily list, partner
        notification checklist, juror attendance, probation contact record, reception sign-in, site IT failure
        log and the site contacts sheet. Every page carries the site, courtroom, date, incident reference,
        form ID and version, page x of y and a back-record footer. Forms are blank or pre-filled with site
        and incident data only, never case data. Works offline.

        'pack' writes every form as PDF and HTML plus index.html, for pre-printing blank stock before
        anything fails. Each render or pack is recorded in the failure log as a forms.issued event when the
        state directory exists and is writable; without one the forms are still written.

        OPTIONS:
          --json             (list) Print JSON
          --site SITE        The site ID of the configuration (site.conf [Site] ID=)
          --format FORMAT    (render) pdf or html
          --out PATH         (render) the file to write; (pack) the directory to fill
          --incident ID      Incident reference printed on every page
          --courtroom ROOM   Courtroom printed on every page
          --by NAME          Who issued the forms (recorded in the event)
          --copies N         How many copies are being printed, for the record (default 1)
          --config DIR       Configuration directory (default \(CommandLineTool.defaultConfig))
          --state DIR        State directory (default \(CommandLineTool.defaultState))
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        switch arguments.first {
        case "list": return try list(arguments.dropFirst())
        case "render": return try render(arguments.dropFirst())
        case "pack": return try pack(arguments.dropFirst())
        case "--help", "-h", nil:
            print(help)
            return arguments.isEmpty ? .usage : .success
        case let other?:
            throw .usage("unknown forms action '\(other)'; use list, render or pack", command: "forms")
        }
    }

    // MARK: list

    static func list(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(arguments, command: "forms list", options: [], flags: ["json"])
        if parsed.wantsHelp { print(help); return .success }
        if parsed.flag("json") {
            let forms: [JSONValue] = FormCatalogue.all.map { form in
                .object(["id": .string(form.id), "name": .string(form.name), "version": .string(form.version),
                         "title": .string(form.title), "purpose": .string(form.purpose),
                         "orientation": .string(form.landscape ? "landscape" : "portrait")])
            }
            print(JSONValue.array(forms).canonicalText)
            return .success
        }
        let nameWidth = FormCatalogue.all.map(\.name.count).max() ?? 4
        func padded(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        print("\(padded("ID", 7))  \(padded("NAME", nameWidth))  VERSION  TITLE")
        for form in FormCatalogue.all {
            print("\(padded(form.id, 7))  \(padded(form.name, nameWidth))  \(padded(form.version, 7))  \(form.title)")
        }
        return .success
    }

    // MARK: render

    static func render(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(
            arguments, command: "forms render",
            options: ["site", "format", "out", "incident", "courtroom", "by", "copies", "config", "state"],
            maximumPositionals: 1)
        if parsed.wantsHelp { print(help); return .success }
        guard let name = parsed.positionals.first else {
            throw .usage("forms render needs a form NAME; known forms: \(knownNames)", command: "forms")
        }
        guard let form = FormCatalogue.form(named: name) else {
            throw .usage("unknown form '\(name)'; known forms: \(knownNames)", command: "forms")
        }
        guard let format = parsed.option("format") else {
            throw .usage("--format pdf|html is required", command: "forms")
        }
        guard format == "pdf" || format == "html" else {
            throw .usage("--format must be pdf or html, not '\(format)'", command: "forms")
        }
        guard let out = parsed.option("out") else { throw .usage("--out FILE is required", command: "forms") }
        let setup = try Setup(parsed)
        if let note = FormsIssueRecorder.unknownIncidentNote(setup.context.incident,
                                                             stateDirectory: setup.stateDirectory) {
            print(note)
        }
        let bytes = format == "pdf"
            ? FormPDFRenderer.render(form, context: setup.context).bytes()
            : Array(FormHTMLRenderer.render(form, context: setup.context).utf8)
        try write(bytes, to: out)
        print("Wrote \(form.name) (\(form.id) version \(form.version)) as \(format.uppercased()) to \(out).")
        let outcome = FormsIssueRecorder.record(
            site: setup.siteID, forms: [.init(id: form.id, version: form.version, count: setup.copies)],
            incident: setup.context.incident, by: parsed.option("by"), stateDirectory: setup.stateDirectory)
        print(FormsIssueRecorder.describe(outcome, pack: false))
        return .success
    }

    // MARK: pack

    static func pack(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let parsed = try ParsedArguments.parse(
            arguments, command: "forms pack",
            options: ["site", "out", "incident", "courtroom", "by", "copies", "config", "state"])
        if parsed.wantsHelp { print(help); return .success }
        guard let out = parsed.option("out") else { throw .usage("--out DIR is required", command: "forms") }
        let setup = try Setup(parsed)
        if let note = FormsIssueRecorder.unknownIncidentNote(setup.context.incident,
                                                             stateDirectory: setup.stateDirectory) {
            print(note)
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(code: .failure,
                                 message: "\(out): cannot create the directory (\(error.localizedDescription))")
        }
        var entries: [FormPackIndex.Entry] = []
        for form in FormCatalogue.all {
            let base = "\(form.id)-\(form.name)"
            try write(FormPDFRenderer.render(form, context: setup.context).bytes(), to: "\(out)/\(base).pdf")
            try write(Array(FormHTMLRenderer.render(form, context: setup.context).utf8), to: "\(out)/\(base).html")
            entries.append(.init(form: form, pdf: "\(base).pdf", html: "\(base).html"))
        }
        try write(Array(FormPackIndex.render(entries, context: setup.context).utf8), to: "\(out)/index.html")
        print("Wrote \(entries.count) forms as PDF and HTML, and index.html, to \(out).")
        let outcome = FormsIssueRecorder.record(
            site: setup.siteID,
            forms: FormCatalogue.all.map { .init(id: $0.id, version: $0.version, count: setup.copies) },
            incident: setup.context.incident, by: parsed.option("by"), stateDirectory: setup.stateDirectory)
        print(FormsIssueRecorder.describe(outcome, pack: true))
        return .success
    }

    // MARK: Shared

    static var knownNames: String { FormCatalogue.all.map(\.name).joined(separator: ", ") }

    /// What render and pack share: the site from the configuration and the checked options.
    private struct Setup {
        var siteID: String
        var context: FormContext
        var copies: Int
        var stateDirectory: String

        init(_ parsed: ParsedArguments) throws(CommandFailure) {
            guard let site = parsed.option("site") else { throw .usage("--site SITE is required", command: "forms") }
            let directory = parsed.option("config") ?? CommandLineTool.defaultConfig
            let configuration = try CommandLineTool.loadConfiguration(directory)
            guard configuration.site.id == site else {
                throw CommandFailure(
                    code: .dataError,
                    message: "unknown site '\(site)': the configuration in \(directory) is for site "
                        + "'\(configuration.site.id)' (\(configuration.site.name))")
            }
            for option in ["incident", "courtroom", "by"] {
                if let value = parsed.option(option), value.count > 80 || value.contains(where: \.isNewline) {
                    throw .usage("--\(option) must be one line of at most 80 characters", command: "forms")
                }
            }
            copies = 1
            if let text = parsed.option("copies") {
                guard let number = Int(text), (1...10_000).contains(number) else {
                    throw .usage("--copies must be a whole number from 1 to 10000, not '\(text)'", command: "forms")
                }
                copies = number
            }
            siteID = site
            stateDirectory = parsed.option("state") ?? CommandLineTool.defaultState
            context = FormsCommand.context(configuration, courtroom: parsed.option("courtroom"),
                                           incident: parsed.option("incident"), at: .now)
        }
    }

    /// What every form is pre-filled with: the site's name and contacts, and the courtroom and incident
    /// given. Shared with the web surface's /forms/.
    static func context(_ configuration: SiteConfiguration, courtroom: String?, incident: String?,
                        at now: Timestamp) -> FormContext {
        FormContext(
            siteName: configuration.site.name, courtroom: courtroom, incident: incident,
            contacts: configuration.contacts.map {
                FormContact(role: $0.role, name: $0.name ?? "", phone: $0.phone ?? "", email: $0.email ?? "",
                            hours: $0.hours ?? "")
            },
            createdAtEpochSeconds: now.millisecondsSinceEpoch / 1000)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(CommandFailure) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure(code: .failure, message: "\(path): cannot write (\(error.localizedDescription))")
        }
    }
}
