public import Monitoring

/// One item of the stand-down checklist (domain-notes §4.2 stand-down criteria).
public enum ChecklistItem: String, Sendable, Hashable, CaseIterable {
    /// Computed: every system involved has had green probes and no open incident for its `GreenFor=`.
    case probesGreen = "probes-green"
    /// A user has signed in and completed one real action.
    case transactionConfirmed = "transaction-confirmed"
    /// Every paper form used has been entered into the system, or has an owner and a deadline.
    case formsReconciled = "forms-reconciled"
    case electronicMonitoring = "partner-em"
    case custody = "partner-custody"
    case probation = "partner-probation"
    case police = "partner-police"

    public var title: String {
        switch self {
        case .probesGreen: "Probes green (computed)"
        case .transactionConfirmed: "A user confirmed a real transaction works (sign-in plus one action)"
        case .formsReconciled: "Every paper form used is back-recorded, or has an owner and a deadline"
        case .electronicMonitoring: "Notifications re-confirmed with the electronic-monitoring supplier"
        case .custody: "Notifications re-confirmed with custody (prison and escort)"
        case .probation: "Notifications re-confirmed with probation"
        case .police: "Notifications re-confirmed with the police"
        }
    }

    /// Items a person records; `probes-green` is computed from the log instead.
    public static var recordable: [ChecklistItem] { allCases.filter { $0 != .probesGreen } }
}

/// A person's record of an item: who, when, and an optional note (no case data).
public struct ChecklistRecord: Sendable, Hashable {
    public var item: ChecklistItem
    public var by: String
    public var at: Timestamp
    public var note: String?

    public init(item: ChecklistItem, by: String, at: Timestamp, note: String? = nil) {
        self.item = item
        self.by = by
        self.at = at
        self.note = note
    }
}

/// Whether one system is green now: since when, or nil when a probe is not UP or an incident is open.
public struct SystemGreenness: Sendable, Hashable {
    public var system: String
    public var name: String
    public var greenSince: Timestamp?
    public var greenFor: Duration

    public init(system: String, name: String, greenSince: Timestamp?, greenFor: Duration) {
        self.system = system
        self.name = name
        self.greenSince = greenSince
        self.greenFor = greenFor
    }
}

/// The stand-down checklist of one invocation, evaluated at a moment.
public struct StandDownChecklist: Sendable, Hashable {
    public struct Status: Sendable, Hashable {
        public var item: ChecklistItem
        public var done: Bool
        /// Who and when, or why it is still open.
        public var detail: String
        public var record: ChecklistRecord?
    }

    public var statuses: [Status]

    public var openItems: [ChecklistItem] { statuses.filter { !$0.done }.map(\.item) }

    /// `records` after the invocation count; a later record of an item replaces an earlier one.
    public init(invokedAt: Timestamp, records: [ChecklistRecord], systems: [SystemGreenness], now: Timestamp) {
        var latest: [ChecklistItem: ChecklistRecord] = [:]
        for record in records.sorted(by: { $0.at < $1.at }) where record.at >= invokedAt {
            latest[record.item] = record
        }
        var statuses = [Self.probes(systems, now: now)]
        for item in ChecklistItem.recordable {
            if let record = latest[item] {
                let note = record.note.map { ": \($0)" } ?? ""
                statuses.append(Status(item: item, done: true, detail: "by \(record.by) at \(record.at.iso8601)\(note)",
                                       record: record))
            } else {
                statuses.append(Status(item: item, done: false, detail: "not recorded yet", record: nil))
            }
        }
        self.statuses = statuses
    }

    static func probes(_ systems: [SystemGreenness], now: Timestamp) -> Status {
        var waiting: [String] = []
        for system in systems.sorted(by: { $0.system < $1.system }) {
            guard let since = system.greenSince else {
                waiting.append("\(system.name) is not green")
                continue
            }
            let green = now - since
            if green < system.greenFor {
                waiting.append("\(system.name) green for \(ContinuityPolicy.words(green)) of "
                               + "\(ContinuityPolicy.words(system.greenFor))")
            }
        }
        if systems.isEmpty {
            // Nothing to judge by is not the same as green: a person can still override.
            return Status(item: .probesGreen, done: false,
                          detail: "no probe results to judge by (has the daemon run?)", record: nil)
        }
        if waiting.isEmpty {
            let names = systems.map(\.name).sorted().joined(separator: ", ")
            return Status(item: .probesGreen, done: true, detail: "green long enough: \(names)", record: nil)
        }
        return Status(item: .probesGreen, done: false, detail: waiting.joined(separator: "; "), record: nil)
    }
}

/// What a stand-down request comes to.
public enum StandDownDecision: Sendable, Hashable {
    /// Stand down; `overridden` lists the items still open that the override covers.
    case allowed(overridden: [ChecklistItem])
    /// Refused: these items are open and no override reason was given.
    case refused(open: [StandDownChecklist.Status])

    /// Stand-down with open items needs an explicit override with a reason.
    public static func decide(_ checklist: StandDownChecklist, override: String?) -> StandDownDecision {
        let open = checklist.statuses.filter { !$0.done }
        if open.isEmpty { return .allowed(overridden: []) }
        if let override, !override.trimmed.isEmpty { return .allowed(overridden: open.map(\.item)) }
        return .refused(open: open)
    }
}
