import CCurl

/// What libcurl wants to hear about a socket.
public enum SocketInterest: Sendable, Equatable {
    case read, write, readWrite, remove
}

/// What happened on a socket, told back to libcurl.
public struct SocketEvents: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let readable = SocketEvents(rawValue: CURL_CSELECT_IN)
    public static let writable = SocketEvents(rawValue: CURL_CSELECT_OUT)
    public static let error = SocketEvents(rawValue: CURL_CSELECT_ERR)
}

/// A transfer that finished, successfully or not.
public struct CompletedTransfer {
    public let easy: CurlEasy
    public let error: CurlError?
}

/// A libcurl multi handle driven by the socket interface: the owner watches the sockets libcurl names
/// (with epoll) and tells it about events and timeouts. Not thread-safe: one event-loop thread owns it.
public final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    private var transfers: [UnsafeMutableRawPointer: CurlEasy] = [:]

    /// Called when libcurl wants a socket watched differently.
    public var onSocket: (_ descriptor: Int32, _ interest: SocketInterest) -> Void = { _, _ in }
    /// Called when libcurl wants a timeout: milliseconds from now, or nil to cancel.
    public var onTimer: (_ milliseconds: Int?) -> Void = { _ in }

    public init(maxTotalConnections: Int = 0) {
        CurlGlobal.initialize()
        guard let handle = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.handle = handle
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_multi_setopt_pointer(handle, CURLMOPT_SOCKETDATA, me)
        _ = ccurl_multi_setopt_socket_callback(handle) { _, socket, what, userdata, _ in
            guard let userdata else { return 0 }
            let multi = Unmanaged<CurlMulti>.fromOpaque(userdata).takeUnretainedValue()
            let interest: SocketInterest =
                switch what {
                case CURL_POLL_IN: .read
                case CURL_POLL_OUT: .write
                case CURL_POLL_INOUT: .readWrite
                default: .remove
                }
            multi.onSocket(socket, interest)
            return 0
        }
        _ = ccurl_multi_setopt_pointer(handle, CURLMOPT_TIMERDATA, me)
        _ = ccurl_multi_setopt_timer_callback(handle) { _, milliseconds, userdata in
            guard let userdata else { return 0 }
            let multi = Unmanaged<CurlMulti>.fromOpaque(userdata).takeUnretainedValue()
            multi.onTimer(milliseconds < 0 ? nil : milliseconds)
            return 0
        }
        if maxTotalConnections > 0 {
            _ = ccurl_multi_setopt_long(handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxTotalConnections)
        }
    }

    deinit {
        for easy in transfers.values { curl_multi_remove_handle(handle, easy.handle) }
        transfers.removeAll()
        curl_multi_cleanup(handle)
    }

    /// How many transfers are under way.
    public var activeCount: Int { transfers.count }

    /// Starts `easy`. It stays alive until it completes or is removed.
    public func add(_ easy: CurlEasy) throws(CurlSetupError) {
        let code = curl_multi_add_handle(handle, easy.handle)
        guard code == CURLM_OK else {
            throw CurlSetupError(operation: "curl_multi_add_handle", message: String(cString: curl_multi_strerror(code)))
        }
        transfers[easy.handle] = easy
    }

    /// Stops `easy` early (shutdown); it will not be reported as completed.
    public func remove(_ easy: CurlEasy) {
        guard transfers.removeValue(forKey: easy.handle) != nil else { return }
        curl_multi_remove_handle(handle, easy.handle)
    }

    /// Tells libcurl that `descriptor` is ready.
    public func socketAction(_ descriptor: Int32, events: SocketEvents) {
        var running: Int32 = 0
        _ = curl_multi_socket_action(handle, descriptor, events.rawValue, &running)
    }

    /// Tells libcurl that its timer fired.
    public func timeoutAction() {
        var running: Int32 = 0
        _ = curl_multi_socket_action(handle, CURL_SOCKET_TIMEOUT, 0, &running)
    }

    /// Transfers that have finished since the last call, removed from the multi handle.
    public func takeCompleted() -> [CompletedTransfer] {
        var completed: [CompletedTransfer] = []
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(handle, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easyHandle = message.pointee.easy_handle else { continue }
            let result = ccurl_message_result(message)
            curl_multi_remove_handle(handle, easyHandle)
            guard let easy = transfers.removeValue(forKey: easyHandle) else { continue }
            completed.append(CompletedTransfer(easy: easy, error: easy.error(for: result)))
        }
        return completed
    }
}
