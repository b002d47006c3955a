import FailureLog
import Foundation
import Monitoring

/// The JSON shapes of the API (described in `OpenAPIDocument`). Times are ISO 8601 UTC strings.
enum APIJSON {
    static func status(_ data: StatusData) -> JSONValue {
        [
            "site": data.site.map { ["id": .string($0.id), "name": .string($0.name), "time_zone": .string($0.timeZone)] }
                ?? .null,
            "health": [
                "ok": .bool(data.health.isHealthy),
                "reasons": .array(data.health.reasons.map { .string($0) }),
            ],
            "continuity": data.continuity.map { state in
                [
                    "level": .string(state.level),
                    "since": .optional(state.since?.iso8601),
                    "recommended_level": .string(state.recommendedLevel),
                    "why": .array(state.recommendedWhy.map { .string($0) }),
                ]
            } ?? .null,
            "notifications": data.notifications.map { health in
                [
                    "ok": .bool(health.isHealthy),
                    "retrying": .integer(Int64(health.retrying)),
                    "failing": .array(health.failing.map { alert in
                        [
                            "alert": .string(alert.alert), "channel": .string(alert.channel),
                            "failures": .integer(Int64(alert.failures)),
                            "first_failed_at": .string(alert.firstFailedAt.iso8601),
                            "last_failed_at": .string(alert.lastFailedAt.iso8601),
                            "last_detail": .string(alert.lastDetail),
                        ]
                    }),
                ]
            } ?? .null,
            "what_is_wrong": .array(StatusPage.faultSentences(
                data, zone: StatusPage.formatter(TimeZone(identifier: data.site?.timeZone ?? "UTC") ?? TimeZone(identifier: "UTC")!)
            ).map { .string($0) }),
            "probes": .array(data.probes.map(probe)),
            "open_incidents": .array(data.openIncidents.map(incident)),
        ]
    }

    static func probe(_ probe: ProbeStatus) -> JSONValue {
        [
            "id": .string(probe.id), "name": .string(probe.name), "kind": .string(probe.kind),
            "system": .optional(probe.system), "critical": .bool(probe.critical), "state": .string(probe.state.rawValue),
            "since": .optional(probe.since?.iso8601), "last_check": .optional(probe.lastCheck?.iso8601),
            "last_latency_us": .optional(probe.lastLatencyMicroseconds), "last_result": .optional(probe.lastResult),
        ]
    }

    static func incident(_ incident: IncidentSummary) -> JSONValue {
        [
            "id": .integer(incident.id), "site": .string(incident.site), "probe": .optional(incident.probeID),
            "system": .optional(incident.system), "systems": .array(incident.systems.map { .string($0) }),
            "kind": .string(incident.kind), "title": .string(incident.title), "cause": .string(incident.cause),
            "started_at": .string(incident.startedAt.iso8601), "resolved_at": .optional(incident.resolvedAt?.iso8601),
            "status": .string(incident.status.rawValue), "impact": .string(incident.impact.rawValue),
            "planned": .bool(incident.planned), "origin": .string(incident.origin.rawValue),
            "acknowledged_by": .optional(incident.acknowledgedBy),
            "acknowledged_at": .optional(incident.acknowledgedAt?.iso8601),
            "acknowledgement_expires_at": .optional(incident.acknowledgementExpires?.iso8601),
            "resolved_by": .optional(incident.resolvedBy),
        ]
    }

    static func detail(_ detail: IncidentDetail) -> JSONValue {
        guard case .object(var object) = incident(detail.summary) else { return .null }
        object["timeline"] = .array(detail.timeline.map { update in
            [
                "seq": .integer(update.eventSeq), "at": .string(update.at.iso8601), "kind": .string(update.kind),
                "by": .string(update.by), "status": .optional(update.status?.rawValue), "text": .optional(update.text),
            ]
        })
        object["tickets"] = .array(detail.tickets.map { .string($0) })
        object["children"] = .array(detail.children.map { .string($0) })
        return .object(object)
    }
}
