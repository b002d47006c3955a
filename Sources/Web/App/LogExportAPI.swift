import FailureLog
import Foundation

/// GET /api/v1/log/export: the bytes `courtwatch log export` writes (the daemon's `LogExportCommand.render`,
/// through `WebEnvironment.logExport`), with the detached Ed25519 signature `--sign` would write beside the
/// file, in base64, in `X-Courtwatch-Signature` (the key is the state directory's, created on first use as
/// the CLI does; the public key is STATE/signing-key.pub.pem).
enum LogExportAPI {
    static let parameters: Set<String> = ["format", "from", "planned", "site", "system", "to"]

    static func export(_ request: HTTPRequest, exporter: LogExporter?, stateDirectory: String) -> HTTPResponse {
        if let unknown = request.query.keys.sorted().first(where: { !parameters.contains($0) }) {
            return .error(400, "bad-query", "'\(unknown.prefix(40))' is not a query parameter here "
                + "(parameters: \(parameters.sorted().joined(separator: ", ")))")
        }
        for name in ["from", "to", "format"] where (request.query[name] ?? "").isEmpty {
            return .error(400, "bad-query", "\(name) is required (from and to: a date or ISO 8601 time; format: csv or json)")
        }
        let format = request.query["format"] ?? ""
        guard format == "csv" || format == "json" else {
            return .error(400, "bad-query", "format must be csv or json, not '\(format.prefix(20))'")
        }
        let planned: Bool?
        switch request.query["planned"] {
        case nil: planned = nil
        case "yes"?, "true"?: planned = true
        case "no"?, "false"?: planned = false
        case let other?: return .error(400, "bad-query", "planned=\(other.prefix(20)) is not yes or no")
        }
        for name in ["site", "system"] where request.query[name]?.isEmpty == true {
            return .error(400, "bad-query", "\(name) must not be empty")
        }
        guard let exporter else {
            return .error(503, "export-unavailable", "this server cannot export the log (no daemon behind it)")
        }
        let query = LogExportQuery(from: request.query["from"] ?? "", to: request.query["to"] ?? "", format: format,
                                   site: request.query["site"], system: request.query["system"], planned: planned)
        let bytes: [UInt8]
        do throws(ServiceFailure) {
            bytes = try exporter(query)
        } catch {
            return error.response
        }
        let name = "courtwatch-log.\(format)"
        var response = HTTPResponse(
            status: 200,
            headers: [("Content-Type", format == "csv" ? "text/csv; charset=utf-8" : "application/json"),
                      ("Content-Disposition", "attachment; filename=\"\(name)\"")],
            body: bytes)
        do {
            let signature = try ExportSigner.loadOrCreate(stateDirectory: stateDirectory).signature(for: bytes)
            response = response.adding("X-Courtwatch-Signature", Data(signature).base64EncodedString())
        } catch {
            response = response.adding("X-Courtwatch-Signature-Unavailable",
                                       String("\(error)".replacingOccurrences(of: "\n", with: " ").prefix(200)))
        }
        return response
    }
}

/// What was asked of the export; from and to as given (a date or an ISO 8601 time), parsed by the CLI's rules.
public struct LogExportQuery: Sendable, Equatable {
    public var from: String
    public var to: String
    public var format: String
    public var site: String?
    public var system: String?
    public var planned: Bool?
}

/// Renders an export as `courtwatch log export` does.
public typealias LogExporter = @Sendable (LogExportQuery) throws(ServiceFailure) -> [UInt8]
