import Foundation
import Synchronization

/// Events the writer has decided but the committer has not yet made durable. Later
/// conditions must see them although the tail, which holds committed events only, does
/// not have them yet. The committer appends to the tail before it removes them here, so a
/// reader always finds an event in one or both. (Retried ids the writer finds in its own
/// map of recent ids.)
final class InFlight: Sendable {
    private struct State {
        var entries: [TailIndex.Entry] = []
        var committedUpTo: Position = 0
    }

    private let state = Mutex(State())

    func add(_ entries: [TailIndex.Entry]) {
        state.withLock { s in
            for entry in entries where entry.position > s.committedUpTo {
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
            } else {
                s.entries.removeFirst(cut)
            }
        }
    }

    func reset(committedUpTo position: Position) {
        state.withLock { $0 = State(committedUpTo: position) }
    }

    func first(after position: Position, matching item: QueryItem) -> Position? {
        state.withLock { s in
            s.entries.first { $0.position > position && item.matches(type: $0.type, tags: $0.tags) }?.position
        }
    }
}
