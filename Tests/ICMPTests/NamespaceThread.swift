import Foundation
import Synchronization

/// Runs work on a fresh thread that has joined a test network namespace and, if asked, given up CAP_NET_RAW.
/// Both are per-thread in Linux and inherited by threads it starts (the engine's loop thread), so the probe
/// runs as if the daemon lived in that namespace with those rights, and no other thread of the test changes.
enum NamespaceThread {
    /// Runs `body` inside `namespace` and waits up to `timeout` for it.
    static func run<T: Sendable>(in namespace: String, withoutRawSockets: Bool, timeout: Duration = .seconds(30),
                                 _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let result = Result { () throws -> T in
                try enter(namespace)
                if withoutRawSockets { try dropRawSocketCapability() }
                return try body()
            }
            box.result.withLock { $0 = result }
            done.signal()
        }
        thread.name = "icmp-test-\(namespace)"
        thread.start()
        guard done.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds) * 1000)) == .success else {
            throw TestNetworkError(message: "work inside \(namespace) did not finish within \(timeout)")
        }
        guard let result = box.result.withLock({ $0 }) else {
            throw TestNetworkError(message: "work inside \(namespace) left no result")
        }
        return try result.get()
    }

    /// Whether this thread may open an unprivileged ping socket (net.ipv4.ping_group_range admits it).
    static func canOpenPingSocket() -> Bool {
        let ping = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), Int32(IPPROTO_ICMP))
        guard ping >= 0 else { return false }
        close(ping)
        return true
    }

    /// Whether this thread may open a raw ICMP socket (false once CAP_NET_RAW is dropped).
    static func canOpenRawSocket() -> Bool {
        let raw = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
        guard raw >= 0 else { return false }
        close(raw)
        return true
    }

    private final class ResultBox<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
    }

    /// setns(2) into `/run/netns/<namespace>`. The Glibc module does not import setns (it is a GNU
    /// extension in <sched.h>), so it is looked up in the C library at run time.
    private static func enter(_ namespace: String) throws {
        let path = "/run/netns/\(namespace)"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open \(path)") }
        defer { close(descriptor) }
        typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "setns") else { throw TestNetworkError(message: "libc has no setns") }
        let cloneNewNet: Int32 = 0x4000_0000  // CLONE_NEWNET
        guard unsafeBitCast(symbol, to: SetNamespace.self)(descriptor, cloneNewNet) == 0 else {
            throw failure("setns \(path)")
        }
    }

    /// Clears CAP_NET_RAW from this thread's effective and permitted sets with capget/capset(2) (libc exports
    /// them; only libcap's header declares them, so they are looked up at run time).
    private static func dropRawSocketCapability() throws {
        struct Header {
            var version: UInt32 = 0x2008_0522  // _LINUX_CAPABILITY_VERSION_3
            var pid: Int32 = 0  // this thread
        }
        struct Data {
            var effective: UInt32 = 0
            var permitted: UInt32 = 0
            var inheritable: UInt32 = 0
        }
        typealias CapabilityCall = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int32
        guard let get = dlsym(nil, "capget"), let set = dlsym(nil, "capset") else {
            throw TestNetworkError(message: "libc has no capget/capset")
        }
        var header = Header()
        var data = [Data(), Data()]
        let rawBit = UInt32(1) << 13  // CAP_NET_RAW
        let capget = unsafeBitCast(get, to: CapabilityCall.self)
        let capset = unsafeBitCast(set, to: CapabilityCall.self)
        guard data.withUnsafeMutableBytes({ capget(&header, $0.baseAddress!) }) == 0 else { throw failure("capget") }
        data[0].effective &= ~rawBit
        data[0].permitted &= ~rawBit
        guard data.withUnsafeMutableBytes({ capset(&header, $0.baseAddress!) }) == 0 else { throw failure("capset") }
    }

    private static func failure(_ call: String) -> TestNetworkError {
        TestNetworkError(message: "\(call): \(String(cString: strerror(errno)))")
    }
}
