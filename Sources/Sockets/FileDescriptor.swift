#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owns one file descriptor and closes it when it goes away.
public final class FileDescriptor: @unchecked Sendable {
    // @unchecked: `rawValue` is immutable except through `close()`, which the owner calls once, from the
    // thread that uses the descriptor.
    public private(set) var rawValue: Int32

    public init(adopting rawValue: Int32) {
        precondition(rawValue >= 0, "adopting a negative descriptor")
        self.rawValue = rawValue
    }

    deinit { if rawValue >= 0 { Glibc.close(rawValue) } }

    public func close() {
        guard rawValue >= 0 else { return }
        Glibc.close(rawValue)
        rawValue = -1
    }

    /// Writes all of `bytes`, retrying short writes.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = try systemCall("write") {
                Glibc.write(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += written
        }
    }

    public func writeAll(_ text: String) throws(SystemError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = try systemCall("write") {
                bytes.withUnsafeBytes { Glibc.write(rawValue, $0.baseAddress! + offset, bytes.count - offset) }
            }
            offset += written
        }
    }

    /// Reads up to `count` bytes; an empty result means end of file.
    public func read(upTo count: Int) throws(SystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = -1
        var failure: Int32 = 0
        buffer.withUnsafeMutableBytes { raw in
            repeat {
                received = Glibc.read(rawValue, raw.baseAddress, count)
                failure = received < 0 ? errno : 0
            } while received < 0 && failure == EINTR
        }
        guard received >= 0 else { throw SystemError(call: "read", errno: failure) }
        buffer.removeSubrange(received...)
        return buffer
    }

    public func setNonBlocking() throws(SystemError) {
        let flags = try systemCall("fcntl(F_GETFL)") { fcntl(rawValue, F_GETFL) }
        _ = try systemCall("fcntl(F_SETFL)") { fcntl(rawValue, F_SETFL, flags | O_NONBLOCK) }
    }
}
