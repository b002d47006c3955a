import FailureLog
import Monitoring

/// GET /api/v1/staff/me and POST /api/v1/staff/shares(/revoke) for a staff token, as itself: the record
/// the person may see, and who may see their report, through the daemon's `StaffService` (the CLI's
/// `staff share` and `staff revoke`, recorded in the hash chain as the person).
extension StaffActions {
    enum SharingChange { case share, revoke }

    static func me(service: (any StaffService)?, staffID: String, now: Timestamp) -> HTTPResponse {
        guard let service else { return unavailable }
        do throws(ServiceFailure) {
            return .json(recordJSON(try service.record(staffID: staffID, at: now)))
        } catch {
            return error.response
        }
    }

    static func changeSharing(_ change: SharingChange, _ body: [String: JSONValue], service: (any StaffService)?,
                              staffID: String, now: Timestamp) -> HTTPResponse {
        do throws(ServiceFailure) {
            let done = try sharingChange(change, body, service: service, staffID: staffID, now: now)
            var answer: [String: JSONValue] = ["ok": true, "message": .string(done.message)]
            switch change {
            case .share: answer["share"] = done.share.map(shareJSON) ?? .null
            case .revoke: answer["revoked"] = .integer(Int64(done.revoked))
            }
            return .json(.object(answer))
        } catch {
            return error.response
        }
    }

    /// A share or revoke from a JSON body or the staff page's form (as the same body), checked strictly.
    static func sharingChange(_ change: SharingChange, _ body: [String: JSONValue], service: (any StaffService)?,
                              staffID: String, now: Timestamp) throws(ServiceFailure) -> ShareChange {
        let fields = try RequestBody(body, allowed: change == .share ? ["with", "until"] : ["with"])
        let grantee = try fields.string("with", required: true, limit: 100) ?? ""
        let until = try fields.string("until", limit: 40)
        guard let service else { throw unavailableFailure }
        return change == .share
            ? try service.share(staffID: staffID, with: grantee, until: until, at: now)
            : try service.revoke(staffID: staffID, from: grantee, at: now)
    }

    /// The record as JSON (described as `StaffRecord` in the OpenAPI document). Entries have the shape
    /// POST /api/v1/staff/entries answers (the person's report's), plus the report's one-line summary.
    static func recordJSON(_ record: StaffRecord) -> JSONValue {
        [
            "id": .string(record.id), "name": .string(record.name), "team": .optional(record.team),
            "site": .string(record.site), "time_zone": .string(record.timeZone),
            "systems": .array(record.systems.map { .string($0) }),
            "site_systems": .array(record.siteSystems.map { ["id": .string($0.id), "name": .string($0.name)] }),
            "shares": .array(record.shares.map(shareJSON)),
            "recent_entries": .array(record.recentEntries.map(entryJSON)),
        ]
    }

    static func shareJSON(_ share: ReportShare) -> JSONValue {
        ["with": .string(share.grantee), "granted_at": .string(share.grantedAt.iso8601),
         "until": .optional(share.until?.iso8601)]
    }

    static func entryJSON(_ recent: RecentEntry) -> JSONValue {
        let entry = recent.entry
        return [
            "id": .string(entry.id), "kind": .string(entry.kind.rawValue), "at_utc": .string(entry.at.iso8601),
            "end_utc": .optional(entry.end?.iso8601), "systems": .array(entry.systems.map { .string($0) }),
            "fields": .object(entry.fields.mapValues { .string($0) }),
            "incidents": .array(entry.incidentIDs.map { .integer($0) }), "erased": .bool(entry.erased),
            "recorded_at_utc": .string(entry.recordedAt.iso8601), "summary": .string(recent.summary),
        ]
    }
}
