public import FailureLog
public import Monitoring

/// What a staff token can do besides reading: report a system not working for them, log their own entries,
/// see their own record, and choose who sees their report. The daemon implements it with the code of
/// `courtwatch report-problem`, `courtwatch staff log` and `courtwatch staff share|revoke`.
public protocol StaffService: Sendable {
    /// `system` is not working for `by` (the token's subject); `site` nil means the daemon's site.
    func reportProblem(system: String, site: String?, text: String?, by: String,
                       at now: Timestamp) throws(ServiceFailure) -> JSONValue
    /// Logs an entry for staff member `staffID` (the token's subject); answers the entry as JSON text.
    func logEntry(_ entry: StaffEntryRequest, staffID: String) throws(ServiceFailure) -> String
    /// What `staffID` may see about themself: their record, current shares and recent entries, and the
    /// systems they can report a problem with.
    func record(staffID: String, at now: Timestamp) throws(ServiceFailure) -> StaffRecord
    /// Shares `staffID`'s report with `grantee` (`manager`, `union-rep` or a person) until the end of the
    /// day `until` (YYYY-MM-DD, in the person's zone) or until revoked; recorded as `staffID`.
    func share(staffID: String, with grantee: String, until: String?,
               at now: Timestamp) throws(ServiceFailure) -> ShareChange
    /// Ends every live share of `staffID`'s report with `grantee`; recorded as `staffID`.
    func revoke(staffID: String, from grantee: String, at now: Timestamp) throws(ServiceFailure) -> ShareChange
}

/// A staff entry as asked for: the kind, `at` and `systems` as the CLI takes them, and the kind's fields
/// keyed by the CLI's option names (minutes, could-not, until, amount, ...).
public struct StaffEntryRequest: Sendable, Equatable {
    public var kind: String
    public var at: String?
    public var systems: [String]?
    public var options: [String: String]

    public init(kind: String, at: String? = nil, systems: [String]? = nil, options: [String: String] = [:]) {
        self.kind = kind
        self.at = at
        self.systems = systems
        self.options = options
    }
}
