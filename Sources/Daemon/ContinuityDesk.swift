import Configuration
import Continuity
import FailureLog
import Monitoring
import SQLite

/// The continuity decisions the CLI and the daemon share: the policy with the site's rules and clock, and
/// invoke / stand-down / checklist as checked writes inside one log transaction.
struct ContinuityDesk {
    let configuration: SiteConfiguration
    let policy: ContinuityPolicy
    let rules: [String: SystemContinuityRule]

    init(configuration: SiteConfiguration) {
        self.configuration = configuration
        let rules = configuration.continuityRules
        self.rules = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        policy = ContinuityPolicy(rules: rules, businessHours: configuration.site.businessHours,
                                  localTime: SiteLocalTime(timeZone: configuration.site.timeZone),
                                  holidays: configuration.holidays)
    }

    var site: String { configuration.site.id }

    /// `--site S` must be the configured site; without it, the configured site.
    func checkSite(_ requested: String?, command: String) throws(CommandFailure) {
        guard let requested, requested != site else { return }
        throw CommandFailure(code: .dataError,
                             message: "unknown site '\(requested)': this configuration watches '\(site)'")
    }

    // MARK: Reads

    func incidents(on connection: Connection) throws -> [ContinuityIncident] {
        try ContinuityLog.openIncidents(site: site, on: connection).map { row in
            ContinuityIncident(id: row.id, title: row.title, systems: row.systems,
                               impact: ContinuityIncident.Impact(rawValue: row.impact) ?? .major, planned: row.planned,
                               intermittent: row.kind == "flapping", startedAt: row.startedAt)
        }
    }

    func recommendation(on connection: Connection, at now: Timestamp) throws -> ContinuityRecommendation {
        policy.recommend(incidents: try incidents(on: connection), at: now)
    }

    /// The open invocation of the site, if it is in paper mode.
    func openInvocation(on connection: Connection) throws -> ContinuityInvocationRow? {
        let state = try ContinuityLog.state(site: site, on: connection)
        guard let id = state.invocationID, state.level != "normal" else { return nil }
        return try ContinuityLog.invocation(id: id, on: connection)
    }

    func checklist(for invocation: ContinuityInvocationRow, on connection: Connection,
                   at now: Timestamp) throws -> StandDownChecklist {
        let records = try ContinuityLog.checklist(invocationID: invocation.id, on: connection).compactMap { row in
            ChecklistItem(rawValue: row.item).map { ChecklistRecord(item: $0, by: row.by, at: row.at, note: row.note) }
        }
        let green = try ContinuityLog.systemsGreenSince(site: site, on: connection)
        let named = Set(try incidents(on: connection).flatMap(\.systems))
        // The systems behind the invocation and those open incidents name now; with none, every probed system.
        var systems = Set(invocation.systems).union(named)
        if systems.isEmpty { systems = Set(green.keys) }
        let greenness: [SystemGreenness] = systems.sorted().compactMap { system in
            let rule = policy.rule(for: system)
            if let since = green[system] {
                return SystemGreenness(system: system, name: rule.name, greenSince: since, greenFor: rule.greenFor)
            }
            // No probes: it counts only while an open incident names it.
            guard named.contains(system) else { return nil }
            return SystemGreenness(system: system, name: rule.name, greenSince: nil, greenFor: rule.greenFor)
        }
        return StandDownChecklist(invokedAt: invocation.invokedAt, records: records, systems: greenness, now: now)
    }

    // MARK: Checked writes (call inside LogSession.write or the watcher's transaction)

    /// Invokes `level` (contingency or major), or moves an open invocation to it. Returns the invocation ID.
    @discardableResult
    func invoke(_ transaction: inout LogTransaction, level: ContinuityLevel, by: String, reason: String,
                automatic: Bool, at now: Timestamp) throws -> Int64 {
        guard level.isPaperMode else {
            throw CommandFailure(code: .usage, message: "--level must be contingency or major")
        }
        let connection = transaction.connection
        if let open = try openInvocation(on: connection) {
            guard open.level != level.rawValue else {
                throw CommandFailure(
                    code: .dataError,
                    message: "\(site) is already in \(level) since \(open.invokedAt.iso8601) (invocation #\(open.id), "
                        + "invoked by \(open.invokedBy): \(open.invokedReason))")
            }
            try transaction.recordEscalation(site: site, invocation: open.id, level: level.rawValue, by: by,
                                             reason: reason, automatic: automatic, at: now)
            return open.id
        }
        let recommended = try recommendation(on: connection, at: now)
        let behind = recommended.level.isPaperMode ? recommended.systems : recommended.findings.map(\.system)
        return try transaction.recordInvocation(
            site: site, level: level.rawValue, by: by, reason: reason, automatic: automatic,
            systems: behind.filter { !$0.isEmpty }, recommended: recommended.level.rawValue, why: recommended.reasons,
            incidents: Array(Set(recommended.findings.compactMap(\.incidentID))).sorted(), at: now)
    }

    /// Stands down, refusing (exit 65, naming the items) when items are open and no override is given.
    func standDown(_ transaction: inout LogTransaction, by: String, reason: String, override: String?,
                   at now: Timestamp) throws -> (invocation: ContinuityInvocationRow, overridden: [ChecklistItem]) {
        let connection = transaction.connection
        guard let open = try openInvocation(on: connection) else {
            throw CommandFailure(code: .dataError,
                                 message: "\(site) is not in contingency: there is nothing to stand down")
        }
        let checklist = try checklist(for: open, on: connection, at: now)
        switch StandDownDecision.decide(checklist, override: override) {
        case .refused(let items):
            let lines = items.map { "  \($0.item.rawValue): \($0.item.title) — \($0.detail)" }
            let count = items.count == 1 ? "1 checklist item is" : "\(items.count) checklist items are"
            throw CommandFailure(
                code: .dataError,
                message: "stand-down refused: \(count) open:\n"
                    + lines.joined(separator: "\n")
                    + "\nRecord them with 'courtwatch continuity check --site \(site) --item ITEM --by NAME', or stand "
                    + "down anyway with --override REASON.")
        case .allowed(let overridden):
            try transaction.recordStandDown(site: site, invocation: open, by: by, reason: reason,
                                            override: overridden.isEmpty ? nil : override,
                                            openItems: overridden.map(\.rawValue), at: now)
            return (open, overridden)
        }
    }

    func check(_ transaction: inout LogTransaction, item: ChecklistItem, by: String, note: String?,
               at now: Timestamp) throws -> ContinuityInvocationRow {
        guard let open = try openInvocation(on: transaction.connection) else {
            throw CommandFailure(code: .dataError,
                                 message: "\(site) is not in contingency: checklist items belong to an invocation")
        }
        try transaction.recordChecklistItem(site: site, invocation: open.id, item: item.rawValue, by: by, note: note,
                                            at: now)
        return open
    }
}
