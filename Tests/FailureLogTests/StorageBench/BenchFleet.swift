import Monitoring

/// The simulated site for the storage benchmark (issue #4): `count` probes at Interval=30s.
///
/// Shape: 2 reference probes (courtwatch's own uplink), `segments` network gateways (ICMP to each building's
/// or floor's router), and the rest are service probes spread round-robin over the segments, each depending
/// on its segment's gateway (so a gateway outage makes them UNREACHABLE, listed on the gateway's incident).
/// Service kinds, per 20: 9 HTTPS, 3 TCP, 3 ICMP, 3 DNS, 1 SMTP, 1 IMAP; the first 10 service probes are
/// critical. Every probe has a latency profile (a base and a spread, by kind) used by `latency`.
struct BenchFleet {
    enum Kind: Int { case http, tcp, icmp, dns, smtp, imap }

    let probes: [ProbeDefinition]
    let kinds: [Kind]
    /// Latency profile per probe, microseconds.
    let base: [Int64]
    let spread: [Int64]
    let referenceIndices: [Int]
    /// The gateway probe of each segment, and the service probes behind it.
    let gateways: [Int]
    let segmentMembers: [[Int]]
    /// Parents (by index) of each probe.
    let parents: [[Int]]
    let children: [[Int]]

    static let systems = ["common-platform", "xhibit", "libra", "digital-case-system", "cjsm-email", "delius",
                          "oasys", "wifi", "printing", "telephony", "intranet", "video-hearings"]
    static let kindPattern: [Kind] = [.http, .tcp, .http, .icmp, .http, .dns, .http, .tcp, .http, .icmp,
                                      .http, .dns, .smtp, .http, .tcp, .http, .icmp, .dns, .http, .imap]

    init(count: Int, segments requested: Int) {
        let segments = max(1, min(requested, (count - 2) / 3))
        var probes: [ProbeDefinition] = []
        var kinds: [Kind] = []
        var gateways: [Int] = []
        var members = [[Int]](repeating: [], count: segments)
        for number in 1...2 {
            probes.append(ProbeDefinition(id: "ref-\(number)", name: "Reference \(number)",
                                          check: .icmp(ICMPCheck(host: "192.0.2.\(number)")), isReference: true))
            kinds.append(.icmp)
        }
        for segment in 0..<segments {
            gateways.append(probes.count)
            probes.append(ProbeDefinition(id: "gw-\(segment + 1)", name: "Segment \(segment + 1) gateway",
                                          check: .icmp(ICMPCheck(host: "10.\(segment + 1).0.1")), system: "network"))
            kinds.append(.icmp)
        }
        var service = 0
        while probes.count < count {
            let segment = service % segments
            let kind = Self.kindPattern[service % Self.kindPattern.count]
            let system = Self.systems[(service / 3) % Self.systems.count]
            let host = "\(system).s\(segment + 1).court.example"
            let check: ProbeCheck
            switch kind {
            case .http:
                check = .http(HTTPCheck(url: try! Endpoint(parsing: "https://\(host)/health/\(service)",
                                                           allowedSchemes: ["https"])))
            case .tcp:
                check = .tcp(try! Endpoint(parsing: "tcp://\(host):\(8000 + service % 1000)", allowedSchemes: ["tcp"]))
            case .icmp:
                check = .icmp(ICMPCheck(host: "10.\(segment + 1).\(service / 250 % 250).\(service % 250 + 2)"))
            case .dns:
                check = .dns(DNSCheck(server: ResolverAddress(host: "10.\(segment + 1).0.53"), query: host))
            case .smtp:
                check = .smtp(SMTPCheck(url: try! Endpoint(parsing: "smtp://mail.s\(segment + 1).court.example:587",
                                                           allowedSchemes: ["smtp"])))
            case .imap:
                check = .imap(IMAPCheck(url: try! Endpoint(parsing: "imaps://mail.s\(segment + 1).court.example",
                                                           allowedSchemes: ["imaps"])))
            }
            members[segment].append(probes.count)
            probes.append(ProbeDefinition(id: "\(system)-\(service + 1)", name: "\(system) check \(service + 1)",
                                          check: check, system: system, critical: service < 10,
                                          dependsOn: [probes[gateways[segment]].id]))
            kinds.append(kind)
            service += 1
        }
        var base: [Int64] = []
        var spread: [Int64] = []
        for (index, kind) in kinds.enumerated() {
            let vary = Int64(index * 7919 % 100)  // 0...99, a fixed per-probe variation
            switch kind {
            case .http: base.append(30_000 + vary * 1_200); spread.append(60_000 + vary * 800)
            case .tcp: base.append(1_000 + vary * 100); spread.append(4_000)
            case .icmp: base.append(500 + vary * 50); spread.append(3_000)
            case .dns: base.append(2_000 + vary * 150); spread.append(8_000)
            case .smtp, .imap: base.append(20_000 + vary * 400); spread.append(40_000)
            }
        }
        var parents = [[Int]](repeating: [], count: probes.count)
        var children = [[Int]](repeating: [], count: probes.count)
        for (segment, list) in members.enumerated() {
            for member in list {
                parents[member].append(gateways[segment])
                children[gateways[segment]].append(member)
            }
        }
        self.probes = probes
        self.kinds = kinds
        self.base = base
        self.spread = spread
        self.referenceIndices = [0, 1]
        self.gateways = gateways
        self.segmentMembers = members
        self.parents = parents
        self.children = children
    }

    /// The latency of a successful sample of probe `index` in the 30-second slot `slot` (ms since the epoch
    /// / 30,000): a deterministic hash, so a sample counted in bulk has the same latency as the same sample
    /// fed through the writer. Base + up to `spread`, and about one sample in 211 six times the base.
    func latency(_ index: Int, slot: Int64) -> Int64 {
        Self.latency(base: base[index], spread: spread[index], index: Int64(index), slot: slot)
    }

    static func latency(base: Int64, spread: Int64, index: Int64, slot: Int64) -> Int64 {
        // Every product stays well below 2^63: slot < 2^27 (until the year 2097), multipliers < 2^32.
        let x = (slot &* 2_654_435_761 &+ index &* 40_503) % 4_294_967_296
        let y = ((x ^ (x >> 15)) &* 73_244_475) % 4_294_967_296
        let z = y ^ (y >> 16)
        return base + z % spread + (z % 211 == 0 ? base * 6 : 0)
    }

    /// A successful result as the engine would report it.
    func success(_ index: Int, at: Int64) -> Observation {
        let latency = latency(index, slot: at / 30_000)
        if kinds[index] == .http {
            return Observation(probeID: probes[index].id, at: Timestamp(millisecondsSinceEpoch: at),
                               latencyMicroseconds: latency, httpStatus: 200, timings: Self.timings(latency))
        }
        return Observation(probeID: probes[index].id, at: Timestamp(millisecondsSinceEpoch: at),
                           latencyMicroseconds: latency)
    }

    /// A failed result with the evidence the engine would record for this kind of probe.
    func failure(_ index: Int, at: Int64, cause: BenchFailureCause) -> Observation {
        let id = probes[index].id
        let time = Timestamp(millisecondsSinceEpoch: at)
        let kind = kinds[index]
        switch (cause, kind) {
        case (.serverError, .http):
            let latency = latency(index, slot: at / 30_000)
            return Observation(probeID: id, at: time,
                               failure: FailureEvidence(failureClass: .httpStatus, message: "HTTP 503 (expected 200)"),
                               latencyMicroseconds: latency, httpStatus: 503, timings: Self.timings(latency))
        case (.refused, .http), (.refused, .tcp), (.refused, .smtp), (.refused, .imap):
            return Observation(probeID: id, at: time, failure: FailureEvidence(
                failureClass: .connect, message: "Failed to connect to \(probes[index].check.target) port: Connection refused",
                errorCode: 7), latencyMicroseconds: 1_200, timings: kind == .http ? PhaseTimings(dns: 300, connect: 1_200) : nil)
        case (_, .icmp):
            return Observation(probeID: id, at: time, failure: FailureEvidence(
                failureClass: .timeout, message: "no echo reply: 5 sent, 0 received"), latencyMicroseconds: 5_000_000)
        case (_, .dns):
            return Observation(probeID: id, at: time, failure: FailureEvidence(
                failureClass: .timeout, message: "no answer from the resolver within 5 s"), latencyMicroseconds: 5_000_000)
        default:
            return Observation(probeID: id, at: time, failure: FailureEvidence(
                failureClass: .timeout, message: "Operation timed out after 5000 milliseconds with 0 bytes received",
                errorCode: 28), latencyMicroseconds: 5_000_000,
                timings: kind == .http ? PhaseTimings(dns: 300, connect: 0, total: 5_000_000) : nil)
        }
    }

    static func timings(_ latency: Int64) -> PhaseTimings {
        PhaseTimings(dns: latency / 20, connect: latency / 8, tls: latency / 3, firstByte: latency * 9 / 10,
                     total: latency)
    }

    /// What the engine writes in `last_result` for a success (Observation.summary).
    func successSummary(_ index: Int, latency: Int64) -> String {
        kinds[index] == .http ? "HTTP 200 in \(latency / 1000) ms" : "ok in \(latency / 1000) ms"
    }
}

/// How a failed sample failed.
enum BenchFailureCause: UInt8 {
    case timeout, refused, serverError
}
