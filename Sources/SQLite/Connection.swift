import CSQLite

/// One SQLite connection. Not thread-safe: its owner confines it to one thread.
public final class Connection {
    public enum Mode: Sendable {
        /// Read and write; create the file when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only: what the CLI and web use while the daemon writes.
        case readOnly
    }

    public let path: String
    let handle: OpaquePointer
    private var isClosed = false
    private var cache: [String: Statement] = [:]

    public init(path: String, mode: Mode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: message, path: path)
        }
        self.path = path
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    deinit {
        if !isClosed {
            cache.removeAll()
            sqlite3_close_v2(handle)
        }
    }

    /// Closes the connection, reporting a failure (for example statements still alive elsewhere).
    public func close() throws(SQLiteError) {
        guard !isClosed else { return }
        cache.removeAll()
        let code = sqlite3_close(handle)
        guard code == SQLITE_OK else { throw error(code: code, sql: nil) }
        isClosed = true
    }

    /// Runs one or more statements with no parameters.
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: code, extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql,
                              path: path)
        }
    }

    /// A new prepared statement.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// A statement prepared once and kept for the life of the connection: for the hot paths.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    /// Runs `sql` with `values`.
    public func execute(_ sql: String, _ values: [any DatabaseValueConvertible]) throws(SQLiteError) {
        try cached(sql).execute(values)
    }

    /// All rows of a query.
    public func rows<T>(_ sql: String, _ values: [any DatabaseValueConvertible] = [],
                        _ read: (Row) throws -> T) throws -> [T] {
        try cached(sql).rows(values, read)
    }

    /// The first row of a query, if any.
    public func firstRow<T>(_ sql: String, _ values: [any DatabaseValueConvertible] = [],
                            _ read: (Row) throws -> T) throws -> T? {
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return try read(Row(statement: statement))
    }

    /// A single integer, for `SELECT count(*)` and the like.
    public func scalarInt(_ sql: String, _ values: [any DatabaseValueConvertible] = []) throws -> Int64? {
        try firstRow(sql, values) { $0.int(0) } ?? nil
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ kind: String = "IMMEDIATE", _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    func error(code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code, extendedCode: sqlite3_extended_errcode(handle),
                    message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
    }
}

/// The version of the SQLite library in use.
public var sqliteLibraryVersion: String { String(cString: sqlite3_libversion()) }
