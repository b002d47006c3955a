#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
#if false
#endif

/// An exclusive advisory lock on a file (flock), held for the life of the value. The file records the
/// holder's PID so a second process can name the one that holds it.
public final class FileLock: @unchecked Sendable {
    // @unchecked: immutable after init; the lock is released by the kernel when the descriptor closes.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case heldByAnotherProcess(path: String, pid: Int32?)
        case system(SystemError)

        public var description: String {
            switch self {
            case let .heldByAnotherProcess(path, pid?):
                "\(path) is locked by another courtwatch (pid \(pid)); only one daemon may use a state directory"
            case let .heldByAnotherProcess(path, nil):
                "\(path) is locked by another courtwatch; only one daemon may use a state directory"
            case let .system(error): error.description
            }
        }
    }

    private let descriptor: FileDescriptor
    public let path: String

    /// Takes the lock without waiting, or fails naming the holder.
    public init(path: String) throws(Failure) {
        let raw = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard raw >= 0 else { throw .system(SystemError(call: "open", errno: errno, subject: path)) }
        let descriptor = FileDescriptor(adopting: raw)
        if flock(raw, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            if error == EWOULDBLOCK {
                throw .heldByAnotherProcess(path: path, pid: FileLock.holder(of: path))
            }
            throw .system(SystemError(call: "flock", errno: error, subject: path))
        }
        _ = ftruncate(raw, 0)
        let text = "\(getpid())\n"
        do {
            try descriptor.writeAll(text)
        } catch {
            throw .system(error)
        }
        self.descriptor = descriptor
        self.path = path
    }

    /// The PID recorded in a lock file, and whether that lock is currently held.
    public static func holder(of path: String) -> Int32? {
        let raw = open(path, O_RDONLY | O_CLOEXEC)
        guard raw >= 0 else { return nil }
        let descriptor = FileDescriptor(adopting: raw)
        guard let bytes = try? descriptor.read(upTo: 32) else { return nil }
        return Int32(String(decoding: bytes, as: UTF8.self).filter(\.isNumber))
    }

    /// True when some process holds the lock on `path` right now.
    public static func isHeld(_ path: String) -> Bool {
        let raw = open(path, O_RDONLY | O_CLOEXEC)
        guard raw >= 0 else { return false }
        defer { Glibc.close(raw) }
        if flock(raw, LOCK_SH | LOCK_NB) == 0 {
            flock(raw, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}

