import Foundation

/// The event log as the domain, the read models, the server and the tools use it,
/// whatever engine holds it: `EventStore` (LMDB in the data folder, the embedded default)
/// or the PostgreSQL engine (`EventLogPostgres`), which several servers share.
///
/// Every engine keeps the same promises, checked by one contract suite run against each:
/// - positions are gapless and in commit order, so reading `position > checkpoint` never
///   skips an event that commits later with a smaller position;
/// - an acknowledged append is durable; a refused one (`AppendConflict`,
///   `InvalidAppend`) wrote nothing, and never fails the requests committed beside it;
/// - re-appending events whose ids are stored returns their original positions
///   (`alreadyStored`), so a caller that lost an answer resends the same ids;
/// - the hash chain is the same definition everywhere:
///   `chain(n) = SHA-256(chain(n−1) ‖ SHA-256(envelope(n)) ‖ u64be(stream version))`,
///   over the canonical binary envelope (`EventBody`), so verify and export/import are
///   engine-neutral.
///
/// Reads are `async`: a network engine suspends while it waits for the database, and the
/// embedded one answers at once.
public protocol EventLogStore: AnyObject, Sendable {
    /// The last position this process knows to be committed (0 for an empty log). Readers
    /// see every event up to it.
    var head: Position { get }

    /// Appends `events` to `stream` atomically, after checking `expected` and `condition`
    /// against the log as it is at the moment of the append (not as the caller read it).
    func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion,
                condition: AppendCondition?) async throws -> AppendResult

    /// Up to `limit` events from position `from` on, in order.
    func events(from: Position, limit: Int) async throws -> [RecordedEvent]

    /// The stream's events from version `fromVersion` on.
    func events(inStream stream: String, fromVersion: UInt64, limit: Int) async throws -> [RecordedEvent]

    /// Events after `after` that match `query`, in log order.
    func events(matching query: Query, after: Position, limit: Int) async throws -> [RecordedEvent]

    /// Where the event with this id is stored, if it is.
    func storedPosition(of id: UUID) async throws -> Position?

    /// Returns true once the head has moved past `position`; false when the log closed or
    /// the task was cancelled.
    func waitForCommit(after position: Position) async -> Bool

    /// Recomputes the hash chain from the first event (and checks the engine's own
    /// indexes), naming the first position that disagrees.
    func verifyLog() async throws -> VerificationReport

    /// Finishes the appends in flight and releases the engine's resources.
    func shutdown() async

    /// The head as the log's storage holds it now. For a log that several servers share,
    /// it may be past `head` until this process hears of the other servers' commits;
    /// asking also makes `head` catch up.
    func latestHead() async throws -> Position
}

extension EventLogStore {
    /// One process owns the log: `head` is always the latest.
    public func latestHead() async throws -> Position { head }
}

extension EventLogStore {
    /// Every event from `position` on: first those stored, then each new one as it is
    /// committed, with no gap and no duplicate (reads by position, woken by commits).
    public func follow(from position: Position = 1) -> LogFollower {
        LogFollower(log: self, next: max(position, 1))
    }
}

/// Catch-up then live over any engine: reads stored events in chunks by position and,
/// at the head, waits for the next commit.
public struct LogFollower: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let log: any EventLogStore
    let next: Position

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, next: next)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let log: any EventLogStore
        var next: Position
        var buffer: [RecordedEvent] = []
        var index = 0

        public mutating func next() async throws -> RecordedEvent? {
            while index == buffer.count {
                try Task.checkCancellation()
                buffer = try await log.events(from: next, limit: 512)
                index = 0
                if buffer.isEmpty {
                    guard await log.waitForCommit(after: next - 1) else { return nil }
                }
            }
            let event = buffer[index]
            index += 1
            next = event.position + 1
            return event
        }
    }
}
