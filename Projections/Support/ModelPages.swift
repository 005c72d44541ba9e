import EventLog
import ProjectionKit

/// Reads pages of values kept one per key under a prefix, in key order or reverse.
public enum ModelPages {
    /// Up to `limit` values under `prefix` from `start` on (inclusive) that `keep` accepts,
    /// and whether more entries follow (then the caller's cursor is the last value's). The
    /// scan ends at the first value `continues` refuses, as if the list ended there.
    public static func read<V: ModelValue>(
        _ model: ModelReader, prefix: ModelKey, from start: ModelKey?, reverse: Bool = false, limit: Int,
        as type: V.Type = V.self, while continues: (V) -> Bool = { _ in true }, where keep: (V) throws -> Bool = { _ in true }
    ) throws -> (values: [V], more: Bool) {
        var values: [V] = []
        var more = false
        guard limit > 0 else { return (values, false) }
        try model.scan(prefix: prefix, from: start?.bytes, reverse: reverse) { _, raw in
            let value = try V.decode(modelBytes: Array(raw), key: prefix)
            guard continues(value) else { return false }
            guard try keep(value) else { return true }
            if values.count == limit {
                more = true
                return false
            }
            values.append(value)
            return true
        }
        return (values, more)
    }

    /// The first key of a newest-first list (keys `prefix · descending position`) below
    /// `cursor`; nil means from the newest. `before: 1` or `0` leaves nothing to read.
    public static func start(below cursor: Position?, in prefix: ModelKey) -> ModelKey? {
        cursor.map { prefix.with(descending: $0 == 0 ? 0 : $0 - 1) }
    }
}
