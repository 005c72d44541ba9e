import Foundation
import Synchronization

/// Every dictionary the log has ever used, by id, and the one new records use. A
/// dictionary becomes current only after it is durably stored, so no record can refer
/// to a dictionary that a crash could lose.
final class DictionaryRegistry: Sendable {
    private struct State {
        var byID: [UInt32: CompressionDictionary] = [:]
        var current: CompressionDictionary?
    }

    private let state = Mutex(State())

    var current: CompressionDictionary? { state.withLock { $0.current } }

    var count: Int { state.withLock { $0.byID.count } }

    var nextID: UInt32 { state.withLock { ($0.byID.keys.max() ?? 0) + 1 } }

    func dictionary(_ id: UInt32) -> CompressionDictionary? {
        state.withLock { $0.byID[id] }
    }

    /// Adds a stored dictionary; the newest becomes current.
    func install(_ dictionary: CompressionDictionary) {
        state.withLock { s in
            s.byID[dictionary.id] = dictionary
            if dictionary.id >= (s.current?.id ?? 0) { s.current = dictionary }
        }
    }
}

/// Reusable non-thread-safe objects (zstd contexts and their scratch buffers) handed to
/// one task at a time, so concurrent appends and readers compress in parallel without
/// allocating a context per event.
final class Pool<Item: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []  // guarded by lock
    private let make: @Sendable () -> Item

    init(_ make: @escaping @Sendable () -> Item) { self.make = make }

    func with<T>(_ body: (Item) throws -> T) rethrows -> T {
        let item = lock.withLock { items.popLast() } ?? make()
        defer { lock.withLock { if items.count < 16 { items.append(item) } } }
        return try body(item)
    }
}
