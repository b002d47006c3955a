#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
#if false
#endif

/// Readiness a descriptor is watched for, or was reported with.
public struct Readiness: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let readable = Readiness(rawValue: EPOLLIN.rawValue)
    public static let writable = Readiness(rawValue: EPOLLOUT.rawValue)
    public static let error = Readiness(rawValue: EPOLLERR.rawValue)
    public static let hangup = Readiness(rawValue: EPOLLHUP.rawValue)
}

/// An epoll instance. Confined to the event-loop thread that waits on it.
public final class Epoll {
    private let descriptor: FileDescriptor
    private var events: [epoll_event]

    public init(capacity: Int = 256) throws(SystemError) {
        let raw = try systemCall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        descriptor = FileDescriptor(adopting: raw)
        events = [epoll_event](repeating: epoll_event(), count: capacity)
    }

    /// Starts watching `fd`, or changes what it is watched for when it is already watched.
    public func watch(_ fd: Int32, for readiness: Readiness) throws(SystemError) {
        var event = epoll_event()
        event.events = readiness.rawValue
        event.data.fd = fd
        let added = epoll_ctl(descriptor.rawValue, EPOLL_CTL_ADD, fd, &event)
        if added == 0 { return }
        guard errno == EEXIST else { throw SystemError(call: "epoll_ctl(ADD)", errno: errno, subject: "fd \(fd)") }
        _ = try systemCall("epoll_ctl(MOD)", subject: "fd \(fd)") {
            epoll_ctl(descriptor.rawValue, EPOLL_CTL_MOD, fd, &event)
        }
    }

    /// Stops watching `fd`. A descriptor that was already closed is not an error.
    public func unwatch(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor.rawValue, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeoutMilliseconds` (-1 for ever) and returns the ready descriptors.
    public func wait(timeoutMilliseconds: Int32) throws(SystemError) -> [(fd: Int32, readiness: Readiness)] {
        let count = events.withUnsafeMutableBufferPointer { buffer -> Int32 in
            while true {
                let result = epoll_wait(descriptor.rawValue, buffer.baseAddress, Int32(buffer.count), timeoutMilliseconds)
                if result == -1 && errno == EINTR { return 0 }
                return result
            }
        }
        guard count >= 0 else { throw SystemError(call: "epoll_wait", errno: errno) }
        return (0..<Int(count)).map { (events[$0].data.fd, Readiness(rawValue: events[$0].events)) }
    }
}

/// An eventfd: another thread writes to wake the event loop.
public final class WakeUp: @unchecked Sendable {
    // @unchecked: the descriptor is fixed after init; eventfd reads and writes are thread-safe in the kernel.
    public let descriptor: FileDescriptor

    public init() throws(SystemError) {
        let raw = try systemCall("eventfd") { eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }
        descriptor = FileDescriptor(adopting: raw)
    }

    public func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(descriptor.rawValue, &one, 8)
    }

    /// Consumes pending wake-ups.
    public func drain() {
        var value: UInt64 = 0
        _ = Glibc.read(descriptor.rawValue, &value, 8)
    }
}
