public import SQLite
public import Monitoring

/// One write transaction on the failure log: appends events to the hash chain and updates the tables
/// derived from them. The chain's head is read inside the transaction, so the daemon's writer and a
/// command-line process (`courtwatch incidents ack`, back-recording while the daemon is stopped) can
/// both append: SQLite's write lock (BEGIN IMMEDIATE) orders them, and neither caches the head.
public struct LogTransaction {
    public let connection: Connection
    public private(set) var lastSeq: Int64
    public private(set) var lastHash: [UInt8]

    init(connection: Connection) throws {
        self.connection = connection
        let head = try connection.firstRow("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") {
            ($0.int(0) ?? 0, $0.blob(1) ?? EventChain.genesis)
        }
        lastSeq = head?.0 ?? 0
        lastHash = head?.1 ?? EventChain.genesis
    }

    /// Appends one event and returns its sequence number.
    @discardableResult
    public mutating func append(kind: String, at: Timestamp, probeID: String? = nil, payload: JSONValue) throws -> Int64 {
        let seq = lastSeq + 1
        let text = payload.canonicalText
        let hash = EventChain.hash(previous: lastHash, seq: seq, atMilliseconds: at.millisecondsSinceEpoch,
                                   kind: kind, probeID: probeID, payload: text)
        try connection.execute(
            "INSERT INTO events (seq, at_ms, kind, probe_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [seq, at.millisecondsSinceEpoch, kind, probeID, text, lastHash, hash])
        lastSeq = seq
        lastHash = hash
        return seq
    }

    /// Runs `body` in one IMMEDIATE transaction on `connection`; nothing is written unless it returns.
    static func run<T>(on connection: Connection, _ body: (inout LogTransaction) throws -> T) throws -> T {
        try connection.transaction {
            var transaction = try LogTransaction(connection: connection)
            return try body(&transaction)
        }
    }
}

/// A short-lived writer for command-line processes: opens the log (creating and migrating it if needed),
/// runs each change in its own transaction, and closes. Safe while the daemon runs.
public final class LogSession {
    public let store: FailureLogStore
    public let connection: Connection

    public init(store: FailureLogStore) throws(FailureLogStore.Failure) {
        self.store = store
        try store.prepareDirectory()
        connection = try store.openWriter()
    }

    /// Runs `body` in one transaction and commits it (synchronous=FULL: durable when this returns).
    public func write<T>(_ body: (inout LogTransaction) throws -> T) throws -> T {
        try LogTransaction.run(on: connection, body)
    }

    public func close() {
        try? connection.close()
    }
}
