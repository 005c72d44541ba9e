import EventLog
import Hummingbird
import Synchronization

/// Encoded tribe-feed pages, reused while the feeds model has not moved. Building a page
/// (its sentences, from the feeds model) and encoding it with Foundation's JSONEncoder cost
/// about six times a whole `/health` request; a tribe's feed is read far more often than
/// its events arrive, and a page depends only on the model's state and the request.
final class FeedCache: Sendable {
    struct Key: Hashable, Sendable {
        var tribe: String
        var viewer: String?
        var before: Position?
        var limit: Int
    }

    private struct Entry: Sendable {
        /// The model's checkpoint read before the page was built: the page is at least this new.
        var position: Position
        var body: ByteBuffer
    }

    private let entries = Mutex<[Key: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 1_024) { self.capacity = capacity }

    /// The page for `key` as built when the model stood at `position` (read before calling,
    /// so that a page built in a later snapshot is never filed under a newer position than
    /// it shows); `build` runs when there is none for this position.
    func page(_ key: Key, at position: Position, build: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let entry = entries.withLock({ $0[key] }), entry.position == position { return entry.body }
        let body = try build()
        entries.withLock { entries in
            // Pages of older positions are dead weight: start over rather than track ages.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(position: position, body: body)
        }
        return body
    }
}
