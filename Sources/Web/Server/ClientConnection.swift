import Sockets

/// One accepted connection's buffers and clocks. Confined to the event-loop thread.
final class ClientConnection {
    let descriptor: FileDescriptor
    /// The client's IP address, the key for rate limiting.
    let peer: String
    var input: [UInt8] = []
    var output: [UInt8] = []
    var written = 0
    /// Monotonic ns of the last byte read or written.
    var lastActivity: Int64
    /// Monotonic ns of the first byte of the request being received, nil between requests.
    var requestStarted: Int64?
    var closeAfterWrite = false
    /// Set once the response is out and the write side shut: unread input is discarded until this deadline,
    /// so closing does not reset the connection before the client has read its answer.
    var drainingUntil: Int64?
    var watchingWritable = false

    init(descriptor: FileDescriptor, peer: String, now: Int64) {
        self.descriptor = descriptor
        self.peer = peer
        lastActivity = now
    }

    var hasPendingOutput: Bool { written < output.count }
}
