import Foundation
import Synchronization

/// The committed events the indexer has not written yet, kept in memory so that reads
/// and append conditions never miss a committed event. The indexer prunes it as its
/// checkpoint advances.
final class TailIndex: Sendable {
    struct Entry: Sendable {
        let position: Position
        let id: UUID
        let stream: String
        let streamVersion: UInt64
        let type: String
        let tags: [String]
    }

    struct Snapshot {
        /// Every entry after this position is in `entries`; at or before it, the index has it.
        var indexedUpTo: Position
        var entries: ArraySlice<Entry>
    }

    private struct State {
        var entries: [Entry] = []
        var indexedUpTo: Position = 0
        /// The ids of `entries[..<idsCovered]`. Filled when an id is looked up, not on
        /// append: hashing a batch's ids into a map of every unindexed event was a quarter
        /// of a batched append's time after its flush, and most ids are never looked up here.
        var ids: [UUID: Position] = [:]
        var idsCovered = 0

        mutating func coverIDs() {
            guard idsCovered < entries.count else { return }
            for entry in entries[idsCovered...] { ids[entry.id] = entry.position }
            idsCovered = entries.count
        }
    }

    private let state: Mutex<State>

    init(indexedUpTo: Position) {
        state = Mutex(State(indexedUpTo: indexedUpTo))
    }

    func append(_ new: [Entry]) {
        state.withLock { $0.entries.append(contentsOf: new) }
    }

    /// Drops the entries the index now holds.
    func prune(upTo position: Position) {
        // What is dropped is returned, so that freeing it happens outside the lock.
        _ = state.withLock { s -> [Entry] in
            guard position > s.indexedUpTo else { return [] }
            s.indexedUpTo = position
            let cut = s.entries.partitioningIndex { $0.position > position }
            guard cut < s.entries.count else {
                // The indexer caught up: dropping the tables beats hashing every id out.
                s.ids = [:]
                s.idsCovered = 0
                defer { s.entries = [] }
                return s.entries
            }
            for entry in s.entries[..<min(cut, s.idsCovered)] { s.ids[entry.id] = nil }
            s.idsCovered = max(0, s.idsCovered - cut)
            s.entries.removeFirst(cut)
            return []
        }
    }

    func position(of id: UUID) -> Position? {
        state.withLock { s in
            s.coverIDs()
            return s.ids[id]
        }
    }

    /// Every id here with its position (the writer's start of its own map).
    func idSnapshot() -> [UUID: Position] {
        state.withLock { s in
            s.coverIDs()
            return s.ids
        }
    }

    /// The index checkpoint: every event at or before it is in the index.
    var indexedUpTo: Position { state.withLock { $0.indexedUpTo } }

    func snapshot(after position: Position) -> Snapshot {
        state.withLock { s in
            let start = s.entries.partitioningIndex { $0.position > position }
            return Snapshot(indexedUpTo: s.indexedUpTo, entries: s.entries[start...])
        }
    }

    /// The entries in `from...upTo` (the indexer's input), ascending and consecutive
    /// unless a commit has not reached the tail yet.
    func entries(from: Position, upTo: Position) -> ArraySlice<Entry> {
        state.withLock { s in
            let start = s.entries.partitioningIndex { $0.position >= from }
            let end = s.entries[start...].partitioningIndex { $0.position > upTo }
            return s.entries[start..<end]
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}

extension RandomAccessCollection {
    /// The first index whose element satisfies `predicate`, for a collection in which
    /// every element that satisfies it comes after every element that does not.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if predicate(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
