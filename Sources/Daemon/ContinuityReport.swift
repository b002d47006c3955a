import Continuity
import FailureLog
import Monitoring
import SQLite

/// What `courtwatch continuity status` shows: the declared level, a fresh recommendation, the open invocation
/// and its checklist.
struct ContinuityReport {
    var site: String
    var siteName: String
    var state: ContinuityStateRow
    var recommendation: ContinuityRecommendation
    var invocation: ContinuityInvocationRow?
    var checklist: StandDownChecklist?

    static func read(desk: ContinuityDesk, on connection: Connection, at now: Timestamp) throws -> ContinuityReport {
        let invocation = try desk.openInvocation(on: connection)
        return ContinuityReport(
            site: desk.site, siteName: desk.configuration.site.name,
            state: try ContinuityLog.state(site: desk.site, on: connection),
            recommendation: try desk.recommendation(on: connection, at: now), invocation: invocation,
            checklist: try invocation.map { try desk.checklist(for: $0, on: connection, at: now) })
    }

    var level: ContinuityLevel { ContinuityLevel(rawValue: state.level) ?? .normal }

    func text(desk: ContinuityDesk) -> String {
        let clock = LocalClock(timeZone: desk.configuration.site.timeZone)
        let now = Timestamp.now
        var lines = ["\(siteName) (\(site))"]
        if let invocation {
            let who = invocation.automatic ? "courtwatch (AutoInvoke=yes)" : invocation.invokedBy
            let since = clock.format(state.since ?? invocation.invokedAt, relativeTo: now)
            lines.append("Level:        \(level) since \(since)"
                         + " — invoked by \(who): \(invocation.invokedReason) (invocation #\(invocation.id))")
        } else {
            lines.append("Level:        NORMAL (contingency not invoked)")
        }
        lines.append("Recommended:  \(recommendation.level) — \(recommendation.level.action)")
        if recommendation.level.isPaperMode && !level.isPaperMode {
            lines.append("              PAPER MODE RECOMMENDED: courtwatch continuity invoke --site \(site) "
                         + "--by NAME --reason TEXT")
        }
        lines.append("Why:")
        lines += recommendation.reasons.map { "  - \($0)" }
        if let checklist {
            let open = checklist.openItems.count
            lines.append("Stand-down checklist (\(open) of \(checklist.statuses.count) open):")
            for status in checklist.statuses {
                let box = status.done ? "[x]" : "[ ]"
                lines.append("  \(box) \(status.item.rawValue): \(status.item.title) — \(status.detail)")
            }
        }
        return lines.joined(separator: "\n")
    }

    func json() -> JSONValue {
        let invocationValue: JSONValue = invocation.map { invocation in
            [
                "id": .integer(invocation.id), "level": .string(invocation.level), "by": .string(invocation.invokedBy),
                "reason": .string(invocation.invokedReason), "at": .string(invocation.invokedAt.iso8601),
                "auto": .bool(invocation.automatic), "systems": .array(invocation.systems.map { .string($0) }),
            ]
        } ?? .null
        let items: [JSONValue] = (checklist?.statuses ?? []).map { status in
            [
                "item": .string(status.item.rawValue), "title": .string(status.item.title), "done": .bool(status.done),
                "detail": .string(status.detail), "by": .optional(status.record?.by),
                "at": .optional(status.record?.at.iso8601), "note": .optional(status.record?.note),
            ]
        }
        return [
            "site": .string(site),
            "level": .string(level.rawValue),
            "since": .optional(state.since?.iso8601),
            "invocation": invocationValue,
            "recommendation": [
                "level": .string(recommendation.level.rawValue),
                "why": .array(recommendation.reasons.map { .string($0) }),
                "systems": .array(recommendation.systems.map { .string($0) }),
                "auto_invoke": .array(recommendation.autoInvokeSystems.map { .string($0) }),
            ],
            "checklist": .array(items),
            "open_items": .array((checklist?.openItems ?? []).map { .string($0.rawValue) }),
        ]
    }
}
