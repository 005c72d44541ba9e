import EventLog
import Foundation
import Synchronization
import TribelogSupport

/// The read models' view of a log on another machine (the PostgreSQL engine): its async
/// reads, waited for on the host's own threads, which is what `readBlocking` promises.
public final class NetworkLogSource: ProjectionSource {
    private let log: any EventLogStore
    /// The recorded time of the last event read, for the lag in `status()`, which must not
    /// wait for the database.
    private let lastRead = Mutex<(position: Position, time: Timestamp)?>(nil)

    public init(log: any EventLogStore) {
        self.log = log
    }

    public var head: Position { log.head }

    public func readBlocking(from: Position, limit: Int) throws -> [RecordedEvent] {
        let result = Mutex<Result<[RecordedEvent], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task { [log] in
            let read = await Result(awaiting: { try await log.events(from: from, limit: limit) })
            result.withLock { $0 = read }
            done.signal()
        }
        done.wait()
        let events = try result.withLock { $0! }.get()
        if let last = events.last { lastRead.withLock { $0 = (last.position, last.recordedAt) } }
        return events
    }

    public func waitForCommit(after position: Position) async -> Bool {
        await log.waitForCommit(after: position)
    }

    public func recordedTime(at position: Position) -> Timestamp? {
        lastRead.withLock { $0.flatMap { $0.position == position ? $0.time : nil } }
    }
}
