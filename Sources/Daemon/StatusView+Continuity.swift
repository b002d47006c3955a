import Continuity
import FailureLog
import Monitoring
import SQLite

/// The continuity part of `courtwatch status`: the stored level and the daemon's latest recommendation.
struct ContinuityStatus {
    var state: ContinuityStateRow
    var invocation: ContinuityInvocationRow?

    var level: ContinuityLevel { ContinuityLevel(rawValue: state.level) ?? .normal }
    var recommended: ContinuityLevel { ContinuityLevel(rawValue: state.recommendedLevel) ?? .normal }

    /// The site's row, or NORMAL when nothing was ever recorded (or the log predates continuity).
    static func read(site: String?, on connection: Connection) -> ContinuityStatus? {
        guard let site else { return nil }
        guard let state = try? ContinuityLog.state(site: site, on: connection) else { return nil }
        let invocation = state.invocationID.flatMap { try? ContinuityLog.invocation(id: $0, on: connection) }
        return ContinuityStatus(state: state, invocation: state.level == "normal" ? nil : invocation)
    }

    /// The banner line, when the site is in paper mode or it is recommended; nil otherwise.
    func banner(clock: LocalClock, now: Timestamp) -> String? {
        if level.isPaperMode {
            let since = state.since.map { " since \(clock.format($0, relativeTo: now))" } ?? ""
            let who = invocation.map { " — invoked by \($0.invokedBy): \($0.invokedReason)" } ?? ""
            let name = level == .contingency ? "CONTINGENCY (paper mode)" : "MAJOR (paper mode, escalated)"
            return "*** \(name)\(since)\(who) ***"
        }
        if recommended.isPaperMode {
            return "*** PAPER MODE RECOMMENDED (\(recommended)): \(state.recommendedWhy.first ?? "") — invoke with "
                + "'courtwatch continuity invoke --site \(state.siteID) --by NAME --reason TEXT' ***"
        }
        return nil
    }

    func json(clock: LocalClock, now: Timestamp) -> JSONValue {
        [
            "site": .string(state.siteID),
            "level": .string(level.rawValue),
            "since": .optional(state.since?.iso8601),
            "invocation": invocation.map { invocation in
                [
                    "id": .integer(invocation.id), "by": .string(invocation.invokedBy),
                    "reason": .string(invocation.invokedReason), "auto": .bool(invocation.automatic),
                    "at": .string(invocation.invokedAt.iso8601),
                ]
            } ?? .null,
            "recommended_level": .string(recommended.rawValue),
            "why": .array(state.recommendedWhy.map { .string($0) }),
            "recommended_at": .optional(state.recommendedAt?.iso8601),
            "banner": .optional(banner(clock: clock, now: now)),
        ]
    }
}
