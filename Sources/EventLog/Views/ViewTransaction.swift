import CLMDB

/// A read transaction on a `ViewStore`. Byte views passed to closures point into the
/// memory map and are valid only inside the closure.
public struct ViewReadTransaction {
    let transaction: Transaction

    /// A copy of the value stored under `key`.
    public func get(_ database: ViewDatabase, _ key: [UInt8]) throws -> [UInt8]? {
        try transaction.get(database.handle, key: key).map(Array.init)
    }

    /// A copy of the value stored under `key`, for callers that hold the key as raw bytes.
    public func get(_ database: ViewDatabase, _ key: UnsafeRawBufferPointer) throws -> [UInt8]? {
        try transaction.get(database.handle, key: key).map(Array.init)
    }

    /// Lets `body` read the value under `key` in place; nil when there is none.
    public func withValue<T>(_ database: ViewDatabase, _ key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard let value = try transaction.get(database.handle, key: key) else { return nil }
        return try body(value)
    }

    /// `withValue` for callers that hold the key as raw bytes.
    public func withValue<T>(_ database: ViewDatabase, _ key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard let value = try transaction.get(database.handle, key: key) else { return nil }
        return try body(value)
    }

    /// Visits entries whose key starts with `prefix`, in key order (or reverse order),
    /// beginning at `start` (inclusive; nil = the first, or with `reverse` the last, entry
    /// of the prefix), until `body` returns false.
    public func scan(
        _ database: ViewDatabase, prefix: [UInt8], from start: [UInt8]? = nil, reverse: Bool = false,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try transaction.withCursor(database.handle) { cursor in
            var entry: Cursor.Entry?
            if reverse {
                entry = try start.map { try Self.lastEntry(atMost: $0, &cursor) }
                    ?? Self.lastEntry(before: Self.upperBound(of: prefix), &cursor)
            } else {
                let first = start.map { prefix.lexicographicallyPrecedes($0) ? $0 : prefix } ?? prefix
                // LMDB takes no empty key: an empty start means the first entry.
                entry = first.isEmpty ? try cursor.first() : try cursor.seek(atLeast: first)
            }
            while let (key, value) = entry, key.starts(with: prefix) {
                guard try body(key, value) else { return }
                entry = try reverse ? cursor.previous() : cursor.next()
            }
        }
    }

    /// How many entries the database holds.
    public func count(_ database: ViewDatabase) throws -> Int {
        try transaction.entryCount(database.handle)
    }

    /// The last entry whose key is <= `bound`.
    private static func lastEntry(atMost bound: [UInt8], _ cursor: inout Cursor) throws -> Cursor.Entry? {
        guard let found = try cursor.seek(atLeast: bound) else { return try cursor.last() }
        return found.key.elementsEqual(bound) ? found : try cursor.previous()
    }

    /// The last entry whose key is < `bound` (with `bound` nil: the last entry). A prefix's
    /// upper bound is exclusive: a key equal to it lies outside the prefix.
    private static func lastEntry(before bound: [UInt8]?, _ cursor: inout Cursor) throws -> Cursor.Entry? {
        guard let bound else { return try cursor.last() }
        guard try cursor.seek(atLeast: bound) != nil else { return try cursor.last() }
        return try cursor.previous()
    }

    /// The smallest key greater than every key starting with `prefix`, or nil when there
    /// is none (a prefix of only 0xFF bytes).
    static func upperBound(of prefix: [UInt8]) -> [UInt8]? {
        var bound = prefix
        while let last = bound.last {
            if last < 0xFF {
                bound[bound.count - 1] = last + 1
                return bound
            }
            bound.removeLast()
        }
        return nil
    }
}

/// The write transaction on a `ViewStore`: everything a read transaction can do, plus
/// changes, committed together when the `write` closure returns.
public struct ViewWriteTransaction {
    public let reader: ViewReadTransaction
    let dropped: DroppedDatabases

    init(transaction: Transaction, dropped: DroppedDatabases) {
        reader = ViewReadTransaction(transaction: transaction)
        self.dropped = dropped
    }

    private var transaction: Transaction { reader.transaction }

    public func get(_ database: ViewDatabase, _ key: [UInt8]) throws -> [UInt8]? {
        try reader.get(database, key)
    }

    /// Stores `value` under `key`. With `append`, the key must sort after every key in the
    /// database (LMDB's MDB_APPEND: a bulk load in key order fills pages sequentially).
    public func put(_ database: ViewDatabase, _ key: [UInt8], _ value: [UInt8], append: Bool = false) throws {
        try transaction.put(database.handle, key: key, value: value, flags: append ? MDB_APPEND : 0)
    }

    /// `put` for callers that hold the key and value as raw bytes (no array per key).
    public func put(_ database: ViewDatabase, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, append: Bool = false) throws {
        try transaction.put(database.handle, key: key, value: value, flags: append ? MDB_APPEND : 0)
    }

    /// `delete` for callers that hold the key as raw bytes.
    @discardableResult
    public func delete(_ database: ViewDatabase, _ key: UnsafeRawBufferPointer) throws -> Bool {
        try transaction.delete(database.handle, key: key)
    }

    /// Removes `key`; false when it was not there.
    @discardableResult
    public func delete(_ database: ViewDatabase, _ key: [UInt8]) throws -> Bool {
        try transaction.delete(database.handle, key: key)
    }

    /// Removes every entry, keeping the database.
    public func clear(_ database: ViewDatabase) throws {
        try transaction.drop(database.handle)
    }

    /// Deletes the database itself; its handle is invalid afterwards.
    public func drop(_ database: ViewDatabase) throws {
        try transaction.delete(database: database.handle)
        dropped.names.append(database.name)
    }
}
