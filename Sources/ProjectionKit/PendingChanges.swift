import Glibc
import EventLog

/// A pending change: new bytes, a value kept decoded until the batch is written, or a deletion.
@usableFromInline
enum PendingValue {
    case bytes([UInt8])
    case value(PendingBox)
    case deleted
}

/// A value kept decoded in a pending change. A class, so that a value read back in the
/// same batch is changed where it lies: no copy of its arrays and sets, no second lookup.
@usableFromInline
class PendingBox {
    @usableFromInline init() {}

    @usableFromInline
    func encoded() -> [UInt8] { fatalError("PendingBox is abstract") }

    @usableFromInline
    func encode(into writer: inout ByteWriter) { fatalError("PendingBox is abstract") }
}

@usableFromInline
final class ValueBox<V: ModelEncodable>: PendingBox {
    @usableFromInline var value: V

    @inlinable init(_ value: V) { self.value = value }

    @usableFromInline override func encoded() -> [UInt8] { value.encodedModelBytes() }

    @usableFromInline override func encode(into writer: inout ByteWriter) { value.encodeModel(into: &writer) }

    /// `box` as a box of `V`s, when it is one (an identity check, not a dynamic cast).
    @inlinable
    static func of(_ box: PendingBox) -> ValueBox<V>? {
        ObjectIdentifier(type(of: box)) == ObjectIdentifier(ValueBox<V>.self) ? unsafeDowncast(box, to: ValueBox<V>.self) : nil
    }
}

/// Pending changes in key order, ready to be written (see `PendingChanges.sortedChanges`):
/// keys and values laid out one after the other in that order, so that the write (which
/// holds the views' write lock the other models' writes wait for) walks memory
/// sequentially instead of missing the cache on every entry. Writing straight from the
/// table in key order, encoding each value on the way, was measured slower: the feeds'
/// rebuild write went from 0.033 to 0.087 s on the demo, and the whole rebuild 10 % slower.
struct SortedChanges {
    /// The keys, one after the other.
    var keys: [UInt8] = []
    /// The encoded values, one after the other.
    var values = ByteWriter(capacity: 0)
    /// Per change: where its key ends in `keys`, where its value starts in `values` and
    /// how long it is; a count of -1 is a deletion.
    var spans: [(keyEnd: Int, valueStart: Int, valueCount: Int)] = []
}

/// The changes of one `ModelWriter` batch: key → new value (or deletion), with the keys
/// in one byte arena and an open-addressing index over them. A `Dictionary` of arrays
/// cost an allocation per key, a seeded SipHash per lookup and a regrowth per batch; here
/// a key is copied once into the arena, hashed with a cheap multiply-mix, and the table
/// keeps its capacity from batch to batch.
@usableFromInline
struct PendingChanges {
    struct Entry {
        var hash: UInt64
        var start: Int
        var count: Int
    }

    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    /// The new value of each entry.
    @usableFromInline private(set) var values: [PendingValue] = []
    /// Per slot: the upper half of the key's hash, then entry index + 1; 0 is empty. Kept
    /// at most half full. The hash half rejects other keys without touching their entry.
    private var slots: [UInt64]
    private var mask: Int
    /// Per table, so that keys chosen by clients cannot be lined up into one probe chain.
    private let seed = UInt64.random(in: .min ... .max)

    /// Sized for `capacity` keys before it grows: small for a follow batch (often a few
    /// events), a chunk's worth for a rebuild.
    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        arena.reserveCapacity(capacity * 32)
        entries.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// The index of `key`'s entry, if it has one.
    @usableFromInline
    func find(_ key: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(key, seed: seed)
        return locate(key, hash: hash).entry
    }

    @usableFromInline
    mutating func replace(_ index: Int, with value: PendingValue) {
        values[index] = value
    }

    /// Records `value` as the new value of `key`.
    @usableFromInline
    mutating func set(_ key: UnsafeRawBufferPointer, _ value: PendingValue) {
        let hash = Self.hash(key, seed: seed)
        let (entry, slot) = locate(key, hash: hash)
        if let entry {
            values[entry] = value
            return
        }
        let start = arena.count
        arena.append(contentsOf: key)
        entries.append(Entry(hash: hash, start: start, count: key.count))
        values.append(value)
        slots[slot] = Self.slot(hash: hash, entry: entries.count - 1)
        if entries.count * 2 > slots.count { grow() }
    }

    /// The entry of `key` when there is one, else the empty slot where it would go.
    private func locate(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (entry: Int?, slot: Int) {
        slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                arena.withUnsafeBytes { arena in
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    let tag = hash & 0xFFFF_FFFF_0000_0000
                    while true {
                        let found = slots[slot]
                        if found == 0 { return (nil, slot) }
                        if found & 0xFFFF_FFFF_0000_0000 == tag {
                            let index = Int(truncatingIfNeeded: found & 0xFFFF_FFFF) - 1
                            let entry = entries[index]
                            if entry.count == key.count,
                               entry.count == 0 || memcmp(arena.baseAddress! + entry.start, key.baseAddress!, entry.count) == 0 {
                                return (index, slot)
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func slot(hash: UInt64, entry index: Int) -> UInt64 {
        hash & 0xFFFF_FFFF_0000_0000 | UInt64(index + 1)
    }

    private mutating func grow() {
        let size = slots.count * 2
        var grown = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & newMask
            while grown[slot] != 0 { slot = (slot + 1) & newMask }
            grown[slot] = Self.slot(hash: entry.hash, entry: index)
        }
        slots = grown
        mask = newMask
    }

    /// Forgets every change, keeping the memory for the next batch.
    mutating func removeAll() {
        guard !entries.isEmpty else { return }
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Lets `body` read the key of entry `index`.
    func withKey<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let entry = entries[index]
        return try arena.withUnsafeBytes { arena in
            try body(UnsafeRawBufferPointer(rebasing: arena[entry.start..<(entry.start + entry.count)]))
        }
    }

    /// Entry indices in LMDB's default key order: memcmp, then the shorter key first.
    /// Sorted by the first 40 bytes of each key (nearly every key is shorter: the keys of
    /// one feed or timeline share their first 24 or more), held in the array being sorted,
    /// so most comparisons are integer compares; equal prefixes fall back to the rest of
    /// the keys.
    func sortedIndices() -> [Int32] {
        struct Item {
            var words: (UInt64, UInt64, UInt64, UInt64, UInt64)
            var index: Int32
        }
        let prefixLength = 40
        return entries.withUnsafeBufferPointer { entries in
            arena.withUnsafeBytes { arena in
                let base = arena.baseAddress
                var items = [Item]()
                items.reserveCapacity(entries.count)
                for (index, entry) in entries.enumerated() {
                    var prefix: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
                    withUnsafeMutableBytes(of: &prefix) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base! + entry.start, count: min(entry.count, prefixLength))) }
                    items.append(Item(words: (UInt64(bigEndian: prefix.0), UInt64(bigEndian: prefix.1), UInt64(bigEndian: prefix.2),
                                              UInt64(bigEndian: prefix.3), UInt64(bigEndian: prefix.4)),
                                      index: Int32(index)))
                }
                items.withUnsafeMutableBufferPointer { items in
                    items.sort { a, b in
                        if a.words.0 != b.words.0 { return a.words.0 < b.words.0 }
                        if a.words.1 != b.words.1 { return a.words.1 < b.words.1 }
                        if a.words.2 != b.words.2 { return a.words.2 < b.words.2 }
                        if a.words.3 != b.words.3 { return a.words.3 < b.words.3 }
                        if a.words.4 != b.words.4 { return a.words.4 < b.words.4 }
                        // Equal (zero-padded) prefixes: keys that short are one a prefix of the other.
                        let x = entries[Int(a.index)], y = entries[Int(b.index)]
                        let common = min(x.count, y.count)
                        if common > prefixLength {
                            let result = memcmp(base! + x.start + prefixLength, base! + y.start + prefixLength, common - prefixLength)
                            if result != 0 { return result < 0 }
                        }
                        return x.count < y.count
                    }
                }
                return items.map(\.index)
            }
        }
    }

    /// The changes in key order, values encoded one after the other into one buffer:
    /// writing them is then a sequential walk instead of a random one through the table.
    func sortedChanges() -> SortedChanges {
        var sorted = SortedChanges()
        let order = sortedIndices()
        // Every key is in the arena once: the sorted keys fill exactly as many bytes.
        sorted.keys = [UInt8](unsafeUninitializedCapacity: arena.count) { keys, count in
            arena.withUnsafeBytes { arena in
                entries.withUnsafeBufferPointer { entries in
                    var end = 0
                    for index in order {
                        let entry = entries[Int(index)]
                        if entry.count > 0 {
                            UnsafeMutableRawPointer(keys.baseAddress! + end).copyMemory(from: arena.baseAddress! + entry.start, byteCount: entry.count)
                        }
                        end += entry.count
                    }
                    count = end
                }
            }
        }
        sorted.spans.reserveCapacity(entries.count)
        sorted.values = ByteWriter(capacity: arena.count + arena.count / 2 + 64)
        var keyEnd = 0
        for index in order {
            let index = Int(index)
            keyEnd += entries[index].count
            let start = sorted.values.bytes.count
            switch values[index] {
            case .bytes(let value): sorted.values.write(contentsOf: value)
            case .value(let box): box.encode(into: &sorted.values)
            case .deleted:
                sorted.spans.append((keyEnd, start, -1))
                continue
            }
            sorted.spans.append((keyEnd, start, sorted.values.bytes.count - start))
        }
        return sorted
    }

    /// A fast, seeded 64-bit hash of a short byte string (keys are a few dozen bytes).
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(key.count) &* 0x9E37_79B9_7F4A_7C15)
        let n = key.count
        var i = 0
        if let base = key.baseAddress {
            while i + 8 <= n {
                h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                i += 8
            }
            if i < n {
                var word: UInt64 = 0
                var shift: UInt64 = 0
                while i < n {
                    word |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                    shift += 8
                    i += 1
                }
                h = (h ^ word) &* 0x94D0_49BB_1331_11EB
                h ^= h >> 29
            }
        }
        h ^= h >> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}
