import FailureLog
import Foundation

/// GET /reports/site (and /reports/user/ID): the signed reports `courtwatch report site|user` writes, made by
/// the daemon's `Reporter` (the commands' own rendering), served with the detached Ed25519 signature the CLI
/// writes to FILE.sig in `X-Courtwatch-Signature` (base64).
enum ReportsAPI {
    static let parameters: Set<String> = ["count_degraded", "count_planned", "format", "from", "to"]

    static func query(_ request: HTTPRequest, subject: String?, viewer: Principal?) -> Result<ReportQuery, HTTPResponse> {
        let allowed = subject == nil ? parameters : ["format", "from", "to"]
        if let unknown = request.query.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .failure(.error(400, "bad-query", "'\(unknown.prefix(40))' is not a query parameter here "
                + "(parameters: \(allowed.sorted().joined(separator: ", ")))"))
        }
        for name in ["from", "to"] where (request.query[name] ?? "").isEmpty {
            return .failure(.error(400, "bad-query", "\(name) is required: a date like 2026-04-01"))
        }
        let format = request.query["format"] ?? "html"
        guard ["pdf", "html", "csv", "json"].contains(format) else {
            return .failure(.error(400, "bad-query", "format must be pdf, html, csv or json, not '\(format.prefix(20))'"))
        }
        var flags: [String: Bool] = [:]
        for name in ["count_planned", "count_degraded"] {
            switch request.query[name] {
            case nil, "no"?, "false"?: flags[name] = false
            case "yes"?, "true"?: flags[name] = true
            case let other?: return .failure(.error(400, "bad-query", "\(name)=\(other.prefix(20)) is not yes or no"))
            }
        }
        return .success(ReportQuery(from: request.query["from"] ?? "", to: request.query["to"] ?? "", format: format,
                                    countPlanned: flags["count_planned"] ?? false,
                                    countDegraded: flags["count_degraded"] ?? false, subject: subject, viewer: viewer))
    }

    static func serve(_ request: HTTPRequest, subject: String?, viewer: Principal?, reporter: Reporter?) -> HTTPResponse {
        let query: ReportQuery
        switch Self.query(request, subject: subject, viewer: viewer) {
        case .success(let value): query = value
        case .failure(let response): return response
        }
        guard let reporter else {
            return .error(503, "reports-unavailable", "this server cannot make reports (no daemon behind it)")
        }
        let document: SignedDocument
        do throws(ServiceFailure) {
            document = try reporter(query)
        } catch {
            return error.response
        }
        let type = switch query.format {
        case "pdf": "application/pdf"
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json"
        default: "text/html; charset=utf-8"
        }
        var response = HTTPResponse(status: 200, headers: [("Content-Type", type)], body: document.bytes)
        if query.format != "html" {
            response = response.adding("Content-Disposition", "attachment; filename=\"\(document.fileName)\"")
        }
        if let signature = document.signature {
            response = response.adding("X-Courtwatch-Signature", Data(signature).base64EncodedString())
        }
        return response
    }
}

/// A report asked for over the web. `subject` is the staff ID of a user report (nil: the site report);
/// `viewer` is the token's holder, who the access rules and the person's access log are about.
public struct ReportQuery: Sendable, Equatable {
    public var from: String
    public var to: String
    public var format: String
    public var countPlanned: Bool
    public var countDegraded: Bool
    public var subject: String?
    public var viewer: Principal?
}

/// A rendered report and its detached signature.
public struct SignedDocument: Sendable {
    public var bytes: [UInt8]
    public var signature: [UInt8]?
    public var fileName: String

    public init(bytes: [UInt8], signature: [UInt8]?, fileName: String) {
        self.bytes = bytes
        self.signature = signature
        self.fileName = fileName
    }
}

/// Makes a report as `courtwatch report site|user` does.
public typealias Reporter = @Sendable (ReportQuery) throws(ServiceFailure) -> SignedDocument
