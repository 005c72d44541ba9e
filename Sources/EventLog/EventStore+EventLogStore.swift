import Foundation

/// The LMDB engine behind the log protocol: its reads answer from memory-mapped pages at
/// once, so the async forms only wrap the synchronous ones that tools on their own
/// threads keep using.
extension EventStore: EventLogStore {
    public func events(from: Position, limit: Int) async throws -> [RecordedEvent] {
        try read(from: from, limit: limit)
    }

    public func events(inStream stream: String, fromVersion: UInt64, limit: Int) async throws -> [RecordedEvent] {
        try read(stream: stream, fromVersion: fromVersion, limit: limit)
    }

    public func events(matching query: Query, after: Position, limit: Int) async throws -> [RecordedEvent] {
        try read(matching: query, after: after, limit: limit)
    }

    public func storedPosition(of id: UUID) async throws -> Position? {
        try position(of: id)
    }

    public func verifyLog() async throws -> VerificationReport {
        try verify()
    }

    /// Closing waits for the committer and the indexer's threads: off the cooperative pool.
    public func shutdown() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.close()
                done.resume()
            }
        }
    }
}
