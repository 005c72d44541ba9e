import Dispatch
import Foundation
import Logging
import Synchronization

/// The single serial writer, first half of the group commit: requests queue up; the
/// writer takes them all, decides each in order against the log plus everything decided
/// before it (expected version, DCB condition, retried ids), assigns positions and chain
/// values, and hands the accepted records to the `Committer`, which makes them durable in
/// one transaction and only then resumes the callers. A rejected request never fails its
/// neighbours. The writer decides the next requests while the committer waits for the
/// disk, so under load every fsync carries everything that arrived meanwhile.
final class LogWriter: @unchecked Sendable {
    private struct Intake {
        var pending: [AppendRequest] = []
        var draining = false
        var closed: (any Error)?
    }

    private let intake = Mutex(Intake())
    private let dispatch = DispatchQueue(label: "tribelog.log-writer", qos: .userInitiated)
    let committer: Committer
    private let tail: TailIndex
    private let inFlight: InFlight
    private let queries: QueryEngine
    private let idLookup: @Sendable (UUID) throws -> Position?
    private let reload: @Sendable () throws -> WriterState
    private let logger: Logger
    /// Owned by the writer's dispatch queue: the log as decided, committed or in flight.
    private var state: WriterState
    /// Every id decided since the index checkpoint this map was last pruned at (in this
    /// batch, in flight or committed), with its position; owned by the writer's queue. A
    /// retried id is found with one unlocked lookup here, where it took three before (the
    /// batch, the in-flight set and the tail, two of them behind locks).
    private var recentIDs: [UUID: Position]
    /// Size of `recentIDs` after its last pruning: it is pruned again at twice that, and
    /// never below the floor (tests lower it to prune often).
    private var recentIDsKept = 0
    var recentIDsPruneFloor = 65_536
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

    func submit(_ request: AppendRequest) {
        let (start, refusal) = intake.withLock { q -> (Bool, (any Error)?) in
            if let closed = q.closed { return (false, closed) }
            q.pending.append(request)
            if q.draining { return (false, nil) }
            q.draining = true
            return (true, nil)
        }
        if let refusal { request.complete(.failure(refusal)) }
        if start { dispatch.async { self.drain() } }
    }

    /// A dictionary trained in the background; stored with the next commit, used after.
    func offer(_ dictionary: CompressionDictionary) {
        committer.pendingDictionary.withLock { $0 = dictionary }
        committer.enqueue(CommitJob())
    }

    /// Refuses new requests and waits until the queued ones are written.
    func close() {
        intake.withLock { $0.closed = EventStoreUnavailable(description: "the event store is closed: reopen it to append") }
        dispatch.sync {}
        committer.waitUntilIdle()
    }

    private func drain() {
        while true {
            let refusal = committer.failure != nil ? recover() : nil
            let requests = intake.withLock { q -> [AppendRequest] in
                defer { q.pending.removeAll(keepingCapacity: true) }
                if q.pending.isEmpty { q.draining = false }
                return q.pending
            }
            if requests.isEmpty { return }
            if let refusal {
                for request in requests { request.complete(.failure(refusal)) }
                continue
            }
            decide(requests)
        }
    }

    /// After a failed commit the state holds decisions the disk does not have. Once the
    /// committer has failed everything decided on them, reload the state as `open` does.
    /// If even that fails, the requests of this round are refused and the next round tries
    /// again: the cause (a full disk, a passing I/O error) may go away while the process runs.
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

    /// Decides a batch and hands it to the committer. The events' entry into the tag and
    /// type maps waits until the next request is decided, and for the batch's last request
    /// until after the hand-off, so that bookkeeping overlaps the commit.
    private func decide(_ requests: [AppendRequest]) {
        var job = CommitJob()
        job.requests = requests
        job.outcomes.reserveCapacity(requests.count)
        pruneRecentIDs()
        var pending: Range<Int>?
        for request in requests {
            if let range = pending { record(job.entries[range]) }
            pending = nil
            do {
                if let earlier = request.sequence?.firstFailure { throw earlier }
                let start = job.entries.count
                job.outcomes.append(.success(try decide(request, job: &job)))
                if job.entries.count > start { pending = start..<job.entries.count }
            } catch {
                request.sequence?.fail(error)
                job.outcomes.append(.failure(error))
            }
        }
        job.head = state.head
        job.chain = state.chain
        let entries = job.entries
        committer.enqueue(job)
        if let range = pending { record(entries[range]) }
        inFlight.add(entries)
    }

    private func record(_ entries: ArraySlice<TailIndex.Entry>) {
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
        switch request.expected {
        case .any: break
        case .noStream where current == nil: break
        case .exact(let version) where current == version: break
        default:
            throw AppendConflict(reason: .streamVersion(stream: request.stream, expected: request.expected, actual: current))
        }
        if let condition = request.condition, let match = try firstMatch(condition, pending: job.entries) {
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
        if found.isEmpty { return nil }
        guard found.count == request.events.count else {
            throw InvalidAppend("\(found.count) of the \(request.events.count) events are already stored and the others are not: a retried append must resend exactly the same events")
        }
        return AppendResult(positions: found, streamVersion: state.streams[request.stream] ?? 0, alreadyStored: true)
    }

    /// The first event after the condition's position that matches it, among the log,
    /// the events in flight and those decided earlier in this batch (`pending`).
    private func firstMatch(_ condition: AppendCondition, pending: [TailIndex.Entry]) throws -> Position? {
        let after = condition.after ?? 0
        let items = condition.failIfEventsMatch.items.isEmpty ? [QueryItem()] : condition.failIfEventsMatch.items
        var earliest: Position?
        for item in items {
            let match: Position?
            switch state.fastCheck(item, after: after) {
            case .noMatch: match = nil
            case .match(let position): match = position
            case .unknown:
                // In flight before stored, for the reason given in `alreadyStored`.
                let decided = inFlight.first(after: after, matching: item)
                    ?? pending.first { $0.position > after && item.matches(type: $0.type, tags: $0.tags) }?.position
                let stored = try queries.positions(matching: Query([item]), after: after).first
                match = [stored, decided].compactMap { $0 }.min()
            }
            if let match { earliest = min(earliest ?? match, match) }
        }
        return earliest
    }
}
