/// All probes of a site together: each probe's own state machine and flap detector, plus what no single
/// probe can know — a parent that is DOWN makes its failing children UNREACHABLE (the parent's incident lists
/// them), a cut-off prober makes everything PROBER-OFFLINE, a maintenance window makes failures planned.
/// Incidents follow from changes of the *reported* state. Values in, actions out; no clock, no I/O.
public struct SiteMonitor: Sendable {
    public let probes: [ProbeDefinition]
    private let indexByID: [String: Int]
    private let parents: [[Int]]
    private let children: [[Int]]
    /// Position of each probe in an order where parents come before children.
    private let rank: [Int]
    private let references: [Int]
    private let maintenance: MaintenanceSchedule
    private var machines: [ProbeStateMachine]
    private var flaps: [FlapDetector?]
    private var reported: [ProbeState]
    private var reportedSince: [Timestamp?]
    private var openIncidents: [Set<IncidentKind>]
    /// When each probe last produced a result: a child's outage is confirmed only after its parents have
    /// been checked since the child started failing.
    private var lastResultAt: [Timestamp?]
    /// Whether every reference probe is DOWN (the prober is cut off).
    public private(set) var isProberOffline = false

    public init(probes: [ProbeDefinition], restored: [String: (state: ProbeState, since: Timestamp?)] = [:],
                maintenance: MaintenanceSchedule = MaintenanceSchedule()) {
        self.probes = probes
        self.maintenance = maintenance
        let indexByID = Dictionary(probes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.indexByID = indexByID
        let parents = probes.map { $0.dependsOn.compactMap { indexByID[$0] } }
        self.parents = parents
        var children = [[Int]](repeating: [], count: probes.count)
        for (child, list) in parents.enumerated() { for parent in list { children[parent].append(child) } }
        self.children = children
        rank = SiteMonitor.topologicalRank(parents: parents)
        references = probes.indices.filter { probes[$0].isReference }
        machines = []
        flaps = []
        reported = []
        reportedSince = []
        openIncidents = []
        lastResultAt = Array(repeating: nil, count: probes.count)
        for probe in probes {
            let recorded = restored[probe.id]
            let machine = recorded.map {
                ProbeStateMachine(probeID: probe.id, policy: probe.policy, restoring: $0.state, since: $0.since)
            } ?? ProbeStateMachine(probeID: probe.id, policy: probe.policy)
            machines.append(machine)
            var flap = probe.flapPolicy.map { FlapDetector(policy: $0) }
            if recorded?.state == .flapping { flap?.resumeFlapping() }
            flaps.append(flap)
            let state = recorded?.state ?? .unknown
            reported.append(state)
            reportedSince.append(recorded?.since)
            var open: Set<IncidentKind> = []
            if state == .down || state == .recovering { open.insert(.down) }
            if state == .flapping { open.insert(.flapping) }
            openIncidents.append(open)
        }
    }

    /// The reported state of a probe and since when.
    public func state(of id: String) -> (state: ProbeState, since: Timestamp?)? {
        indexByID[id].map { (reported[$0], reportedSince[$0]) }
    }

    public func index(of id: String) -> Int? { indexByID[id] }

    /// The probe's next delay: its retry interval while its own results are being confirmed.
    public func nextDelay(forProbeAt index: Int) -> Duration {
        machines[index].nextDelay(interval: probes[index].interval, retryInterval: probes[index].retryInterval)
    }

    /// Every probe's reported state.
    public var states: [String: (state: ProbeState, since: Timestamp?)] {
        Dictionary(probes.indices.map { (probes[$0].id, (reported[$0], reportedSince[$0])) },
                   uniquingKeysWith: { first, _ in first })
    }

    /// Feeds one result. Returns transitions and incident actions for this probe and any probe it affects.
    public mutating func observe(_ observation: Observation) -> [ProbeAction] {
        guard let index = indexByID[observation.probeID] else { return [] }
        let result = ResultClass(observation)
        _ = machines[index].observe(result, at: observation.at)
        _ = flaps[index]?.record(answered: result != .failed)
        lastResultAt[index] = observation.at
        var actions: [ProbeAction] = []
        var affected = descendants(of: index)
        if probes[index].isReference {
            let offline = references.allSatisfy { machines[$0].state == .down }
            if offline != isProberOffline {
                isProberOffline = offline
                actions.append(offline ? .proberOfflineBegan(at: observation.at) : .proberOfflineEnded(at: observation.at))
            }
            affected = Set(probes.indices)
        }
        affected.insert(index)
        for probe in affected.sorted(by: { rank[$0] < rank[$1] }) {
            update(probe, observation: observation, cause: index, into: &actions)
        }
        // A child about to be called DOWN waits for a fresh result from each parent; ask for it now.
        if case .waitingForParent(let parent) = assessment(index, at: observation.at).hold {
            actions.append(.probeSoon(probeID: probes[parent].id))
        }
        return actions
    }

    // MARK: Reported state

    private func descendants(of index: Int) -> Set<Int> {
        var found: Set<Int> = []
        var frontier = children[index]
        while let next = frontier.popLast() {
            if found.insert(next).inserted { frontier += children[next] }
        }
        return found
    }

    /// Why a probe whose own results say DOWN is reported as SUSPECT instead.
    enum Hold {
        case none
        /// A parent has not been checked since this probe started failing.
        case waitingForParent(Int)
        /// A parent is itself being confirmed.
        case parentConfirming
        /// The prober's own uplink is being confirmed.
        case referencesFailing
    }

    /// The state to report for `index`, why (when it is not its own result), and any hold.
    func assessment(_ index: Int, at: Timestamp) -> (state: ProbeState, note: String?, hold: Hold) {
        let probe = probes[index]
        if let window = maintenance.activeWindow(for: probe, at: at) {
            return (.maintenance, "planned maintenance: \(window)", .none)
        }
        let raw = machines[index].state
        if !probe.isReference && !references.isEmpty {
            let referenceStates = references.map { machines[$0].state }
            if referenceStates.allSatisfy({ $0 == .down }) {
                return (.proberOffline, "courtwatch's own reference probes all fail: the prober is cut off", .none)
            }
            if raw == .down && referenceStates.allSatisfy(\.isFailing) {
                return (.suspect, "held: courtwatch's own reference probes are failing", .referencesFailing)
            }
        }
        if flaps[index]?.isFlapping == true { return (.flapping, nil, .none) }
        if raw.isFailing {
            for parent in parents[index] {
                switch reported[parent] {
                case .down, .recovering, .unreachable, .proberOffline, .maintenance, .flapping:
                    return (.unreachable, "\(probes[parent].id) is \(reported[parent].displayName)", .none)
                default: continue
                }
            }
            if raw == .down && reported[index] != .down {
                if let parent = parents[index].first(where: { reported[$0] == .suspect }) {
                    return (.suspect, "held: \(probes[parent].id), which it depends on, is SUSPECT", .parentConfirming)
                }
                let failingSince = machines[index].firstFailureAt ?? at
                if let parent = parents[index].first(where: { (lastResultAt[$0] ?? Timestamp(millisecondsSinceEpoch: .min)) < failingSince }) {
                    return (.suspect, "held: checking \(probes[parent].id), which it depends on, first",
                            .waitingForParent(parent))
                }
            }
        }
        return (raw, nil, .none)
    }

    private mutating func update(_ index: Int, observation: Observation, cause: Int, into actions: inout [ProbeAction]) {
        let at = observation.at
        let (next, note, _) = assessment(index, at: at)
        let previous = reported[index]
        guard next != previous else { return }
        if next == .down && index != cause {
            // Only a probe's own fresh result can call its outage (its last one may predate the parent's
            // recovery); until then it stays as it is, and is asked to run again now.
            actions.append(.probeSoon(probeID: probes[index].id))
            return
        }
        let id = probes[index].id
        let explanation = note ?? (index == cause ? nil : "\(probes[cause].id) changed")
        let transition = Transition(probeID: id, from: previous, to: next, at: at, cause: observation,
                                    note: explanation)
        reported[index] = next
        reportedSince[index] = at
        actions.append(.recordTransition(transition))

        // An outage runs from DOWN until the probe is neither DOWN nor RECOVERING.
        if next != .down && next != .recovering && openIncidents[index].remove(.down) != nil {
            let reason = next == .up || next == .degraded
                ? "recovered: \(observation.summary)"
                : "now \(next.displayName): \(transition.reason)"
            actions.append(.resolveIncident(probeID: id, kind: .down, at: at, reason: reason))
        }
        if next != .flapping && openIncidents[index].remove(.flapping) != nil {
            actions.append(.resolveIncident(probeID: id, kind: .flapping, at: at,
                                            reason: "stopped flapping; now \(next.displayName)"))
        }
        // A reference probe failing means courtwatch is cut off, recorded as prober-offline, not an outage.
        let opensIncidents = !probes[index].isReference
        if opensIncidents && next == .down && openIncidents[index].insert(.down).inserted {
            let startedAt = previous == .suspect || previous == .unknown
                ? machines[index].firstFailureAt ?? at : at
            actions.append(.openIncident(probeID: id, kind: .down, startedAt: min(startedAt, at),
                                         cause: transition.reason, at: at))
        }
        if opensIncidents && next == .flapping && openIncidents[index].insert(.flapping).inserted {
            let percentage = Int((flaps[index]?.changePercentage ?? 0).rounded())
            let window = probes[index].flapPolicy?.window ?? 0
            actions.append(.openIncident(
                probeID: id, kind: .flapping, startedAt: at,
                cause: "changed state in \(percentage)% of its last \(window) results", at: at))
        }
        if next == .unreachable, let root = rootCause(of: index) {
            actions.append(.linkToIncident(parentID: probes[root].id, childID: id, at: at))
        }
    }

    /// The nearest ancestor that is DOWN (and so holds the incident this probe is listed on).
    private func rootCause(of index: Int) -> Int? {
        var frontier = parents[index]
        var seen: Set<Int> = []
        while !frontier.isEmpty {
            let current = frontier.removeFirst()
            guard seen.insert(current).inserted else { continue }
            if reported[current] == .down { return current }
            if reported[current] == .unreachable { frontier += parents[current] }
        }
        return nil
    }

    static func topologicalRank(parents: [[Int]]) -> [Int] {
        var rank = [Int](repeating: -1, count: parents.count)
        func depth(_ index: Int, _ visiting: inout Set<Int>) -> Int {
            if rank[index] >= 0 { return rank[index] }
            guard visiting.insert(index).inserted else { return 0 }  // a cycle; the loader rejects these
            let value = (parents[index].map { depth($0, &visiting) }.max() ?? -1) + 1
            rank[index] = value
            return value
        }
        for index in parents.indices {
            var visiting: Set<Int> = []
            _ = depth(index, &visiting)
        }
        return rank
    }
}

extension ProbeState {
    /// Upper case, as status and sentences show it: DOWN, PROBER-OFFLINE.
    public var displayName: String { rawValue.uppercased() }
}

