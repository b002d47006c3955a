/// One schema change. A shipped migration never changes; new ones are appended.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies append-only migrations and records each in `schema_migrations`.
public struct Migrator: Sendable {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// The database was written by a newer build that knows migrations this one does not.
        case databaseIsNewer(path: String, databaseVersion: Int, knownVersion: Int)
        /// A migration recorded in the database differs in name from the one this build ships.
        case historyMismatch(path: String, version: Int, recorded: String, shipped: String)

        public var description: String {
            switch self {
            case let .databaseIsNewer(path, databaseVersion, knownVersion):
                "\(path): database schema version \(databaseVersion) is newer than this courtwatch understands "
                    + "(up to \(knownVersion)); refusing to touch it — run a newer courtwatch"
            case let .historyMismatch(path, version, recorded, shipped):
                "\(path): migration \(version) is recorded as '\(recorded)' but this build ships '\(shipped)'"
            }
        }
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        precondition(migrations.map(\.version) == Array(1...migrations.count),
                     "migrations must be numbered 1...n without gaps")
        self.migrations = migrations
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The highest version applied to `connection`'s database, 0 for a new one.
    public static func appliedVersion(of connection: Connection) throws -> Int {
        let hasTable = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") ?? 0
        guard hasTable > 0 else { return 0 }
        return Int(try connection.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migrations") ?? 0)
    }

    /// Checks that the database is not newer than this build, without writing anything.
    public func checkCompatible(_ connection: Connection) throws {
        let applied = try Self.appliedVersion(of: connection)
        if applied > latestVersion {
            throw Failure.databaseIsNewer(path: connection.path, databaseVersion: applied, knownVersion: latestVersion)
        }
    }

    /// Applies every migration not yet recorded, each in its own transaction. Returns the versions applied.
    @discardableResult
    public func migrate(_ connection: Connection, now: () -> String) throws -> [Int] {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        try checkCompatible(connection)
        let recorded = try connection.rows("SELECT version, name FROM schema_migrations ORDER BY version") {
            (Int($0.int(0) ?? 0), $0.text(1) ?? "")
        }
        for (version, name) in recorded where version <= latestVersion {
            let shipped = migrations[version - 1].name
            if shipped != name {
                throw Failure.historyMismatch(path: connection.path, version: version, recorded: name, shipped: shipped)
            }
        }
        let applied = recorded.map(\.0).max() ?? 0
        var done: [Int] = []
        for migration in migrations where migration.version > applied {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                       [migration.version, migration.name, now()])
            }
            done.append(migration.version)
        }
        return done
    }
}
