import Glibc
import EventLog

/// The changes one projection makes in one host transaction. Changes are kept in memory
/// and written in key order when the batch ends: LMDB puts in key order touch each page
/// once, and a rebuild into an empty database can append (MDB_APPEND) instead of searching.
/// Reads see the changes made so far.
///
/// Only point reads are offered while applying: a model that needs a list keeps it under
/// one key (see `ModelValues`), which is what makes the in-memory batching correct.
public final class ModelWriter {
    private let transaction: ViewWriteTransaction
    private let database: ViewDatabase
    /// nil marks a deleted key.
    private var pending: [PendingKey: [UInt8]?] = [:]
    /// Past this many pending keys the batch is written early, bounding memory in rebuilds.
    private let flushThreshold: Int

    init(transaction: ViewWriteTransaction, database: ViewDatabase, flushThreshold: Int = 1 << 20) {
        self.transaction = transaction
        self.database = database
        self.flushThreshold = flushThreshold
    }

    public func get(_ key: ModelKey) throws -> [UInt8]? {
        if let pending = pending[PendingKey(key.bytes)] { return pending }
        return try transaction.get(database, key.bytes)
    }

    public func put(_ key: ModelKey, _ value: [UInt8]) {
        pending[PendingKey(key.bytes)] = .some(value)
    }

    public func delete(_ key: ModelKey) {
        pending[PendingKey(key.bytes)] = .some(nil)
    }

    /// Writes early when the batch has grown large.
    func flushIfLarge() throws {
        if pending.count >= flushThreshold { try flush() }
    }

    /// Writes every pending change in key order.
    func flush() throws {
        guard !pending.isEmpty else { return }
        let keys = pending.keys.sorted()
        // An empty database takes the sorted keys as a bulk load.
        let append = try transaction.reader.count(database) == 0
        for key in keys {
            switch pending[key]! {
            case .some(let value): try transaction.put(database, key.bytes, value, append: append)
            case .none: if !append { try transaction.delete(database, key.bytes) }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}

/// A pending key, hashed and ordered as whole byte strings: hashing an array byte by byte
/// and comparing it element by element showed up in rebuild profiles.
struct PendingKey: Hashable, Comparable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// LMDB's default key order: memcmp, then the shorter key first.
    static func < (lhs: PendingKey, rhs: PendingKey) -> Bool {
        let common = min(lhs.bytes.count, rhs.bytes.count)
        guard common > 0 else { return lhs.bytes.count < rhs.bytes.count }
        let order = lhs.bytes.withUnsafeBytes { l in rhs.bytes.withUnsafeBytes { r in memcmp(l.baseAddress!, r.baseAddress!, common) } }
        return order != 0 ? order < 0 : lhs.bytes.count < rhs.bytes.count
    }
}

/// Read access to one projection's model, for servers and tools.
public struct ModelReader {
    let transaction: ViewReadTransaction
    let database: ViewDatabase

    public func get(_ key: ModelKey) throws -> [UInt8]? {
        try transaction.get(database, key.bytes)
    }

    /// Entries under `prefix` in key order (or reverse), from `start` on (inclusive), until
    /// `body` returns false.
    public func scan(
        prefix: ModelKey, from start: [UInt8]? = nil, reverse: Bool = false,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try transaction.scan(database, prefix: prefix.bytes, from: start, reverse: reverse, body)
    }

    /// Every entry of the model in key order, until `body` returns false: for tools and
    /// tests that compare whole models.
    public func scanAll(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool) throws {
        try transaction.scan(database, prefix: [], body)
    }

    /// How many entries the model holds.
    public func count() throws -> Int {
        try transaction.count(database)
    }
}
