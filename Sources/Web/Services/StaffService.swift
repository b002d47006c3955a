public import FailureLog
public import Monitoring

/// What a staff token can do besides reading: report a system not working for them, and log their own
/// entries. The daemon implements it with `courtwatch report-problem`'s and `courtwatch staff log`'s code.
public protocol StaffService: Sendable {
    /// `system` is not working for `by` (the token's subject); `site` nil means the daemon's site.
    func reportProblem(system: String, site: String?, text: String?, by: String,
                       at now: Timestamp) throws(ServiceFailure) -> JSONValue
    /// Logs an entry for staff member `staffID` (the token's subject); answers the entry as JSON text.
    func logEntry(_ entry: StaffEntryRequest, staffID: String) throws(ServiceFailure) -> String
}

/// A staff entry as asked for: the kind, `at` and `systems` as the CLI takes them, and the kind's fields
/// keyed by the CLI's option names (minutes, could-not, until, amount, ...).
public struct StaffEntryRequest: Sendable, Equatable {
    public var kind: String
    public var at: String?
    public var systems: [String]?
    public var options: [String: String]
}
