import Foundation
import Synchronization
import TestSupport

/// Network namespaces that a test builds for itself with iproute2's `ip` (needs root): the only places ICMP
/// tests send to besides loopback. Every name starts with `cwtest-icmp-` (interfaces `cwt…`), every address
/// is in 10.203.0.0/16, and `remove()` deletes all of it, which also takes the veth pairs and their routes.
final class TestNetwork: @unchecked Sendable {
    // @unchecked: `namespaces` and `hostLinks` are only touched by the test that owns the value.

    /// Why namespace tests cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "this process is not root (network namespaces need CAP_SYS_ADMIN)" }
        guard ipCommand != nil else { return "iproute2's ip is not installed (Debian: apt-get install iproute2)" }
        return nil
    }()
    static var isAvailable: Bool { unavailableReason == nil }

    static let ipCommand: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    private static let nextNumber = Mutex<Int>(Int(getpid() % 97))
    private static let sweptLeftovers = Mutex<Bool>(false)

    private(set) var namespaces: [String] = []
    private var hostLinks: [String] = []
    private let tag: String

    /// A test network; nothing exists until `addNamespace`.
    init() {
        Self.removeLeftoversOfDeadRuns()
        let number = Self.nextNumber.withLock { number in
            defer { number += 1 }
            return number
        }
        tag = "\(getpid() % 10_000)x\(number % 100)"
    }

    deinit { remove() }

    /// A third octet for a /24 in 10.203.0.0/16 that this host has no route or address in yet.
    func freeSubnet() throws -> Int {
        let routes = try Self.ip(["-4", "route", "show", "table", "all"]) + (try Self.ip(["-4", "-o", "addr", "show"]))
        for _ in 0..<150 {
            let octet = Self.nextNumber.withLock { number in
                defer { number += 1 }
                return 100 + number % 150
            }
            if !routes.contains("10.203.\(octet).") { return octet }
        }
        throw TestNetworkError(message: "no free 10.203.x.0/24 subnet on this host")
    }

    /// Adds a namespace with its loopback up; returns its name.
    @discardableResult
    func addNamespace(_ role: String) throws -> String {
        let name = "cwtest-icmp-\(getpid())-\(tag)-\(role)"
        try Self.ip(["netns", "add", name])
        namespaces.append(name)
        try Self.ip(["-n", name, "link", "set", "lo", "up"])
        return name
    }

    /// A veth pair between the host (`hostAddress`) and `namespace` (`namespaceAddress`), both /24, up.
    func linkHost(_ hostAddress: String, to namespace: String, at namespaceAddress: String) throws {
        let hostEnd = "cwt\(tag)h"
        let namespaceEnd = "cwt\(tag)n"
        try Self.ip(["link", "add", hostEnd, "type", "veth", "peer", "name", namespaceEnd, "netns", namespace])
        hostLinks.append(hostEnd)
        // No IPv6 link-local address on the host's end: the test adds nothing it does not use.
        try Self.ip(["link", "set", hostEnd, "addrgenmode", "none"])
        try Self.ip(["addr", "add", "\(hostAddress)/24", "dev", hostEnd])
        try Self.ip(["link", "set", hostEnd, "up"])
        try Self.ip(["-n", namespace, "addr", "add", "\(namespaceAddress)/24", "dev", namespaceEnd])
        try Self.ip(["-n", namespace, "link", "set", namespaceEnd, "up"])
    }

    /// The interface names `link` gives the two ends of a namespace-to-namespace pair.
    var firstEnd: String { "cwt\(tag)a" }
    var secondEnd: String { "cwt\(tag)b" }

    /// A veth pair between two namespaces, each end with its /24 address, both up.
    func link(_ first: String, at firstAddress: String, to second: String, at secondAddress: String) throws {
        try Self.ip(["-n", first, "link", "add", firstEnd, "type", "veth", "peer", "name", secondEnd, "netns", second])
        try Self.ip(["-n", first, "addr", "add", "\(firstAddress)/24", "dev", firstEnd])
        try Self.ip(["-n", first, "link", "set", firstEnd, "up"])
        try Self.ip(["-n", second, "addr", "add", "\(secondAddress)/24", "dev", secondEnd])
        try Self.ip(["-n", second, "link", "set", secondEnd, "up"])
    }

    /// Adds a route on the host through this network's own veth (it goes when the veth goes).
    func addHostRoute(_ prefix: String, via gateway: String) throws {
        guard let hostEnd = hostLinks.first else { throw TestNetworkError(message: "no host link to route through") }
        try Self.ip(["route", "add", prefix, "via", gateway, "dev", hostEnd])
    }

    /// Runs `ip -n namespace arguments…`.
    func inside(_ namespace: String, _ arguments: [String]) throws {
        try Self.ip(["-n", namespace] + arguments)
    }

    /// Sets a sysctl under /proc/sys/net inside `namespace` (these are per namespace; the host's are untouched).
    func setSysctl(_ namespace: String, _ key: String, _ value: String) throws {
        let path = "/proc/sys/" + key.replacingOccurrences(of: ".", with: "/")
        try Self.ip(["netns", "exec", namespace, "sh", "-c", "printf '%s\\n' \"$1\" > \"$2\"", "sysctl", value, path])
    }

    /// Deletes the host links and namespaces. Safe to call twice; failures are ignored (best-effort cleanup).
    func remove() {
        for link in hostLinks { _ = try? Self.ip(["link", "del", link]) }
        hostLinks.removeAll()
        for namespace in namespaces { _ = try? Self.ip(["netns", "del", namespace]) }
        namespaces.removeAll()
    }

    /// Runs `ip` with `arguments`; throws with its stderr when it fails or takes more than 10 s.
    @discardableResult
    static func ip(_ arguments: [String]) throws -> String {
        guard let command = ipCommand else { throw TestNetworkError(message: "ip is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting so a chatty command cannot fill the pipe and stall.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        guard eventually(timeout: .seconds(10), { !process.isRunning }) else {
            process.terminate()
            throw TestNetworkError(message: "ip \(arguments.joined(separator: " ")) did not finish in 10 s")
        }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw TestNetworkError(message: "ip \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return String(decoding: outputData, as: UTF8.self)
    }

    /// Deletes `cwtest-icmp-<pid>-…` namespaces whose process is gone (a run that was killed mid-test).
    private static func removeLeftoversOfDeadRuns() {
        let first = sweptLeftovers.withLock { swept in
            defer { swept = true }
            return !swept
        }
        guard first, let names = try? FileManager.default.contentsOfDirectory(atPath: "/run/netns") else { return }
        for name in names where name.hasPrefix("cwtest-icmp-") {
            let fields = name.split(separator: "-")
            guard fields.count > 2, let pid = Int32(fields[2]), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            _ = try? ip(["netns", "del", name])
        }
    }
}

struct TestNetworkError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
