public import Continuity
import FailureLog
import Foundation
public import Monitoring

/// GET /forms/ and /forms/NAME.pdf|.html: the paper continuity forms, rendered by the same catalogue and
/// renderers as `courtwatch forms render`, pre-filled from the site's configuration (`WebEnvironment.forms`)
/// with an optional `?incident=ID&courtroom=R`; every download is recorded as `forms.issued` by the token's
/// subject, as the CLI records a render.
enum FormsPages {
    struct Fill {
        var courtroom: String?
        var incident: String?

        /// The query string to carry on the index page's links.
        var query: String {
            var parts: [String] = []
            if let incident { parts.append("incident=" + encode(incident)) }
            if let courtroom { parts.append("courtroom=" + encode(courtroom)) }
            return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
        }

        private func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
    }

    /// `incident` and `courtroom` only, each one line of at most 80 characters (the CLI's rule).
    static func fill(_ request: HTTPRequest) -> Result<Fill, HTTPResponse> {
        let allowed: Set<String> = ["courtroom", "incident"]
        if let unknown = request.query.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .failure(.error(400, "bad-query", "'\(unknown.prefix(40))' is not a query parameter here "
                + "(parameters: courtroom, incident)"))
        }
        for name in allowed.sorted() {
            // Control characters (line ends among them) would break the printed header line.
            if let value = request.query[name],
               value.isEmpty || value.count > 80 || value.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                return .failure(.error(400, "bad-query", "\(name) must be one line of 1 to 80 characters"))
            }
        }
        return .success(Fill(courtroom: request.query["courtroom"], incident: request.query["incident"]))
    }

    /// `page` puts the index's title and content in the page shell.
    static func index(_ request: HTTPRequest, forms: FormsSource?, now: Timestamp,
                      page: (_ title: String, _ content: String) -> HTTPResponse) -> HTTPResponse {
        guard let forms else { return unavailable }
        let fill: Fill
        switch Self.fill(request) {
        case .success(let value): fill = value
        case .failure(let response): return response
        }
        let site = forms(fill.courtroom, fill.incident, now)
        let entries = FormCatalogue.all.map { form in
            FormPackIndex.Entry(form: form, pdf: "/forms/\(form.name).pdf\(fill.query)",
                               html: "/forms/\(form.name).html\(fill.query)")
        }
        return page(FormPackIndex.title(site.context), FormPackIndex.content(entries, context: site.context))
    }

    static func file(_ name: String, _ request: HTTPRequest, forms: FormsSource?, by: String, stateDirectory: String,
                     now: Timestamp) -> HTTPResponse {
        let known = FormCatalogue.all.map(\.name).joined(separator: ", ")
        let format = name.hasSuffix(".pdf") ? "pdf" : name.hasSuffix(".html") ? "html" : nil
        guard let format, let form = FormCatalogue.form(named: String(name.dropLast(format.count + 1))) else {
            return .error(404, "no-such-form", "there is no form file '\(name.prefix(80))': ask for NAME.pdf or "
                + "NAME.html, NAME one of \(known)")
        }
        guard let forms else { return unavailable }
        let fill: Fill
        switch Self.fill(request) {
        case .success(let value): fill = value
        case .failure(let response): return response
        }
        let site = forms(fill.courtroom, fill.incident, now)
        let file = "\(form.id)-\(form.name).\(format)"
        let response = format == "pdf"
            ? HTTPResponse(status: 200, headers: [("Content-Type", "application/pdf")],
                           body: FormPDFRenderer.render(form, context: site.context).bytes())
            : .html(FormHTMLRenderer.render(form, context: site.context))
        // HEAD fetches nothing to print, so only GET is recorded.
        guard request.method == "GET" else { return response.adding("Content-Disposition", "inline; filename=\"\(file)\"") }
        let outcome = FormsIssueRecorder.record(
            site: site.site, forms: [.init(id: form.id, version: form.version, count: 1)], incident: fill.incident,
            by: by, stateDirectory: stateDirectory)
        let recorded: String
        switch outcome {
        case .recorded(let seq): recorded = "event \(seq)"
        case .notRecorded(let reason): recorded = "no: \(reason)".replacingOccurrences(of: "\n", with: " ")
        }
        return response.adding("Content-Disposition", "inline; filename=\"\(file)\"")
            .adding("X-Courtwatch-Forms-Issued", String(recorded.prefix(200)))
    }

    static let unavailable = HTTPResponse.error(503, "forms-unavailable",
                                                "this server has no site configuration to fill the forms from")
}

/// What a form is pre-filled with here: the site ID (for the `forms.issued` event) and the context.
public struct FormSite: Sendable {
    public var site: String
    public var context: FormContext

    public init(site: String, context: FormContext) {
        self.site = site
        self.context = context
    }
}

/// Builds the forms' pre-fill from courtroom and incident, as `courtwatch forms` does from the configuration.
public typealias FormsSource = @Sendable (_ courtroom: String?, _ incident: String?, _ now: Timestamp) -> FormSite
