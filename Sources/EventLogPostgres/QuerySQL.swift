import EventLogCore
import PostgresNIO

/// SQL for "events after P that match a query", used by reads and by DCB conditions.
///
/// An item with tags is a range scan of `tribelog_tags` on its first tag (`tag = $t AND
/// position > P`), with the type filter on the same index row (the type is stored beside
/// the tag) and each further tag an index probe on (tag, position). An item with types only
/// scans `tribelog_events (type, position)`. Items are OR-ed (UNION). A query without items,
/// or with an item that names nothing, matches every event: callers check `matchesEverything`
/// and read by position instead.
struct QuerySQL {
    private(set) var sql = ""
    private(set) var binds = PostgresBindings()

    static func matchesEverything(_ query: Query) -> Bool {
        query.items.isEmpty || query.items.contains { $0.types.isEmpty && $0.tags.isEmpty }
    }

    /// Positions of the matching events after `after`, ascending, at most `limit`: one
    /// subquery per item, each already limited so that a small read stops early.
    static func positions(matching query: Query, after: Position, limit: Int64) -> QuerySQL {
        var q = QuerySQL()
        q.sql = "SELECT DISTINCT position FROM ("
        for (index, item) in query.items.enumerated() {
            if index > 0 { q.sql += " UNION ALL " }
            q.sql += "("
            q.appendItem(item, after: after)
            q.sql += " ORDER BY position LIMIT \(q.bind(limit)))"
        }
        q.sql += ") AS matched ORDER BY position LIMIT \(q.bind(limit))"
        return q
    }

    /// The first matching position after `after` (NULL when none): what a DCB condition
    /// checks. One statement, so at READ COMMITTED it sees every transaction that committed
    /// before it started, in particular all those before the head lock was granted.
    static func firstMatch(_ query: Query, after: Position) -> QuerySQL {
        if matchesEverything(query) {
            var q = QuerySQL()
            q.sql = "SELECT min(position) FROM tribelog_events WHERE position > \(q.bind(Int64(clamping: after)))"
            return q
        }
        var q = positions(matching: query, after: after, limit: 1)
        q.sql = "SELECT min(position) FROM (\(q.sql)) AS first"
        return q
    }

    private mutating func appendItem(_ item: QueryItem, after: Position) {
        let after = Int64(clamping: after)
        guard let first = item.tags.first else {
            sql += "SELECT position FROM tribelog_events WHERE type = ANY(\(bind(item.types))) AND position > \(bind(after))"
            return
        }
        sql += "SELECT t0.position AS position FROM tribelog_tags t0 WHERE t0.tag = \(bind(first)) AND t0.position > \(bind(after))"
        if !item.types.isEmpty { sql += " AND t0.type = ANY(\(bind(item.types)))" }
        for (index, tag) in item.tags.dropFirst().enumerated() {
            let alias = "t\(index + 1)"
            sql += " AND EXISTS (SELECT 1 FROM tribelog_tags \(alias) WHERE \(alias).tag = \(bind(tag)) AND \(alias).position = t0.position)"
        }
    }

    private mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
