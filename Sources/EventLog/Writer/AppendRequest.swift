import Foundation

/// One append request waiting for the writer.
struct AppendRequest: Sendable {
    let stream: String
    let events: [PreparedEvent]
    let expected: ExpectedVersion
    let condition: AppendCondition?
    /// Positions of event ids the caller already found in the index, and the index
    /// checkpoint at that moment (if the indexer moved on since, the writer looks again).
    let knownPositions: [Position?]
    let idsCheckedUpTo: Position
    /// Refused once an earlier append of this sequence failed.
    let sequence: AppendSequence?
    /// Called once, when the request is durable or refused.
    let complete: @Sendable (Result<AppendResult, any Error>) -> Void
}

/// Counters of the group commit, for benchmarks and metrics.
public struct WriterStatistics: Sendable {
    /// Write transactions committed (each one fsync when durable).
    public var commits = 0
    /// Append requests those transactions carried.
    public var requests = 0

    public init(commits: Int = 0, requests: Int = 0) {
        self.commits = commits
        self.requests = requests
    }
}

/// An accepted event with what the writer assigned to it.
struct StagedRecord: Sendable {
    let event: PreparedEvent
    let position: Position
    let version: UInt64
    let chain: [UInt8]
}

/// Requests the writer has decided, on their way to disk. Their callers are resumed by
/// the committer once the transaction holding them is durable.
struct CommitJob: Sendable {
    var requests: [AppendRequest] = []
    var outcomes: [Result<AppendResult, any Error>] = []
    var staged: [StagedRecord] = []
    var entries: [TailIndex.Entry] = []
    /// Head and chain after this job's records.
    var head: Position = 0
    var chain: [UInt8] = []
}
