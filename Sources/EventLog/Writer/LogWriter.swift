import Foundation
import Logging
import Synchronization

/// The single serial writer, first half of the group commit: each append is decided on
/// its caller's thread, one at a time under `decisions`, in order against the log plus
/// everything decided before it (expected version, DCB condition, retried ids); the writer
/// assigns positions and chain values and hands the accepted records to the `Committer`,
/// which makes them durable in one transaction with whatever else was decided meanwhile,
/// and only then resumes the callers. A rejected request never fails its neighbours.
/// Appends are decided while the committer waits for the disk, so under load every flush
/// carries everything that arrived meanwhile.
///
/// The lock is held for microseconds: decisions are made from memory, and the index is
/// read only for a retried id the index took in meanwhile and for conditions on several
/// tags. Deciding on the caller's thread, rather than on a writer thread every caller had to
/// wake, saves a thread hand-off per append: 64 concurrent writers went from 73–86 k to
/// 84–98 k appends/s, batches of 1 000 from 219–232 k to 248–253 k events/s.
final class LogWriter: @unchecked Sendable {
    /// Held while one append is decided; guards every `var` below.
    private let decisions = Mutex(())
    private var closed: (any Error)?
    let committer: Committer
    private let tail: TailIndex
    private let inFlight: InFlight
    private let queries: QueryEngine
    private let idLookup: @Sendable (UUID) throws -> Position?
    private let reload: @Sendable () throws -> WriterState
    private let logger: Logger
    /// The log as decided: committed or in flight.
    private var state: WriterState
    /// Every id decided since the index checkpoint this map was last pruned at (in flight
    /// or committed), with its position. A retried id is found with one lookup here, where
    /// it took three before (the batch, the in-flight set and the tail, two behind locks).
    private var recentIDs: [UUID: Position]
    /// Size of `recentIDs` after its last pruning: it is pruned again at twice that, and
    /// never below the floor (tests lower it to prune often). Pruning walks the whole map
    /// under the lock; a small floor keeps each walk short (8 192 entries: well under a
    /// millisecond) at the same total cost.
    private var recentIDsKept = 0
    var recentIDsPruneFloor = 8_192
    /// Tests set this to make reloads after a failed commit fail, until they clear it.
    let failReloads = Mutex<(any Error)?>(nil)

    init(env: LMDBEnvironment, databases: LogDatabases, state: WriterState, tail: TailIndex,
         queries: QueryEngine, dictionaries: DictionaryRegistry,
         reload: @escaping @Sendable () throws -> WriterState,
         idLookup: @escaping @Sendable (UUID) throws -> Position?,
         onCommit: @escaping @Sendable (Position) -> Void, logger: Logger) {
        let inFlight = InFlight()
        inFlight.reset(committedUpTo: state.head)
        self.inFlight = inFlight
        self.committer = Committer(env: env, databases: databases, tail: tail, inFlight: inFlight,
                                   dictionaries: dictionaries, onCommit: onCommit, logger: logger)
        self.state = state
        self.recentIDs = tail.idSnapshot()
        self.tail = tail
        self.queries = queries
        self.idLookup = idLookup
        self.reload = reload
        self.logger = logger
    }

    var statistics: WriterStatistics { committer.statistics.withLock { $0 } }

    /// Decides `request` now, on this thread; its caller hears once it is durable or refused.
    func submit(_ request: AppendRequest) {
        let refusal = decisions.withLock { _ -> (any Error)? in
            if let closed { return closed }
            if committer.failure != nil, let refusal = recover() { return refusal }
            decide(request)
            return nil
        }
        if let refusal { request.complete(.failure(refusal)) }
    }

    /// A dictionary trained in the background; stored with the next commit, used after.
    func offer(_ dictionary: CompressionDictionary) {
        committer.pendingDictionary.withLock { $0 = dictionary }
        committer.enqueue(CommitJob())
    }

    /// Refuses new requests and waits until the decided ones are written.
    func close() {
        decisions.withLock { _ in closed = EventStoreUnavailable(description: "the event store is closed: reopen it to append") }
        committer.waitUntilIdle()
    }

    /// After a failed commit the state holds decisions the disk does not have. Once the
    /// committer has failed everything decided on them, reload the state as `open` does.
    /// If even that fails, this request is refused and the next one tries again: the cause
    /// (a full disk, a passing I/O error) may go away while the process runs.
    private func recover() -> EventStoreUnavailable? {
        committer.waitUntilIdle()
        do {
            if let injected = failReloads.withLock({ $0 }) { throw injected }
            state = try reload()
            recentIDs = tail.idSnapshot()
            inFlight.reset(committedUpTo: state.head)
            committer.recovered()
            logger.notice("log writer recovered from a failed commit", metadata: ["head": "\(state.head)"])
            return nil
        } catch {
            logger.critical("log writer cannot reload its state after a failed commit: appends are refused until it can",
                            metadata: ["error": "\(error)"])
            return EventStoreUnavailable(description: "the log writer could not recover from a storage failure (\(error)): fix the cause; appends are retried with the next request")
        }
    }

    /// Decides one request and hands it to the committer. The events' entry into the tag,
    /// type and id maps waits until after the hand-off, so that it overlaps the commit.
    private func decide(_ request: AppendRequest) {
        pruneRecentIDs()
        var job = CommitJob()
        job.requests = [request]
        do {
            if let earlier = request.sequence?.firstFailure { throw earlier }
            job.outcomes = [.success(try decide(request, job: &job))]
        } catch {
            request.sequence?.fail(error)
            job.outcomes = [.failure(error)]
        }
        job.head = state.head
        job.chain = state.chain
        let entries = job.entries
        committer.enqueue(job)
        record(entries)
        inFlight.add(entries)
    }

    private func record(_ entries: [TailIndex.Entry]) {
        for entry in entries {
            state.recordTypeAndTags(position: entry.position, type: entry.type, tags: entry.tags)
            recentIDs[entry.id] = entry.position
        }
    }

    /// Drops the ids the index holds by now, once the map has doubled since last time:
    /// `alreadyStored` finds those through the index (the caller's lookup, or its own when
    /// the index moved on since).
    private func pruneRecentIDs() {
        guard recentIDs.count >= max(2 * recentIDsKept, recentIDsPruneFloor) else { return }
        let indexed = tail.indexedUpTo
        recentIDs = recentIDs.filter { $0.value > indexed }
        recentIDsKept = recentIDs.count
    }

    /// Checks a request and assigns positions, versions and chain values; head, chain and
    /// the stream's version move at once.
    private func decide(_ request: AppendRequest, job: inout CommitJob) throws -> AppendResult {
        if let retried = try alreadyStored(request) { return retried }
        let current = state.streams[request.stream]
        try request.expected.check(stream: request.stream, current: current)
        if let condition = request.condition, let match = try firstMatch(condition) {
            throw AppendConflict(reason: .condition(after: condition.after, matchingPosition: match))
        }
        var version = current ?? 0
        var positions: [Position] = []
        positions.reserveCapacity(request.events.count)
        for event in request.events {
            version += 1
            state.head += 1
            state.chain = HashChain.next(previous: state.chain, digest: event.digest, streamVersion: version)
            job.staged.append(StagedRecord(event: event, position: state.head, version: version, chain: state.chain))
            job.entries.append(TailIndex.Entry(position: state.head, id: event.id, stream: request.stream,
                                               streamVersion: version, type: event.type, tags: event.tags))
            positions.append(state.head)
        }
        state.streams[request.stream] = version
        return AppendResult(positions: positions, streamVersion: version, alreadyStored: false)
    }

    /// A retried append (every id already stored or in flight) returns the original positions.
    private func alreadyStored(_ request: AppendRequest) throws -> AppendResult? {
        // An id missing from `recentIDs` is at or before the checkpoint it was pruned at,
        // so in the index: in the caller's lookup, or in a new one if the index moved on.
        let recheckIndex = tail.indexedUpTo > request.idsCheckedUpTo
        var found: [Position] = []
        for (index, event) in request.events.enumerated() {
            var position = recentIDs[event.id] ?? request.knownPositions[index]
            if position == nil && recheckIndex { position = try idLookup(event.id) }
            if let position { found.append(position) }
        }
        return try AppendResult.retried(found: found, of: request.events.count, streamVersion: state.streams[request.stream] ?? 0)
    }

    /// The first event after the condition's position that matches it, among the log and
    /// the events in flight.
    private func firstMatch(_ condition: AppendCondition) throws -> Position? {
        let after = condition.after ?? 0
        let items = condition.failIfEventsMatch.items.isEmpty ? [QueryItem()] : condition.failIfEventsMatch.items
        var earliest: Position?
        for item in items {
            let match: Position?
            switch state.fastCheck(item, after: after) {
            case .noMatch: match = nil
            case .match(let position): match = position
            case .unknown:
                // In flight first, stored second: the committer adds an event to the tail
                // before it drops it from the in-flight set, so in this order none slips
                // between them.
                let decided = inFlight.first(after: after, matching: item)
                let stored = try queries.positions(matching: Query([item]), after: after).first
                match = [stored, decided].compactMap { $0 }.min()
            }
            if let match { earliest = min(earliest ?? match, match) }
        }
        return earliest
    }
}
