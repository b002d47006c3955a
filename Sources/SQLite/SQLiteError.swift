import CSQLite

/// An error SQLite reported, with its own message and the SQL that caused it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_FULL`, ...).
    public let code: Int32
    /// The extended result code, which says more (`SQLITE_IOERR_FSYNC`, ...).
    public let extendedCode: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    public let message: String
    /// The statement being prepared or run, if any.
    public let sql: String?
    /// The database file, if known.
    public let path: String?

    public init(code: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil, path: String? = nil) {
        self.code = code & 0xff
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// The database is full or the disk is.
    public var isDiskFull: Bool { code == SQLITE_FULL }
    /// Another connection holds a lock we needed.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// The file or its directory cannot be written.
    public var isReadOnly: Bool { code == SQLITE_READONLY || code == SQLITE_CANTOPEN }
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    public var description: String {
        var text = "SQLite error \(extendedCode) (\(String(cString: sqlite3_errstr(extendedCode)))): \(message)"
        if let path { text += " [database \(path)]" }
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }
}
