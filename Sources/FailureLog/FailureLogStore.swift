import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
public import SQLite
public import Monitoring

/// Where the failure log lives and how its connections are opened.
public struct FailureLogStore: Sendable {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case stateDirectory(path: String, reason: String)
        case database(SQLiteError)
        case migration(String)

        public var description: String {
            switch self {
            case let .stateDirectory(path, reason): "\(path): \(reason)"
            case let .database(error): error.description
            case let .migration(message): message
            }
        }
    }

    public let stateDirectory: String
    public var databasePath: String { stateDirectory + "/failure-log.sqlite" }
    public var lockPath: String { stateDirectory + "/courtwatch.lock" }

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory.count > 1 && stateDirectory.hasSuffix("/")
            ? String(stateDirectory.dropLast()) : stateDirectory
    }

    /// The newest schema this build writes.
    public static var schemaVersion: Int { Schema.migrator.latestVersion }

    /// Creates the state directory when missing and checks that it can be written.
    public func prepareDirectory() throws(Failure) {
        let manager = FileManager.default
        var isDirectory = false
        if manager.fileExists(atPath: stateDirectory, isDirectory: &isDirectory) {
            guard isDirectory else { throw .stateDirectory(path: stateDirectory, reason: "exists but is not a directory") }
        } else {
            do {
                try manager.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o750])
            } catch {
                throw .stateDirectory(path: stateDirectory, reason: "cannot create state directory (\(error))")
            }
        }
        guard access(stateDirectory, W_OK | X_OK) == 0 else {
            throw .stateDirectory(path: stateDirectory,
                                  reason: "state directory is not writable: \(String(cString: strerror(errno)))")
        }
    }

    /// Opens the one write connection: WAL, synchronous=FULL (a commit survives power loss), migrated.
    public func openWriter() throws(Failure) -> Connection {
        do {
            let connection = try Connection(path: databasePath, mode: .readWriteCreate)
            try Schema.migrator.checkCompatible(connection)
            try connection.execute("PRAGMA journal_mode = WAL")
            try connection.execute("PRAGMA synchronous = FULL")
            try connection.execute("PRAGMA foreign_keys = ON")
            try Schema.migrator.migrate(connection, now: { Timestamp.now.iso8601 })
            return connection
        } catch let error as SQLiteError {
            throw .database(error)
        } catch {
            throw .migration(String(describing: error))
        }
    }

    /// Opens a read-only connection, for the CLI and web while the daemon writes.
    public func openReader() throws(Failure) -> Connection {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw .stateDirectory(path: stateDirectory,
                                  reason: "no failure log here (failure-log.sqlite is missing); has courtwatch run with this --state?")
        }
        do {
            let connection = try Connection(path: databasePath, mode: .readOnly)
            try Schema.migrator.checkCompatible(connection)
            return connection
        } catch let error as SQLiteError {
            throw .database(error)
        } catch {
            throw .migration(String(describing: error))
        }
    }
}

extension Timestamp {
    /// The wall clock now.
    public static var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}
