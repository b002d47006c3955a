public import Monitoring
public import SQLite

extension EventKind {
    /// A person (or courtwatch, for `AutoInvoke=yes`) invoked contingency: {site, invocation, level, previous,
    /// by, reason, auto, systems, recommended, why, incidents}.
    public static let continuityInvoked = "continuity.invoked"
    /// Contingency ended: {site, invocation, level, previous, by, reason, auto, override, open_items,
    /// invoked_at_ms, duration_ms}.
    public static let continuityStoodDown = "continuity.stood-down"
    /// Every change of the declared level, with the invoke or stand-down that caused it:
    /// {site, level, previous, by, reason, auto, invocation}.
    public static let continuityLevel = "continuity.level"
    /// A stand-down checklist item recorded: {site, invocation, item, by, note}.
    public static let continuityChecklist = "continuity.checklist"
    /// courtwatch's recommended level changed: {site, level, previous, why: [..], systems: [..]}.
    public static let continuityRecommendation = "continuity.recommendation"
}

/// A site's continuity state as stored: the declared level, the open invocation, the latest recommendation.
public struct ContinuityStateRow: Sendable, Equatable {
    public var siteID: String
    /// `normal`, `contingency` or `major`.
    public var level: String
    public var since: Timestamp?
    public var invocationID: Int64?
    public var recommendedLevel: String
    public var recommendedWhy: [String]
    public var recommendedAt: Timestamp?
}

/// One invocation of contingency.
public struct ContinuityInvocationRow: Sendable, Equatable {
    public var id: Int64
    public var siteID: String
    public var level: String
    public var invokedBy: String
    public var invokedReason: String
    public var invokedAt: Timestamp
    public var automatic: Bool
    public var systems: [String]
    public var stoodDownBy: String?
    public var stoodDownReason: String?
    public var overrideReason: String?
    public var stoodDownAt: Timestamp?
}

/// A recorded checklist item of an invocation.
public struct ContinuityChecklistRow: Sendable, Equatable {
    public var item: String
    public var by: String
    public var at: Timestamp
    public var note: String?
}

/// An open incident with what the continuity policy needs (the `incidents` and `incident_scope` tables).
public struct ContinuityIncidentRow: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var systems: [String]
    public var impact: String
    public var planned: Bool
    public var kind: String
    public var startedAt: Timestamp
}

/// Reads of the continuity tables, on any connection (a reader, or a transaction's).
public enum ContinuityLog {
    public static func state(site: String, on connection: Connection) throws -> ContinuityStateRow {
        let row = try connection.firstRow(
            """
            SELECT level, since_ms, invocation_id, recommended_level, recommended_why, recommended_at_ms
            FROM continuity_levels WHERE site_id = ?
            """, [site]
        ) { row in
            ContinuityStateRow(
                siteID: site, level: row.text(0) ?? "normal",
                since: row.int(1).map(Timestamp.init(millisecondsSinceEpoch:)), invocationID: row.int(2),
                recommendedLevel: row.text(3) ?? "normal", recommendedWhy: JSONStrings.parse(row.text(4) ?? "[]"),
                recommendedAt: row.int(5).map(Timestamp.init(millisecondsSinceEpoch:)))
        }
        return row ?? ContinuityStateRow(siteID: site, level: "normal", since: nil, invocationID: nil,
                                         recommendedLevel: "normal", recommendedWhy: [], recommendedAt: nil)
    }

    /// Every site with a stored state, for `courtwatch status`.
    public static func states(on connection: Connection) throws -> [ContinuityStateRow] {
        let sites = try connection.rows("SELECT site_id FROM continuity_levels ORDER BY site_id") { $0.text(0) ?? "" }
        return try sites.map { try state(site: $0, on: connection) }
    }

    public static func invocation(id: Int64, on connection: Connection) throws -> ContinuityInvocationRow? {
        try connection.firstRow(
            """
            SELECT id, site_id, level, invoked_by, invoked_reason, invoked_at_ms, auto, systems, stood_down_by,
                stood_down_reason, override_reason, stood_down_at_ms
            FROM continuity_invocations WHERE id = ?
            """, [id]
        ) { row in
            ContinuityInvocationRow(
                id: row.int(0) ?? 0, siteID: row.text(1) ?? "", level: row.text(2) ?? "", invokedBy: row.text(3) ?? "",
                invokedReason: row.text(4) ?? "", invokedAt: Timestamp(millisecondsSinceEpoch: row.int(5) ?? 0),
                automatic: row.int(6) == 1, systems: (row.text(7) ?? "").split(separator: ",").map(String.init),
                stoodDownBy: row.text(8), stoodDownReason: row.text(9), overrideReason: row.text(10),
                stoodDownAt: row.int(11).map(Timestamp.init(millisecondsSinceEpoch:)))
        }
    }

    /// The newest invocation of `site`, open or not.
    public static func latestInvocation(site: String, on connection: Connection) throws -> ContinuityInvocationRow? {
        let id = try connection.scalarInt("SELECT max(id) FROM continuity_invocations WHERE site_id = ?", [site])
        return try id.flatMap { try invocation(id: $0, on: connection) }
    }

    public static func checklist(invocationID: Int64, on connection: Connection) throws -> [ContinuityChecklistRow] {
        try connection.rows(
            "SELECT item, by, at_ms, note FROM continuity_checklist WHERE invocation_id = ? ORDER BY at_ms, item",
            [invocationID]
        ) { row in
            ContinuityChecklistRow(item: row.text(0) ?? "", by: row.text(1) ?? "",
                                   at: Timestamp(millisecondsSinceEpoch: row.int(2) ?? 0), note: row.text(3))
        }
    }

    /// Open incidents affecting `site`: its own, and other sites' whose scope names it. Systems come from
    /// `incident_scope` for this site, plus the incident's own system when it is this site's.
    public static func openIncidents(site: String, on connection: Connection) throws -> [ContinuityIncidentRow] {
        let rows = try connection.rows(
            """
            SELECT i.id, i.title, i.site_id, i.system, i.impact, i.planned, i.kind, i.started_at_ms,
                (SELECT group_concat(s.system, ',') FROM incident_scope s WHERE s.incident_id = i.id AND s.site_id = ?)
            FROM incidents i
            WHERE i.resolved_at_ms IS NULL
                AND (i.site_id = ? OR i.id IN (SELECT incident_id FROM incident_scope WHERE site_id = ?))
            ORDER BY i.id
            """, [site, site, site]
        ) { row in
            var systems = (row.text(8) ?? "").split(separator: ",").map(String.init)
            if row.text(2) == site, let own = row.text(3), !systems.contains(own) { systems.insert(own, at: 0) }
            return ContinuityIncidentRow(
                id: row.int(0) ?? 0, title: row.text(1) ?? "", systems: systems, impact: row.text(4) ?? "major",
                planned: row.int(5) == 1, kind: row.text(6) ?? "down",
                startedAt: Timestamp(millisecondsSinceEpoch: row.int(7) ?? 0))
        }
        return rows
    }

    /// For each system with active probes at `site`: since when every one of its probes has been UP, or nil
    /// when one is not UP or an open incident names the system.
    public static func systemsGreenSince(site: String, on connection: Connection) throws -> [String: Timestamp?] {
        let probes = try connection.rows(
            "SELECT system, state, state_since_ms FROM probes WHERE active = 1 AND site_id = ? AND system IS NOT NULL",
            [site]
        ) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.int(2)) }
        let incidents = Set(try openIncidents(site: site, on: connection).flatMap(\.systems))
        var result: [String: Timestamp?] = [:]
        for (system, state, since) in probes {
            let green: Timestamp? = state == ProbeState.up.rawValue && !incidents.contains(system)
                ? since.map { Timestamp(millisecondsSinceEpoch: $0) } : nil
            if let existing = result[system] {
                // Green since the last of its probes turned green; nil if any is not.
                result[system] = existing.flatMap { earlier in green.map { max(earlier, $0) } }
            } else {
                result[system] = green
            }
        }
        return result
    }
}

/// The `recommended_why` column: a JSON array of strings written with `JSONValue`, read back here.
enum JSONStrings {
    static func parse(_ text: String) -> [String] {
        var result: [String] = []
        var scalars = text.unicodeScalars.makeIterator()
        var current = ""
        var inString = false
        while let scalar = scalars.next() {
            if !inString {
                if scalar == "\"" { inString = true; current = "" }
                continue
            }
            switch scalar {
            case "\"":
                result.append(current)
                inString = false
            case "\\":
                guard let escaped = scalars.next() else { return result }
                switch escaped {
                case "n": current += "\n"
                case "r": current += "\r"
                case "t": current += "\t"
                case "u":
                    var hex = ""
                    for _ in 0..<4 { if let digit = scalars.next() { hex.unicodeScalars.append(digit) } }
                    if let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) {
                        current.unicodeScalars.append(decoded)
                    }
                default: current.unicodeScalars.append(escaped)
                }
            default: current.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
