/// Plain-language sentences that say where a fault is, for the people who have to act on it:
/// "This site's network link is down", "Common Platform sign-in is failing; the application page answers".
public enum FaultLocation {
    /// What the sentences need to know about one probe.
    public struct ProbeView: Sendable {
        public var id: String
        public var name: String
        public var system: String?
        public var state: ProbeState
        public var since: Timestamp?
        public var lastResult: String?
        public var dependsOn: [String]
        public var isReference: Bool

        public init(id: String, name: String, system: String?, state: ProbeState, since: Timestamp?,
                    lastResult: String?, dependsOn: [String], isReference: Bool) {
            self.id = id
            self.name = name
            self.system = system
            self.state = state
            self.since = since
            self.lastResult = lastResult
            self.dependsOn = dependsOn
            self.isReference = isReference
        }
    }

    /// Display names for the systems court sites depend on; others are title-cased from their ID.
    static let systemNames = [
        "network": "This site's network link", "common-platform": "Common Platform", "cjsm": "Secure email (CJSM)",
        "dcs": "The Digital Case System", "cvp": "The video platform", "video": "The video platform",
        "xhibit": "XHIBIT", "libra": "Libra", "dns": "The site's DNS", "printers": "Printing",
        "email": "Secure email",
    ]

    public static func systemName(_ id: String) -> String {
        if let known = systemNames[id] { return known }
        return id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// The sentences, most important first. `clock` formats a time for the reader ("09:12").
    public static func sentences(_ probes: [ProbeView], clock: (Timestamp) -> String) -> [String] {
        var sentences: [String] = []
        var explained: Set<String> = []
        func since(_ probe: ProbeView) -> String { probe.since.map { " since \(clock($0))" } ?? "" }
        func reason(_ probe: ProbeView) -> String {
            guard let result = probe.lastResult, !result.isEmpty else { return "" }
            return " (\(readable(result)))"
        }

        if let offline = probes.first(where: { $0.state == .proberOffline }) {
            let references = probes.filter(\.isReference)
            sentences.append("courtwatch itself is cut off\(since(offline)): its reference checks ("
                             + references.map(\.name).joined(separator: ", ")
                             + ") fail, so nothing is known about the site's systems. This is not recorded as downtime.")
            explained.formUnion(probes.filter { $0.state == .proberOffline || $0.isReference }.map(\.id))
        }

        // Root causes: DOWN probes that others depend on, with the checks that cannot be made behind them.
        let byID = Dictionary(probes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Only UNREACHABLE probes can be behind a root: look through those, not the whole site, per root.
        let unreachable = probes.filter { $0.state == .unreachable }
        for root in probes where root.state == .down && !unreachable.isEmpty {
            let behind = unreachable.filter { dependsTransitively($0, on: root.id, byID) }
            guard !behind.isEmpty else { continue }
            let subject = root.system == "network" ? "This site's network link is down (\(root.name) unreachable\(since(root)))"
                : "\(root.name) is down\(since(root))\(reason(root))"
            sentences.append("\(subject); \(behind.count) check\(behind.count == 1 ? "" : "s") behind it cannot be made: "
                             + behind.map(\.name).joined(separator: ", ") + ".")
            explained.insert(root.id)
            explained.formUnion(behind.map(\.id))
        }

        // Per system: which parts fail and which still answer.
        var systems: [String] = []
        for probe in probes { if let system = probe.system, !systems.contains(system) { systems.append(system) } }
        for system in systems {
            let members = probes.filter { $0.system == system && !explained.contains($0.id) && !$0.isReference }
            let failing = members.filter { $0.state == .down }
            guard !failing.isEmpty else { continue }
            let answering = members.filter { $0.state == .up || $0.state == .degraded }
            let name = systemName(system)
            if answering.isEmpty && failing.count == members.count {
                let first = failing.min { ($0.since ?? .init(millisecondsSinceEpoch: 0)) < ($1.since ?? .init(millisecondsSinceEpoch: 0)) }!
                sentences.append("\(name) is down\(since(first))\(reason(first)).")
            } else {
                var sentence = failing.map { "\($0.name) is failing\(since($0))\(reason($0))" }.joined(separator: "; ")
                if !answering.isEmpty {
                    sentence += "; " + answering.map(\.name).joined(separator: ", ")
                        + (answering.count == 1 ? " answers" : " answer")
                }
                sentences.append(sentence + ".")
            }
            explained.formUnion(failing.map(\.id))
        }
        for probe in probes where !explained.contains(probe.id) {
            switch probe.state {
            case .down: sentences.append("\(probe.name) is down\(since(probe))\(reason(probe)).")
            case .flapping: sentences.append("\(probe.name) keeps failing and recovering\(since(probe)).")
            case .degraded: sentences.append("\(probe.name) is slow\(since(probe))\(reason(probe)).")
            case .maintenance: sentences.append("\(probe.name) is in planned maintenance.")
            case .unreachable: sentences.append("\(probe.name) cannot be checked: something it depends on is down.")
            default: continue
            }
        }
        if sentences.isEmpty {
            let unknown = probes.filter { $0.state == .unknown }.count
            sentences.append(unknown == probes.count ? "No results yet."
                             : "Every system that is checked answers." + (unknown > 0 ? " (\(unknown) not checked yet.)" : ""))
        }
        return sentences
    }

    private static func dependsTransitively(_ probe: ProbeView, on id: String, _ byID: [String: ProbeView]) -> Bool {
        var frontier = probe.dependsOn
        var seen: Set<String> = []
        while let next = frontier.popLast() {
            if next == id { return true }
            if seen.insert(next).inserted { frontier += byID[next]?.dependsOn ?? [] }
        }
        return false
    }

    /// A stored result summary ("starttls-refused: ...") as a reader would say it.
    static func readable(_ result: String) -> String {
        let pairs: [(String, String)] = [
            ("starttls-refused: ", "STARTTLS not offered by the server: "), ("http-status: ", ""),
            ("body-mismatch: ", ""), ("connect: ", "cannot connect: "), ("timeout: ", "no answer in time: "),
            ("dns: ", "DNS: "), ("tls: ", "TLS: "), ("user-reported: ", ""), ("slow: ", ""),
        ]
        for (prefix, replacement) in pairs where result.hasPrefix(prefix) {
            return replacement + result.dropFirst(prefix.count)
        }
        return result
    }
}
