import Foundation
import FailureLog
import Monitoring

/// The reports page and its two GET helpers for browsers (`ReportsPage` renders).
extension WebApplication {
    /// GET /reports/: the forms for the viewer's role, with this month so far as the default period.
    func reportsPage(_ visit: Visit, now: Timestamp, error: (message: String, typed: String)?,
                     status: Int = 200) -> HTTPResponse {
        guard let principal = visit.principal else { return Self.seeOther("/signin?next=/reports/") }
        var site: SiteDefinition?
        _ = withReader { reader in
            site = try reader.site()
            return .text("")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = Self.zone(site)
        formatter.dateFormat = "yyyy-MM-dd"
        let date = { (time: Timestamp) in formatter.string(from: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000)) }
        let today = date(now)
        let content = ReportsPage.render(principal, from: String(today.prefix(8)) + "01", to: today,
                                         logTo: date(now + .seconds(86_400)), error: error)
        return page(visit, title: "Reports — \(siteName())", content: content, status: status, current: "/reports/")
    }

    /// GET /reports/log: the API's signed log export for a signed-in browser (the API takes bearer tokens
    /// only). A form's empty optional fields are left out rather than refused.
    func logExportDownload(_ visit: Visit) -> HTTPResponse {
        var request = visit.request
        request.query = request.query.filter { !$0.value.isEmpty }
        return LogExportAPI.export(request, exporter: environment.logExport, stateDirectory: environment.stateDirectory)
    }

    /// GET /reports/person?id=ID&from&to&format: 303 to `/reports/user/ID?...`, where the sharing rules apply.
    /// A blank or malformed ID re-renders the reports page naming the field (422).
    func personReport(_ visit: Visit, now: Timestamp) -> HTTPResponse {
        let query = visit.request.query
        let id = (query["id"] ?? "").trimmingCharacters(in: .whitespaces)
        let allowedCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !id.isEmpty, id.count <= 64, id.unicodeScalars.allSatisfy({ allowedCharacters.contains($0) && $0.isASCII })
        else {
            let message = id.isEmpty ? "Enter the person's staff ID."
                : "A staff ID is letters, digits, '-', '_' and '.' only (at most 64)."
            return reportsPage(visit, now: now, error: (message, String(id.prefix(64))), status: 422)
        }
        var parts: [String] = []
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        for name in ["from", "to", "format"] {
            if let value = query[name], !value.isEmpty {
                parts.append(name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""))
            }
        }
        return Self.seeOther("/reports/user/\(id)" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&")))
    }
}
