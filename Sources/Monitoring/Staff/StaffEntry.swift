/// Something a member of staff logged about their own work: time lost, extra hours, a cost, a deadline, a
/// health-and-safety concern, telling their manager, a helpdesk ticket.
///
/// The failure log keeps the skeleton (ID, person, kind, times, systems) in the hash chain and the `fields`
/// beside it, so erasing the fields leaves the chain intact; an erased entry keeps its skeleton only.
public struct StaffEntry: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case timeLost = "time-lost"
        case extraHours = "extra-hours"
        case cost
        case deadline
        case healthAndSafety = "health-and-safety"
        case managerNotified = "manager-notified"
        case helpdeskTicket = "helpdesk-ticket"
    }

    public var id: String
    public var staffID: String
    public var kind: Kind
    /// When it happened: the start of the lost time or extra hours, the moment of the cost or notice.
    public var at: Timestamp
    /// The end of the lost time or the extra hours; nil for a moment.
    public var end: Timestamp?
    public var systems: [String]
    /// The personal details (minutes, amount, what could not be done...), all text; empty once erased.
    public var fields: [String: String]
    public var incidentIDs: [Int64]
    public var recordedAt: Timestamp
    public var erased: Bool

    public init(id: String, staffID: String, kind: Kind, at: Timestamp, end: Timestamp? = nil, systems: [String] = [],
                fields: [String: String] = [:], incidentIDs: [Int64] = [], recordedAt: Timestamp,
                erased: Bool = false) {
        self.id = id
        self.staffID = staffID
        self.kind = kind
        self.at = at
        self.end = end
        self.systems = systems
        self.fields = fields
        self.incidentIDs = incidentIDs
        self.recordedAt = recordedAt
        self.erased = erased
    }

    /// The span it covers; a moment is a one-millisecond span so it can still meet an incident.
    public var span: TimeSpan { TimeSpan(start: at, end: max(end ?? at, at + .milliseconds(1))) }

    public var minutes: Int? { fields["minutes"].flatMap { Int($0) } }
    /// A cost in pence, from `amount` in pounds (`12.50`).
    public var amountPence: Int? { fields["amount"].flatMap(Money.pence) }
}

/// Pounds and pence without floating point.
public enum Money {
    /// `12`, `12.5`, `12.50`, `£12.50` → 1250; nil for anything else.
    public static func pence(_ text: String) -> Int? {
        var digits = Substring(text.trimmed)
        if digits.hasPrefix("£") { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let pounds = Int(parts[0]), pounds >= 0, pounds < 1_000_000 else { return nil }
        guard parts.count == 2 else { return pounds * 100 }
        guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isNumber), let fraction = Int(parts[1]) else {
            return nil
        }
        return pounds * 100 + (parts[1].count == 1 ? fraction * 10 : fraction)
    }

    /// 1250 → `£12.50`.
    public static func format(pence: Int) -> String {
        let rest = pence % 100
        return "£\(pence / 100)." + (rest < 10 ? "0" : "") + "\(rest)"
    }
}

/// An incident as per-person accounting needs it.
public struct AccountableIncident: Hashable, Sendable {
    public var id: Int64
    public var title: String
    public var site: String
    /// Every system it affected (its own and its scope).
    public var systems: [String]
    public var start: Timestamp
    /// Nil while still open; the report then counts to the end of its period.
    public var end: Timestamp?
    /// down, flapping or manual.
    public var kind: String
    /// none, minor, major or critical.
    public var impact: String
    public var planned: Bool

    public init(id: Int64, title: String, site: String, systems: [String], start: Timestamp, end: Timestamp?,
                kind: String = "down", impact: String = "major", planned: Bool = false) {
        self.id = id
        self.title = title
        self.site = site
        self.systems = systems
        self.start = start
        self.end = end
        self.kind = kind
        self.impact = impact
        self.planned = planned
    }
}
