#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// The signals the daemon acts on, blocked in every thread and taken synchronously by the main thread.
enum ControlSignal {
    case terminate(name: String)
    case reload
}

enum SignalWaiter {
    private static var handled: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }

    /// Blocks SIGTERM, SIGINT and SIGHUP (so threads started later inherit the mask) and ignores SIGPIPE.
    /// Call before starting any thread.
    static func install() {
        var set = handled
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits up to `timeout` for a control signal.
    static func wait(timeout: Duration) -> ControlSignal? {
        var set = handled
        let milliseconds = max(1, Int(timeout.components.seconds) * 1000
                                   + Int(timeout.components.attoseconds / 1_000_000_000_000_000))
        var spec = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        let received = sigtimedwait(&set, nil, &spec)
        switch received {
        case SIGTERM: return .terminate(name: "SIGTERM")
        case SIGINT: return .terminate(name: "SIGINT")
        case SIGHUP: return .reload
        default: return nil
        }
    }
}
