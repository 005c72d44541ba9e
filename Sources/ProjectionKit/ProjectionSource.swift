import EventLog
import Foundation

/// What the read models read of the log, whichever engine holds it.
///
/// The host reads in batches on threads of its own (the follower's worker, the rebuild's
/// reading queue), never on Swift's cooperative pool, so `readBlocking` may block while a
/// network engine waits for its database. Keeping these reads synchronous keeps the
/// rebuild's pipeline (read the next chunk on one thread while the projections apply the
/// current one on the others) as it was measured.
public protocol ProjectionSource: AnyObject, Sendable {
    /// The last committed position.
    var head: Position { get }

    /// Up to `limit` events from `from` on. May block: call it off the cooperative pool.
    func readBlocking(from: Position, limit: Int) throws -> [RecordedEvent]

    /// True once the head has moved past `position`; false when the log closed.
    func waitForCommit(after position: Position) async -> Bool

    /// When the event at `position` was recorded, if the engine can tell without waiting
    /// (for the lag in `status()`, which a health check reads on the pool).
    func recordedTime(at position: Position) -> Timestamp?
}

extension EventStore: ProjectionSource {
    public func readBlocking(from: Position, limit: Int) throws -> [RecordedEvent] {
        try read(from: from, limit: limit)
    }

    public func recordedTime(at position: Position) -> Timestamp? {
        (try? read(from: position, limit: 1).first)?.recordedAt
    }
}
