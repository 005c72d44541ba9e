import Glibc
import EventLog

/// The changes one projection makes in one host transaction. Changes are kept in memory
/// and written in key order when the batch ends: LMDB puts in key order touch each page
/// once, and a rebuild into an empty database can append (MDB_APPEND) instead of searching.
/// Reads see the changes made so far.
///
/// Only point reads are offered while applying: a model that needs a list keeps it under
/// one key (see `ModelValues`), which is what makes the in-memory batching correct.
///
/// Following the log, a writer lives in the batch's write transaction and reads what the
/// batch has not changed from it. Rebuilding, a writer lives across chunks and is applied
/// on a thread of its own: it reads from a read-only snapshot of what earlier chunks
/// committed (`attach(snapshot:)`), then the same thread writes its changes in a
/// transaction of its own (`write(into:)`). One thread uses a writer at a time.
/// A model value a `ModelWriter` can keep decoded during a batch (see `putValue`).
///
/// Reads within a batch get the value itself and reads in later batches get it decoded
/// from its bytes, so decoding the bytes must give the value back exactly (a lossy
/// encoding would make a rebuilt model, with its larger batches, differ from a followed one).
public protocol ModelEncodable {
    /// The bytes stored for the value; the same value always gives the same bytes.
    func encodedModelBytes() -> [UInt8]
    /// Appends the same bytes as `encodedModelBytes()` to `writer` (the batch's values are
    /// encoded one after the other into one buffer when it is written).
    func encodeModel(into writer: inout ByteWriter)
}

extension ModelEncodable {
    public func encodeModel(into writer: inout ByteWriter) { writer.write(contentsOf: encodedModelBytes()) }
}

public final class ModelWriter {
    @usableFromInline let database: ViewDatabase
    /// Where reads that miss the pending changes go; nil between uses.
    private var reader: ViewReadTransaction?
    /// The transaction an early flush writes into; nil while reading from a snapshot.
    private var target: ViewWriteTransaction?
    // The typed-value methods below are inlinable so that they are specialised for each
    // value type in the projections' module: unspecialised, they looked up the box
    // type's metadata at run time on every call.
    @usableFromInline var pending: PendingChanges
    /// The pending changes laid out for writing, once `prepareWrite()` ran.
    private var prepared: SortedChanges?
    /// Past this many pending keys the batch is written early, bounding memory in follow
    /// batches (rebuild chunks are bounded by their event count instead).
    private let flushThreshold: Int

    init(transaction: ViewWriteTransaction, database: ViewDatabase, flushThreshold: Int = 1 << 20) {
        self.database = database
        self.flushThreshold = flushThreshold
        self.pending = PendingChanges()
        attach(transaction)
    }

    /// A writer not yet attached to a transaction, sized for `capacity` changed keys.
    init(database: ViewDatabase, capacity: Int, flushThreshold: Int = 1 << 20) {
        self.database = database
        self.flushThreshold = flushThreshold
        self.pending = PendingChanges(capacity: capacity)
    }

    /// Reads misses from, and flushes early into, `transaction`.
    func attach(_ transaction: ViewWriteTransaction) {
        reader = transaction.reader
        target = transaction
    }

    /// Reads misses from `snapshot`; changes stay pending until `write(into:)`.
    func attach(snapshot: ViewReadTransaction) {
        reader = snapshot
        target = nil
    }

    func detach() {
        reader = nil
        target = nil
    }

    public func get(_ key: ModelKey) throws -> [UInt8]? {
        try key.withUnsafeBytes { raw in
            if let index = pending.find(raw) {
                switch pending.values[index] {
                case .bytes(let bytes): return bytes
                case .value(let box): return box.encoded()
                case .deleted: return nil
                }
            }
            return try source().get(database, raw)
        }
    }

    /// Whether `key` has a value, without copying it out.
    public func contains(_ key: ModelKey) throws -> Bool {
        try key.withUnsafeBytes { raw in
            if let index = pending.find(raw) {
                if case .deleted = pending.values[index] { return false }
                return true
            }
            return try source().withValue(database, raw) { _ in true } ?? false
        }
    }

    public func put(_ key: ModelKey, _ value: [UInt8]) {
        key.withUnsafeBytes { pending.set($0, .bytes(value)) }
    }

    public func delete(_ key: ModelKey) {
        key.withUnsafeBytes { pending.set($0, .deleted) }
    }

    /// The value under `key` as a `V`: the value itself when it was put as one in this
    /// batch, otherwise the stored bytes given to `decode`.
    @inlinable
    public func value<V: ModelEncodable>(_ key: ModelKey, decode: (UnsafeRawBufferPointer) throws -> V) throws -> V? {
        try key.withUnsafeBytes { raw in
            if let index = pending.find(raw) { return try value(pending.values[index], decode) }
            return try source().withValue(database, raw, decode)
        }
    }

    /// Puts `value` under `key` as it is: it is encoded once when the batch is written,
    /// however often the batch changes it, and reads of the same type get it back without
    /// decoding.
    @inlinable
    public func putValue<V: ModelEncodable>(_ key: ModelKey, _ value: V) {
        key.withUnsafeBytes { raw in
            if let index = pending.find(raw), case .value(let box) = pending.values[index], let same = ValueBox<V>.of(box) {
                same.value = value
            } else {
                pending.set(raw, .value(ValueBox(value)))
            }
        }
    }

    /// Changes the value under `key` (`initial()` when there is none) in place: a value
    /// already pending is changed where it lies, so its arrays and sets are not copied.
    @inlinable
    public func modifyValue<V: ModelEncodable>(_ key: ModelKey, decode: (UnsafeRawBufferPointer) throws -> V, default initial: () -> V,
                                               _ change: (inout V) throws -> Void) throws {
        try key.withUnsafeBytes { raw in
            if let index = pending.find(raw) {
                if case .value(let box) = pending.values[index], let same = ValueBox<V>.of(box) {
                    try change(&same.value)
                    return
                }
                var current = try value(pending.values[index], decode) ?? initial()
                try change(&current)
                pending.replace(index, with: .value(ValueBox(current)))
            } else {
                var current = try source().withValue(database, raw, decode) ?? initial()
                try change(&current)
                pending.set(raw, .value(ValueBox(current)))
            }
        }
    }

    @inlinable
    func value<V: ModelEncodable>(_ pending: PendingValue, _ decode: (UnsafeRawBufferPointer) throws -> V) throws -> V? {
        switch pending {
        case .value(let box):
            if let same = ValueBox<V>.of(box) { return same.value }
            return try box.encoded().withUnsafeBytes(decode)
        case .bytes(let bytes): return try bytes.withUnsafeBytes(decode)
        case .deleted: return nil
        }
    }

    @usableFromInline
    func source() throws -> ViewReadTransaction {
        guard let reader else { throw ProjectionError("a model writer was read outside of a batch") }
        return reader
    }

    var pendingCount: Int { pending.count }

    /// Writes early when the batch has grown large (only when attached to a write transaction).
    func flushIfLarge() throws {
        if target != nil, pending.count >= flushThreshold { try flush() }
    }

    /// Writes every pending change in key order into the attached write transaction.
    func flush() throws {
        guard let target else { throw ProjectionError("a model writer was flushed outside of a write transaction") }
        try write(into: target)
        clear()
    }

    /// Writes every pending change in key order into `transaction`, keeping them pending:
    /// the views store may run a write again (after growing the map), so they are dropped
    /// with `clear()` once it committed. Uses what `prepareWrite()` laid out, if it ran.
    func write(into transaction: ViewWriteTransaction) throws {
        guard !pending.isEmpty else { return }
        let sorted = prepared ?? pending.sortedChanges()
        // An empty database takes the sorted keys as a bulk load.
        let append = try transaction.reader.count(database) == 0
        try sorted.keys.withUnsafeBytes { keys in
            try sorted.values.bytes.withUnsafeBytes { values in
                var keyStart = 0
                for span in sorted.spans {
                    let key = UnsafeRawBufferPointer(rebasing: keys[keyStart..<span.keyEnd])
                    keyStart = span.keyEnd
                    if span.valueCount >= 0 {
                        let value = UnsafeRawBufferPointer(rebasing: values[span.valueStart..<(span.valueStart + span.valueCount)])
                        try transaction.put(database, key, value, append: append)
                    } else if !append {
                        try transaction.delete(database, key)
                    }
                }
            }
        }
    }

    /// Encodes the values kept decoded and lays the pending changes out in key order for
    /// `write(into:)`: neither needs a transaction, so a rebuild does both on the
    /// projection's own thread.
    func prepareWrite() {
        prepared = pending.sortedChanges()
    }

    /// Forgets the pending changes (after they were committed).
    func clear() {
        pending.removeAll()
        prepared = nil
    }
}

/// Read access to one projection's model, for servers and tools.
public struct ModelReader {
    let transaction: ViewReadTransaction
    let database: ViewDatabase

    public func get(_ key: ModelKey) throws -> [UInt8]? {
        try key.withUnsafeBytes { try transaction.get(database, $0) }
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
