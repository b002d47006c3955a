import CSQLite

/// A prepared statement. It finalizes itself when it goes away; it belongs to the connection's thread.
public final class Statement {
    public let sql: String
    private let handle: OpaquePointer
    private unowned let connection: Connection

    init(connection: Connection, sql: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw connection.error(code: code, sql: sql)
        }
        self.sql = sql
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds values to the parameters `?1 ... ?n` in order, clearing earlier bindings.
    public func bind(_ values: [any DatabaseValueConvertible]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let parameterCount = Int(sqlite3_bind_parameter_count(handle))
        precondition(values.count == parameterCount,
                     "statement expects \(parameterCount) parameters, got \(values.count): \(sql)")
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.databaseValue {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let integer): code = sqlite3_bind_int64(handle, index, integer)
            case .real(let real): code = sqlite3_bind_double(handle, index, real)
            case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, csqlite_transient())
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                      Int32(buffer.count), csqlite_transient())
                }
            }
            guard code == SQLITE_OK else { throw connection.error(code: code, sql: sql) }
        }
    }

    /// Runs the statement to completion, ignoring any rows.
    public func execute(_ values: [any DatabaseValueConvertible] = []) throws(SQLiteError) {
        try bind(values)
        while try step() {}
    }

    /// All rows, each read by `read`.
    public func rows<T>(_ values: [any DatabaseValueConvertible] = [], _ read: (Row) throws -> T) throws -> [T] {
        try bind(values)
        var result: [T] = []
        while try step() { result.append(try read(Row(statement: self))) }
        return result
    }

    /// Visits rows one at a time without collecting them; `body` returns false to stop early.
    public func forEachRow(_ values: [any DatabaseValueConvertible] = [], _ body: (Row) throws -> Bool) throws {
        try bind(values)
        defer { reset() }
        while try step() {
            guard try body(Row(statement: self)) else { return }
        }
    }

    /// Ends the current run early so the statement can be reused and its locks are released.
    public func reset() { sqlite3_reset(handle) }

    /// Advances to the next row; false when done.
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE:
            sqlite3_reset(handle)
            return false
        default:
            let error = connection.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    func value(at index: Int) -> DatabaseValue {
        let column = Int32(index)
        precondition(index >= 0 && index < Int(sqlite3_column_count(handle)), "column \(index) out of range: \(sql)")
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, column) else { return .null }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }
}

/// The current row of a statement, valid only inside the `rows` callback.
public struct Row {
    let statement: Statement

    public subscript(index: Int) -> DatabaseValue { statement.value(at: index) }

    public func int(_ index: Int) -> Int64? {
        if case .integer(let value) = self[index] { return value }
        return nil
    }

    public func double(_ index: Int) -> Double? {
        switch self[index] {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    public func text(_ index: Int) -> String? {
        if case .text(let value) = self[index] { return value }
        return nil
    }

    public func blob(_ index: Int) -> [UInt8]? {
        if case .blob(let value) = self[index] { return value }
        return nil
    }
}
