import FailureLog

/// How command-line processes read and write the failure log: one transaction per change, safe while the daemon
/// runs, with errors mapped to exit codes the same way everywhere.
enum LogAccess {
    /// Runs `body` in one write transaction on the log in `stateDirectory`. A `CommandFailure` thrown by
    /// `body` passes through; a refused incident change or a too-new schema is bad data (65); anything
    /// else (the disk, the database) is a failure (1).
    static func write<T>(_ stateDirectory: String, _ body: (inout LogTransaction) throws -> T) throws(CommandFailure) -> T {
        let store = FailureLogStore(stateDirectory: stateDirectory)
        let session: LogSession
        do {
            session = try LogSession(store: store)
        } catch {
            if case .migration = error { throw CommandFailure(code: .dataError, message: error.description) }
            throw CommandFailure(code: .failure, message: error.description)
        }
        defer { session.close() }
        do {
            return try session.write(body)
        } catch let failure as CommandFailure {
            throw failure
        } catch let refused as IncidentChangeError {
            throw CommandFailure(code: .dataError, message: refused.message)
        } catch {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): \(error)")
        }
    }

    /// Runs `body` with a read-only view of the log in `stateDirectory` (safe while the daemon writes). A missing
    /// or unreadable log, or an error from `body`, is a failure (1).
    static func read<T>(_ stateDirectory: String, _ body: (LogReader) throws -> T) throws(CommandFailure) -> T {
        let store = FailureLogStore(stateDirectory: stateDirectory)
        do {
            return try body(try LogReader(store: store))
        } catch let error as FailureLogStore.Failure {
            throw CommandFailure(code: .failure, message: error.description)
        } catch {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): \(error)")
        }
    }
}
