import ProjectionKit

/// Small shared write idioms: markers (a key whose presence is the fact) and counters that
/// disappear at zero, so a rebuilt model never differs from a followed one by stale zeros.
extension ModelWriter {
    /// Stores the fact that `key` holds (an empty value).
    func mark(_ key: ModelKey) {
        put(key, [])
    }

    func isMarked(_ key: ModelKey) throws -> Bool {
        try contains(key)
    }

    /// Adds `delta` to the counter at `key` and returns the new count; a count of zero is
    /// deleted. Never goes below zero: the log cannot make a count negative, and a model
    /// read over damaged data should not trap.
    @discardableResult
    func adjustCount(_ key: ModelKey, by delta: Int64) throws -> UInt64 {
        // One look-up of the key: changed where it lies, deleted after when it reached zero.
        var next: UInt64 = 0
        try update(key, default: UInt64(0)) { current in
            current = delta < 0 ? current - min(current, UInt64(-delta)) : current + UInt64(delta)
            next = current
        }
        if next == 0 { delete(key) }
        return next
    }
}
