import EventLogCore
import Foundation

/// An event accepted in this transaction, with everything its rows need.
struct StagedEvent: Sendable {
    let position: Position
    let streamVersion: UInt64
    let stream: String
    let event: EncodedEvent
    let chain: [UInt8]
}

/// Decides the requests of one transaction in order, after the head lock: the same rules as
/// the LMDB writer (retried ids first, then the expected version, then the DCB condition),
/// against what the database held when the lock was taken plus the requests accepted
/// earlier in this batch. A refused request stages nothing, so its neighbours go on.
///
/// No SQL in here: the appender runs the statements (lookups, one condition query per
/// request that has one) and hands this their answers.
struct BatchDecider {
    /// The last position and chain value: the head row's, then each accepted event's.
    private(set) var head: Position
    private(set) var chain: [UInt8]
    private(set) var staged: [StagedEvent] = []
    /// Ids stored before this transaction (looked up for the whole batch at once), and ids
    /// accepted in it.
    private var knownIDs: [UUID: Position]
    /// Every stream the batch names → its last version (absent: no such stream yet).
    private var streams: [String: UInt64]

    init(head: Position, chain: [UInt8], storedIDs: [UUID: Position], streamVersions: [String: UInt64]) {
        self.head = head
        self.chain = chain
        knownIDs = storedIDs
        streams = streamVersions
    }

    enum Step {
        case decided(Result<AppendResult, any Error>)
        /// The database must say which stored event (if any) matches this condition first;
        /// `finish` takes the answer.
        case checkCondition(AppendCondition)
    }

    /// Everything that needs no query: a retry, a wrong expected version. When neither
    /// decides, the request either has a condition to check or is accepted here.
    mutating func begin(_ request: PendingAppend) -> Step {
        do {
            if let retried = try alreadyStored(request) { return .decided(.success(retried)) }
            try request.expected.check(stream: request.stream, current: streams[request.stream])
            if let condition = request.condition { return .checkCondition(condition) }
            return .decided(.success(accept(request)))
        } catch {
            return .decided(.failure(error))
        }
    }

    /// Decides a request with a condition, given the first stored event after the
    /// condition's position that matches it (positions up to `head` at the lock).
    mutating func finish(_ request: PendingAppend, storedMatch: Position?) -> Result<AppendResult, any Error> {
        guard let condition = request.condition else { return .success(accept(request)) }
        // The batch's own events come after every stored one, so a stored match is the first.
        if let match = storedMatch ?? firstStagedMatch(condition) {
            return .failure(AppendConflict(reason: .condition(after: condition.after, matchingPosition: match)))
        }
        return .success(accept(request))
    }

    private func firstStagedMatch(_ condition: AppendCondition) -> Position? {
        let after = condition.after ?? 0
        return staged.first { $0.position > after && condition.failIfEventsMatch.matches(type: $0.event.type, tags: $0.event.tags) }?
            .position
    }

    /// A retried append (every id stored or accepted earlier in the batch) returns the
    /// original positions; some but not all is a different request reusing ids.
    private func alreadyStored(_ request: PendingAppend) throws -> AppendResult? {
        let found = request.events.compactMap { knownIDs[$0.id] }
        return try AppendResult.retried(found: found, of: request.events.count, streamVersion: streams[request.stream] ?? 0)
    }

    /// Assigns positions, versions and chain values; head, chain and the stream move at once.
    private mutating func accept(_ request: PendingAppend) -> AppendResult {
        var version = streams[request.stream] ?? 0
        var positions: [Position] = []
        positions.reserveCapacity(request.events.count)
        for event in request.events {
            version += 1
            head += 1
            chain = HashChain.next(previous: chain, digest: event.digest, streamVersion: version)
            staged.append(StagedEvent(position: head, streamVersion: version, stream: request.stream, event: event, chain: chain))
            knownIDs[event.id] = head
            positions.append(head)
        }
        streams[request.stream] = version
        return AppendResult(positions: positions, streamVersion: version, alreadyStored: false)
    }
}
