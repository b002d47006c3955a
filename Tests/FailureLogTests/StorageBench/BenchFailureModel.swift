import Foundation
import TestSupport

/// A stretch of time in which one probe's checks fail.
struct Disturbance {
    enum Mode: UInt8 {
        /// Every sample in [start, end) fails.
        case down
        /// Only the first sample at or after `start` fails (an isolated failed sample).
        case single
        /// Samples in [start, end) fail or succeed at random (a probe that will not settle).
        case flap
    }

    var start: Int64
    var end: Int64
    var mode: Mode
    var cause: BenchFailureCause
}

/// The failure model of the storage benchmark, seeded and reproducible. Rates are per probe unless said.
///
/// - Outages: a Poisson process of `outagesPerMonth` (default 2) per service probe and per gateway, each
///   lasting a uniformly drawn 5–90 minutes; the cause is drawn per outage (timeout 50 %, connection refused
///   25 %, HTTP 503 25 % — by kind, see `BenchFleet.failure`).
/// - Isolated failed samples: each sample fails on its own with probability `isolatedFailureRate`
///   (default 0.1 %, drawn as a Poisson process of rate 1/1000 per 30 s), a timeout.
/// - Flapping: `flapsPerMonth` (default 1) site-wide episodes, each on one random service probe for 30–180
///   minutes, during which each sample fails with probability 1/2.
/// - Network outages: `segmentOutagesPerYear` (default 12) site-wide, each one random segment's gateway
///   and every probe behind it failing together for 15–120 minutes (the probes go UNREACHABLE).
/// - Prober cut off: `proberOutagesPerYear` (default 2), 10–40 minutes in which every probe fails,
///   the reference probes included (PROBER-OFFLINE).
struct BenchFailureModel {
    var outagesPerMonth = 2.0
    var isolatedFailureRate = 0.001
    var flapsPerMonth = 1.0
    var segmentOutagesPerYear = 12.0
    var proberOutagesPerYear = 2.0
    var seed: UInt64 = 20_261_122

    static let minute: Int64 = 60_000
    static let month = 30.4 * 86_400_000.0
    static let year = 365.0 * 86_400_000.0

    /// Every probe's disturbances in [start, end), each list sorted by start.
    func disturbances(for fleet: BenchFleet, from start: Int64, to end: Int64) -> [[Disturbance]] {
        var random = SplitMix64(state: seed)
        var lists = [[Disturbance]](repeating: [], count: fleet.probes.count)

        func poissonTimes(rate: Double) -> [Int64] {
            guard rate > 0 else { return [] }
            var times: [Int64] = []
            var at = Double(start)
            while true {
                at += -log(1 - Double.random(in: 0..<1, using: &random)) / rate
                if at >= Double(end) || times.count > 10_000_000 { return times }
                times.append(Int64(at))
            }
        }
        func minutes(_ range: ClosedRange<Int64>) -> Int64 {
            Int64.random(in: range.lowerBound * Self.minute...range.upperBound * Self.minute, using: &random)
        }
        func cause() -> BenchFailureCause {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: .refused
            case 1: .serverError
            default: .timeout
            }
        }

        let serviceAndGateways = Array(fleet.referenceIndices.count..<fleet.probes.count)
        for index in serviceAndGateways {
            for at in poissonTimes(rate: outagesPerMonth / Self.month) {
                lists[index].append(Disturbance(start: at, end: at + minutes(5...90), mode: .down, cause: cause()))
            }
        }
        for index in fleet.probes.indices {
            for at in poissonTimes(rate: isolatedFailureRate / 30_000) {
                lists[index].append(Disturbance(start: at, end: at, mode: .single, cause: .timeout))
            }
        }
        let services = fleet.segmentMembers.flatMap { $0 }
        if !services.isEmpty {
            for at in poissonTimes(rate: flapsPerMonth / Self.month) {
                let index = services[Int.random(in: 0..<services.count, using: &random)]
                lists[index].append(Disturbance(start: at, end: at + minutes(30...180), mode: .flap, cause: .timeout))
            }
        }
        for at in poissonTimes(rate: segmentOutagesPerYear / Self.year) {
            let segment = Int.random(in: 0..<fleet.gateways.count, using: &random)
            let outage = Disturbance(start: at, end: at + minutes(15...120), mode: .down, cause: .timeout)
            for index in [fleet.gateways[segment]] + fleet.segmentMembers[segment] { lists[index].append(outage) }
        }
        for at in poissonTimes(rate: proberOutagesPerYear / Self.year) {
            let outage = Disturbance(start: at, end: at + minutes(10...40), mode: .down, cause: .timeout)
            for index in fleet.probes.indices { lists[index].append(outage) }
        }
        return lists.map { list in list.sorted { ($0.start, $0.end) < ($1.start, $1.end) } }
    }
}
