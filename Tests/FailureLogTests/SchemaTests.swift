import FailureLog
import SQLite
import TestSupport
import Testing

@Suite struct SchemaTests {
    /// Retention deletes events with foreign keys on: every column that refers to `events(seq)` needs an
    /// index (or to be the rowid), or each deleted event costs a full scan of its table.
    @Test func everyColumnReferringToAnEventIsIndexed() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        let connection = try store.openWriter()
        let references = try connection.rows(
            """
            SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
            WHERE m.type = 'table' AND f."table" = 'events'
            """) { ($0.text(0) ?? "", $0.text(1) ?? "") }
        #expect(references.count >= 10)
        var unindexed: [String] = []
        for (table, column) in references {
            let indexed = try connection.scalarInt(
                "SELECT count(*) FROM pragma_index_list(?1) l, pragma_index_info(l.name) i WHERE i.seqno = 0 AND i.name = ?2",
                [table, column]) ?? 0
            let rowid = try connection.scalarInt(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2 AND pk = 1 AND type = 'INTEGER'",
                [table, column]) ?? 0
            if indexed == 0 && rowid == 0 { unindexed.append("\(table).\(column)") }
        }
        #expect(unindexed == [])
        try connection.close()
    }
}
