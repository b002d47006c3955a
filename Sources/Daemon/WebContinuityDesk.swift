import Configuration
import Continuity
import FailureLog
import Monitoring
import Web

/// The web surface's continuity desk: the same `ContinuityDesk` and `ContinuityReport` `courtwatch
/// continuity` uses, on the daemon's current configuration, with the CLI's refusals turned into API errors
/// (bad data → 409, usage → 422, the log → 503).
struct WebContinuityDesk: ContinuityService {
    let stateDirectory: String
    /// The configuration in force (it changes on reload).
    let configuration: @Sendable () -> SiteConfiguration

    func status(at now: Timestamp) throws(ServiceFailure) -> JSONValue {
        let desk = ContinuityDesk(configuration: configuration())
        let store = FailureLogStore(stateDirectory: stateDirectory)
        do {
            let connection = try store.openReader()
            defer { try? connection.close() }
            return try ContinuityReport.read(desk: desk, on: connection, at: now).json()
        } catch {
            throw ServiceFailure(status: 503, code: "log-unavailable", detail: "the failure log cannot be read: \(error)")
        }
    }

    func invoke(level text: String, by: String, reason: String, at now: Timestamp) throws(ServiceFailure) -> JSONValue {
        guard let level = ContinuityLevel(rawValue: text), level.isPaperMode else {
            throw ServiceFailure(status: 422, code: "bad-field", detail: "'level' must be contingency or major")
        }
        let desk = ContinuityDesk(configuration: configuration())
        let id = try write { try desk.invoke(&$0, level: level, by: by, reason: reason, automatic: false, at: now) }
        return ["ok": true, "site": .string(desk.site), "level": .string(level.rawValue), "invocation": .integer(id),
                "by": .string(by), "at": .string(now.iso8601)]
    }

    func standDown(by: String, reason: String, override: String?,
                   at now: Timestamp) throws(ServiceFailure) -> JSONValue {
        let desk = ContinuityDesk(configuration: configuration())
        let result = try write { try desk.standDown(&$0, by: by, reason: reason, override: override, at: now) }
        return ["ok": true, "site": .string(desk.site), "level": "normal", "invocation": .integer(result.invocation.id),
                "overridden": .array(result.overridden.map { .string($0.rawValue) }), "by": .string(by),
                "at": .string(now.iso8601)]
    }

    func check(item text: String, by: String, note: String?, at now: Timestamp) throws(ServiceFailure) -> JSONValue {
        let names = ChecklistItem.recordable.map(\.rawValue).joined(separator: ", ")
        guard let item = ChecklistItem(rawValue: text), item != .probesGreen else {
            let why = text == ChecklistItem.probesGreen.rawValue ? "is computed from the probes, not recorded"
                : "is not a checklist item"
            throw ServiceFailure(status: 422, code: "bad-field", detail: "'item' \(text) \(why) (one of: \(names))")
        }
        let desk = ContinuityDesk(configuration: configuration())
        let invocation = try write { try desk.check(&$0, item: item, by: by, note: note, at: now) }
        return ["ok": true, "site": .string(desk.site), "item": .string(item.rawValue),
                "invocation": .integer(invocation.id), "by": .string(by), "at": .string(now.iso8601)]
    }

    private func write<T>(_ body: (inout LogTransaction) throws -> T) throws(ServiceFailure) -> T {
        do {
            return try LogAccess.write(stateDirectory, body)
        } catch {
            switch error.code {
            case .dataError, .noPermission: throw ServiceFailure(status: 409, code: "conflict", detail: error.message)
            case .usage: throw ServiceFailure(status: 422, code: "bad-field", detail: error.message)
            case .success, .failure:
                throw ServiceFailure(status: 503, code: "log-unavailable", detail: error.message)
            }
        }
    }
}
