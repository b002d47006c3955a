#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A system call that failed: which one, on what, and errno with its text.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let call: String
    public let errno: Int32
    public let subject: String?

    public init(call: String, errno: Int32, subject: String? = nil) {
        self.call = call
        self.errno = errno
        self.subject = subject
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        if let subject { return "\(call) \(subject): \(reason)" }
        return "\(call): \(reason)"
    }
}

/// Runs a system call that returns -1 on failure: retries on EINTR, traps on EBADF/EFAULT (a bug in
/// this program), throws everything else.
@inline(__always)
public func systemCall<T: FixedWidthInteger>(_ name: @autoclosure () -> String, subject: @autoclosure () -> String? = nil,
                                             _ body: () -> T) throws(SystemError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = errno
        switch error {
        case EINTR: continue
        case EBADF, EFAULT: preconditionFailure("\(name()) failed with \(String(cString: strerror(error))): a bug")
        default: throw SystemError(call: name(), errno: error, subject: subject())
        }
    }
}
