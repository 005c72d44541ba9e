import CLMDB
import Dispatch
import Foundation
import Logging
import Synchronization

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
    let continuation: CheckedContinuation<AppendResult, any Error>
}

/// Counters of the group commit, for benchmarks and metrics.
public struct WriterStatistics: Sendable {
    /// Write transactions committed (each one fsync when durable).
    public var commits = 0
    /// Append requests those transactions carried.
    public var requests = 0
}

/// The single serial writer with group commit: requests queue up while a batch is being
/// committed; the next batch takes them all, decides each in order against the log plus
/// the requests before it, writes the accepted ones in one transaction with one fsync,
/// and only then resumes every caller. A rejected request never fails its neighbours.
final class LogWriter: @unchecked Sendable {
    private struct Queue {
        var pending: [AppendRequest] = []
        var draining = false
        var closed: (any Error)?
        /// While the writer lingers: how many queued requests end the wait.
        var lingerTarget = 0
    }

    private let queue = Mutex(Queue())
    private let arrivals = DispatchSemaphore(value: 0)
    let statistics = Mutex(WriterStatistics())
    private let dispatch = DispatchQueue(label: "tribelog.log-writer", qos: .userInitiated)
    private let committer = DispatchQueue(label: "tribelog.log-commit", qos: .userInitiated)
    private let env: LMDBEnvironment
    private let databases: LogDatabases
    private let tail: TailIndex
    private let queries: QueryEngine
    private let idLookup: @Sendable (UUID) throws -> Position?
    private let reload: @Sendable () throws -> WriterState
    private let onCommit: @Sendable (Position) -> Void
    private let logger: Logger
    /// Owned by the writer's dispatch queue.
    private var state: WriterState
    private let pendingDictionary = Mutex<CompressionDictionary?>(nil)
    private let dictionaries: DictionaryRegistry

    init(env: LMDBEnvironment, databases: LogDatabases, state: WriterState, tail: TailIndex,
         queries: QueryEngine, dictionaries: DictionaryRegistry,
         reload: @escaping @Sendable () throws -> WriterState,
         idLookup: @escaping @Sendable (UUID) throws -> Position?,
         onCommit: @escaping @Sendable (Position) -> Void, logger: Logger) {
        self.env = env
        self.databases = databases
        self.state = state
        self.tail = tail
        self.queries = queries
        self.dictionaries = dictionaries
        self.idLookup = idLookup
        self.reload = reload
        self.onCommit = onCommit
        self.logger = logger
    }

    func submit(_ request: AppendRequest) {
        let (start, refusal) = queue.withLock { q -> (Bool, (any Error)?) in
            if let closed = q.closed { return (false, closed) }
            q.pending.append(request)
            if q.lingerTarget > 0 && q.pending.count >= q.lingerTarget {
                q.lingerTarget = 0
                arrivals.signal()
            }
            if q.draining { return (false, nil) }
            q.draining = true
            return (true, nil)
        }
        if let refusal { request.continuation.resume(throwing: refusal) }
        if start { dispatch.async { self.drain() } }
    }

    /// A dictionary trained in the background; stored with the next batch, used after.
    func offer(_ dictionary: CompressionDictionary) {
        pendingDictionary.withLock { $0 = dictionary }
        submitEmptyWakeUp()
    }

    /// Refuses new requests and waits for the queued ones to be written.
    func close() {
        queue.withLock { $0.closed = EventStoreUnavailable(description: "the event store is closed: reopen it to append") }
        dispatch.sync {}
    }

    private func submitEmptyWakeUp() {
        let start = queue.withLock { q -> Bool in
            if q.draining || q.closed != nil { return false }
            q.draining = true
            return true
        }
        if start { dispatch.async { self.drain() } }
    }

    /// Requests in the previous batch; owned by the dispatch queue.
    private var previousBatchSize = 0
    /// How long a batch smaller than the previous one waits for stragglers.
    private static let lingerNanoseconds: UInt64 = 150_000

    private func drain() {
        while true {
            var batch = takePending(stopIfEmpty: true)
            let dictionary = pendingDictionary.withLock { $0 }
            if batch.isEmpty && dictionary == nil { return }
            if !batch.isEmpty && batch.count < previousBatchSize { batch += linger(have: batch.count) }
            previousBatchSize = batch.count
            process(batch, storing: dictionary)
            statistics.withLock { $0.commits += 1; $0.requests += batch.count }
        }
    }

    private func takePending(stopIfEmpty: Bool) -> [AppendRequest] {
        queue.withLock { q -> [AppendRequest] in
            let batch = q.pending
            q.pending.removeAll(keepingCapacity: true)
            if batch.isEmpty && stopIfEmpty { q.draining = false }
            return batch
        }
    }

    /// Group commit under concurrency: the callers resumed by the last commit are still
    /// on their way back with their next append, so a batch smaller than the last one
    /// waits a moment (less than an fsync) until as many requests are queued as last time,
    /// instead of paying a whole fsync for a few requests and another for the rest. A lone
    /// caller never waits: its previous batch had one request.
    private func linger(have count: Int) -> [AppendRequest] {
        let ready = queue.withLock { q -> Bool in
            if count + q.pending.count >= previousBatchSize { return true }
            q.lingerTarget = previousBatchSize - count
            return false
        }
        if !ready {
            _ = arrivals.wait(timeout: .now() + .nanoseconds(Int(Self.lingerNanoseconds)))
            queue.withLock { $0.lingerTarget = 0 }
            // A signal that came after the timeout must not end the next linger early.
            while arrivals.wait(timeout: .now()) == .success {}
        }
        return takePending(stopIfEmpty: false)
    }

    private struct Staged {
        let event: PreparedEvent
        let position: Position
        let version: UInt64
        let chain: [UInt8]
    }

    /// The batch being decided: what its accepted requests wrote, for the requests after
    /// them and for the commit.
    private struct Batch {
        var ids: [UUID: Position] = [:]
        var entries: [TailIndex.Entry] = []
        var staged: [Staged] = []
    }

    private func process(_ requests: [AppendRequest], storing dictionary: CompressionDictionary?) {
        var batch = Batch()
        var outcomes: [Result<AppendResult, any Error>] = []
        outcomes.reserveCapacity(requests.count)
        var pending: Accepted?
        for request in requests {
            // A request is decided against everything before it in the batch.
            if let accepted = pending { record(accepted, in: &batch) }
            pending = nil
            do {
                let (result, accepted) = try decide(request, batch: &batch)
                outcomes.append(.success(result))
                pending = accepted
            } catch {
                outcomes.append(.failure(error))
            }
        }
        guard !batch.staged.isEmpty || dictionary != nil else {
            resume(requests, outcomes)
            return
        }
        let commit = CommitOutcome()
        let staged = batch.staged, head = state.head, chain = state.chain
        let write: @Sendable () -> Void = {
            do {
                commit.storedDictionary = try self.commit(staged, head: head, chain: chain, dictionary: dictionary)
            } catch {
                commit.error = error
            }
        }
        if let accepted = pending, accepted.events.count >= Self.parallelRecordingThreshold {
            // The commit (puts and fsync) runs on its own queue while this thread records a
            // large last request in the in-memory maps, so that work no longer waits for the
            // disk. For a few events the thread hand-off would cost more than it saves.
            let done = DispatchSemaphore(value: 0)
            committer.async { write(); done.signal() }
            record(accepted, in: &batch)
            done.wait()
        } else {
            if let accepted = pending { record(accepted, in: &batch) }
            write()
        }
        if let error = commit.error {
            logger.error("append failed, nothing written", metadata: ["error": "\(error)"])
            restoreStateFromDisk()
            let failure = Result<AppendResult, any Error>.failure(error)
            outcomes = outcomes.map { outcome in
                if case .success(let result) = outcome, !result.alreadyStored { return failure }
                return outcome
            }
            resume(requests, outcomes)
            return
        }
        if let stored = commit.storedDictionary { dictionaries.install(stored) }
        if !batch.staged.isEmpty {
            tail.append(batch.entries)
            onCommit(state.head)
        }
        resume(requests, outcomes)
    }

    private static let parallelRecordingThreshold = 256

    /// What the commit thread hands back.
    private final class CommitOutcome: @unchecked Sendable {
        var error: (any Error)?
        var storedDictionary: CompressionDictionary?
    }

    /// A request accepted by `decide` whose events still have to enter the tag and type
    /// maps, the tail and the batch's ids.
    private struct Accepted {
        let stream: String
        let first: Position
        let firstVersion: UInt64
        let events: [PreparedEvent]
    }

    private func record(_ accepted: Accepted, in batch: inout Batch) {
        for (offset, event) in accepted.events.enumerated() {
            let position = accepted.first + Position(offset)
            state.recordTypeAndTags(position: position, type: event.type, tags: event.tags)
            batch.ids[event.id] = position
            batch.entries.append(TailIndex.Entry(position: position, id: event.id, stream: accepted.stream,
                                                 streamVersion: accepted.firstVersion + UInt64(offset),
                                                 type: event.type, tags: event.tags))
        }
    }

    /// After a failed commit the in-memory state holds the batch's decisions; the disk does
    /// not. Reload it as `open` does; if even that fails, refuse appends from now on.
    private func restoreStateFromDisk() {
        do {
            state = try reload()
        } catch {
            logger.critical("writer stopped: state could not be reloaded", metadata: ["error": "\(error)"])
            queue.withLock {
                $0.closed = EventStoreUnavailable(description: "the log writer stopped after a storage failure (\(error)): fix the cause and reopen the data folder")
            }
        }
    }

    private func resume(_ requests: [AppendRequest], _ outcomes: [Result<AppendResult, any Error>]) {
        for (request, outcome) in zip(requests, outcomes) {
            request.continuation.resume(with: outcome)
        }
    }

    /// Checks a request and assigns its positions, versions and chain values. The head,
    /// the stream's version and the chain move at once; the per-event maps are `record`ed
    /// before the next request is decided.
    private func decide(_ request: AppendRequest, batch: inout Batch) throws -> (AppendResult, Accepted?) {
        if let retried = try alreadyStored(request, batch: batch) { return (retried, nil) }
        let current = state.streams[request.stream]
        switch request.expected {
        case .any: break
        case .noStream where current == nil: break
        case .exact(let version) where current == version: break
        default:
            throw AppendConflict(reason: .streamVersion(stream: request.stream, expected: request.expected, actual: current))
        }
        if let condition = request.condition, let match = try firstMatch(condition, batch: batch) {
            throw AppendConflict(reason: .condition(after: condition.after, matchingPosition: match))
        }
        let accepted = Accepted(stream: request.stream, first: state.head + 1, firstVersion: (current ?? 0) + 1, events: request.events)
        var version = current ?? 0
        var positions: [Position] = []
        positions.reserveCapacity(request.events.count)
        for event in request.events {
            version += 1
            state.head += 1
            state.chain = HashChain.next(previous: state.chain, digest: event.digest, streamVersion: version)
            batch.staged.append(Staged(event: event, position: state.head, version: version, chain: state.chain))
            positions.append(state.head)
        }
        state.streams[request.stream] = version
        return (AppendResult(positions: positions, streamVersion: version, alreadyStored: false), accepted)
    }

    /// A retried append (every id already stored) returns the original positions.
    private func alreadyStored(_ request: AppendRequest, batch: Batch) throws -> AppendResult? {
        let (inTail, indexedUpTo) = tail.positions(of: request.events.lazy.map(\.id))
        let recheckIndex = indexedUpTo > request.idsCheckedUpTo
        var found: [Position] = []
        for (index, event) in request.events.enumerated() {
            var position = batch.ids[event.id] ?? inTail[index] ?? request.knownPositions[index]
            if position == nil && recheckIndex { position = try idLookup(event.id) }
            if let position { found.append(position) }
        }
        if found.isEmpty { return nil }
        guard found.count == request.events.count else {
            throw InvalidAppend("\(found.count) of the \(request.events.count) events are already stored and the others are not: a retried append must resend exactly the same events")
        }
        return AppendResult(positions: found, streamVersion: state.streams[request.stream] ?? 0, alreadyStored: true)
    }

    private func firstMatch(_ condition: AppendCondition, batch: Batch) throws -> Position? {
        let after = condition.after ?? 0
        let items = condition.failIfEventsMatch.items.isEmpty ? [QueryItem()] : condition.failIfEventsMatch.items
        var earliest: Position?
        for item in items {
            let match: Position?
            switch state.fastCheck(item, after: after) {
            case .noMatch: match = nil
            case .match(let position): match = position
            case .unknown:
                let pending = batch.entries.first { $0.position > after && item.matches(type: $0.type, tags: $0.tags) }?.position
                match = try queries.positions(matching: Query([item]), after: after).first ?? pending
            }
            if let match { earliest = min(earliest ?? match, match) }
        }
        return earliest
    }

    /// Writes the staged records (and a new dictionary) in one transaction; returns the
    /// dictionary if it was stored. A dictionary that cannot be stored is dropped (a later
    /// training makes another): it must not hold up the appends.
    private func commit(_ staged: [Staged], head: Position, chain: [UInt8], dictionary: CompressionDictionary?) throws -> CompressionDictionary? {
        guard let dictionary else {
            try write(staged, head: head, chain: chain, dictionary: nil)
            return nil
        }
        defer { pendingDictionary.withLock { if $0 === dictionary { $0 = nil } } }
        do {
            try write(staged, head: head, chain: chain, dictionary: dictionary)
            return dictionary
        } catch {
            logger.warning("compression dictionary not stored", metadata: ["error": "\(error)"])
            if !staged.isEmpty { try write(staged, head: head, chain: chain, dictionary: nil) }
            return nil
        }
    }

    private func write(_ staged: [Staged], head: Position, chain: [UInt8], dictionary: CompressionDictionary?) throws {
        try env.write { txn in
            if let dictionary {
                // Never replace a dictionary: records already compressed with it need it.
                try txn.put(databases.dictionaries, key: BigEndian.bytes(dictionary.id), value: dictionary.bytes, flags: MDB_NOOVERWRITE)
            }
            for item in staged {
                let size = StoredRecord.size(dictionaryID: item.event.dictionaryID, streamVersion: item.version, frameCount: item.event.frame.count)
                try withUnsafeBytes(of: item.position.bigEndian) { key in
                    try txn.reserve(databases.events, key: key, count: size, flags: MDB_APPEND) { target in
                        StoredRecord.write(into: target, dictionaryID: item.event.dictionaryID, chain: item.chain,
                                           streamVersion: item.version, frame: item.event.frame)
                    }
                }
            }
            if !staged.isEmpty {
                try txn.put(databases.meta, key: MetaKey.head, value: BigEndian.bytes(head))
                try txn.put(databases.meta, key: MetaKey.chain, value: chain)
            }
        }
    }
}
