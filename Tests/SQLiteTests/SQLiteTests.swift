import SQLite
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func storesAndReadsEveryValueType() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.subpath("a.sqlite"))
        try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                               [Int64.max, 2.5, "Leicester — Crown", [UInt8]([0, 1, 255]), DatabaseValue.null])
        let row = try #require(try connection.firstRow("SELECT i, r, s, b, n FROM t") { row in
            [row[0], row[1], row[2], row[3], row[4]]
        })
        #expect(row == [.integer(Int64.max), .real(2.5), .text("Leicester — Crown"), .blob([0, 1, 255]), .null])
        try connection.close()
    }

    @Test func errorsCarrySQLitesMessageAndTheSQL() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.subpath("a.sqlite"))
        do {
            try connection.execute("SELEC 1", [])
            Issue.record("a syntax error must throw")
        } catch {
            #expect(error.message == "near \"SELEC\": syntax error")
            #expect(error.sql == "SELEC 1")
            #expect(error.description.contains("[SQL: SELEC 1]"))
        }
        try connection.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)")
        try connection.execute("INSERT INTO u VALUES (1)", [])
        do {
            try connection.execute("INSERT INTO u VALUES (?)", [1])
            Issue.record("a duplicate key must throw")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.message == "UNIQUE constraint failed: u.id")
        }
    }

    @Test func aFailedTransactionLeavesNothingBehind() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.subpath("a.sqlite"))
        try connection.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)")
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO u VALUES (?)", [7])
                throw Abort()
            }
        }
        #expect(try connection.scalarInt("SELECT count(*) FROM u") == 0)
    }

    @Test func aReadOnlyConnectionCannotWrite() throws {
        let directory = TemporaryDirectory()
        let writer = try Connection(path: directory.subpath("a.sqlite"))
        try writer.execute("CREATE TABLE u (id INTEGER)")
        let reader = try Connection(path: directory.subpath("a.sqlite"), mode: .readOnly)
        do {
            try reader.execute("INSERT INTO u VALUES (?)", [1])
            Issue.record("a read-only connection must refuse writes")
        } catch {
            #expect(error.isReadOnly)
            #expect(error.message.contains("readonly"))
        }
    }

    @Test func openingAMissingFileReadOnlyNamesThePath() {
        do {
            _ = try Connection(path: "/nonexistent/x.sqlite", mode: .readOnly)
            Issue.record("must not open")
        } catch {
            #expect(error.path == "/nonexistent/x.sqlite")
            #expect(error.message == "unable to open database file")
        }
    }
}

@Suite struct MigratorTests {
    let migrator = Migrator(migrations: [
        Migration(version: 1, name: "one", sql: "CREATE TABLE a (x)"),
        Migration(version: 2, name: "two", sql: "CREATE TABLE b (y)"),
    ])

    @Test func appliesEachMigrationOnceAndRecordsIt() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.subpath("m.sqlite"))
        #expect(try migrator.migrate(connection, now: { "t" }) == [1, 2])
        #expect(try migrator.migrate(connection, now: { "t" }) == [])
        #expect(try Migrator.appliedVersion(of: connection) == 2)
        #expect(try connection.rows("SELECT name FROM schema_migrations ORDER BY version") { $0.text(0) } == ["one", "two"])
    }

    @Test func refusesADatabaseFromANewerBuild() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.subpath("m.sqlite"))
        try migrator.migrate(connection, now: { "t" })
        try connection.execute("INSERT INTO schema_migrations VALUES (3, 'three', 't')", [])
        let older = Migrator(migrations: Array(migrator.migrations))
        do {
            try older.migrate(connection, now: { "t" })
            Issue.record("a newer database must be refused")
        } catch let error as Migrator.Failure {
            #expect(error.description.hasSuffix(
                "database schema version 3 is newer than this courtwatch understands (up to 2); refusing to touch it — run a newer courtwatch"))
        }
    }

    @Test func refusesAHistoryThatDiffersFromTheShippedOne() throws {
        let directory = TemporaryDirectory()
        let connection = try Connection(path: directory.subpath("m.sqlite"))
        try migrator.migrate(connection, now: { "t" })
        let renamed = Migrator(migrations: [
            Migration(version: 1, name: "uno", sql: "CREATE TABLE a (x)"),
            Migration(version: 2, name: "two", sql: "CREATE TABLE b (y)"),
        ])
        #expect(throws: Migrator.Failure.self) { try renamed.migrate(connection, now: { "t" }) }
    }
}
