public import FailureLog
public import Monitoring

/// The site's continuity desk as the web surface sees it. The daemon implements it with the same
/// `ContinuityDesk` and `ContinuityReport` that `courtwatch continuity` uses (the desk needs the site's
/// configuration, which this module does not read), so the decisions live in one place.
public protocol ContinuityService: Sendable {
    /// What `courtwatch continuity status --json` prints.
    func status(at now: Timestamp) throws(ServiceFailure) -> JSONValue
    /// Invokes contingency or major; answers the invocation.
    func invoke(level: String, by: String, reason: String, at now: Timestamp) throws(ServiceFailure) -> JSONValue
    /// Stands down; refused with open checklist items unless `override` gives a reason.
    func standDown(by: String, reason: String, override: String?, at now: Timestamp) throws(ServiceFailure) -> JSONValue
    /// Records a stand-down checklist item.
    func check(item: String, by: String, note: String?, at now: Timestamp) throws(ServiceFailure) -> JSONValue
}

/// A refusal or failure from a service, already in the API's terms: status, error code and a sentence.
public struct ServiceFailure: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var detail: String

    public init(status: Int, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    var response: HTTPResponse { .error(status, code, detail) }
}
