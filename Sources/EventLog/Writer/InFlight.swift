import Foundation
import Synchronization

/// Events the writer has decided but the committer has not yet made durable. Later
/// decisions must see them (a retried id, a condition they match) although the tail,
/// which holds committed events only, does not have them yet. The committer appends to
/// the tail before it removes them here, so a reader always finds an event in one or both.
final class InFlight: Sendable {
    private struct State {
        var ids: [UUID: Position] = [:]
        var entries: [TailIndex.Entry] = []
        var committedUpTo: Position = 0
    }

    private let state = Mutex(State())

    func add(_ entries: [TailIndex.Entry]) {
        state.withLock { s in
            for entry in entries where entry.position > s.committedUpTo {
                s.ids[entry.id] = entry.position
                s.entries.append(entry)
            }
        }
    }

    func committed(upTo position: Position) {
        state.withLock { s in
            s.committedUpTo = max(s.committedUpTo, position)
            let cut = s.entries.partitioningIndex { $0.position > position }
            guard cut > 0 else { return }
            if cut == s.entries.count {
                s.entries.removeAll(keepingCapacity: true)
                s.ids.removeAll(keepingCapacity: true)
            } else {
                for entry in s.entries[..<cut] { s.ids[entry.id] = nil }
                s.entries.removeFirst(cut)
            }
        }
    }

    func reset(committedUpTo position: Position) {
        state.withLock { $0 = State(committedUpTo: position) }
    }

    /// One lock for a whole request's ids.
    func positions(of ids: some Sequence<UUID>) -> [Position?] {
        state.withLock { s in ids.map { s.ids[$0] } }
    }

    func first(after position: Position, matching item: QueryItem) -> Position? {
        state.withLock { s in
            s.entries.first { $0.position > position && item.matches(type: $0.type, tags: $0.tags) }?.position
        }
    }
}
