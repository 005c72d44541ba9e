import EventLogCore
import Foundation
import Logging
import PostgresNIO

/// One append transaction for a batch of requests, in this order:
/// 1. `BEGIN ISOLATION LEVEL READ COMMITTED`, then lock the head row (`FOR UPDATE`): from
///    here on no other appender, of this process or another server, can commit;
/// 2. one statement for the stored ids and one for the stream versions the batch names —
///    each statement takes a fresh snapshot at READ COMMITTED, so both see every
///    transaction that committed before the lock was granted;
/// 3. each request decided in order (`BatchDecider`), with one statement of its own for
///    each DCB condition;
/// 4. the accepted events and their tags inserted from arrays (`unnest`), a few thousand
///    per statement, and the head row moved, which also queues the commit notification;
/// 5. `COMMIT`.
///
/// Round trips per batch: 6 plus one per condition, whatever the number of events.
struct BatchTransaction {
    enum Failure: Error {
        /// Nothing was committed: the server rolls back a transaction whose connection died.
        case beforeCommit(any Error)
        /// COMMIT was sent but not answered: the transaction may or may not have committed.
        case atCommit(any Error)
    }

    /// At most this many events or bytes go into one INSERT statement.
    static let maxEventsPerStatement = 5_000
    static let maxBytesPerStatement = 16 << 20

    let connection: PostgresConnection
    let logger: Logger

    /// The head after the transaction and each request's outcome, in order.
    func run(_ batch: [PendingAppend]) async throws(Failure) -> (Position, [Result<AppendResult, any Error>]) {
        let decided: (Position, [Result<AppendResult, any Error>])
        do {
            try await connection.query("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
        } catch {
            throw .beforeCommit(error)
        }
        do {
            decided = try await decideAndWrite(batch)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw .beforeCommit(error)
        }
        do {
            try await connection.query("COMMIT", logger: logger)
        } catch {
            throw .atCommit(error)
        }
        return decided
    }

    private func decideAndWrite(_ batch: [PendingAppend]) async throws -> (Position, [Result<AppendResult, any Error>]) {
        var decider = try await lockHead(batch)
        var outcomes: [Result<AppendResult, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        for request in batch {
            switch decider.begin(request) {
            case .decided(let outcome):
                outcomes.append(outcome)
            case .checkCondition(let condition):
                let sql = QuerySQL.firstMatch(condition.failIfEventsMatch, after: condition.after ?? 0)
                var match: Position?
                for try await first in try await connection.query(sql.query, logger: logger).decode(Int64?.self) {
                    match = first.map { Position($0) }
                }
                outcomes.append(decider.finish(request, storedMatch: match))
            }
        }
        if !decider.staged.isEmpty {
            try await insert(decider.staged)
            // pg_notify here rather than a NOTIFY after COMMIT: PostgreSQL delivers it only
            // once the transaction commits, and it saves a round trip.
            try await connection.query("""
                UPDATE tribelog_head SET position = \(Int64(decider.head)), chain = \(ByteBuffer(bytes: decider.chain))
                RETURNING pg_notify('tribelog_commits', position::text)
                """, logger: logger)
        }
        return (decider.head, outcomes)
    }

    /// Takes the head lock, then looks up, for the whole batch at once, which of its ids
    /// are stored and where each of its streams stands.
    private func lockHead(_ batch: [PendingAppend]) async throws -> BatchDecider {
        var head: Position = 0
        var chain = HashChain.genesis
        let headRows = try await connection.query("SELECT position, chain FROM tribelog_head FOR UPDATE", logger: logger)
        for try await (position, value) in headRows.decode((Int64, ByteBuffer).self) {
            head = Position(position)
            chain = Array(buffer: value)
        }

        var stored: [UUID: Position] = [:]
        let ids = batch.flatMap { $0.events.map(\.id) }
        let idRows = try await connection.query("SELECT id, position FROM tribelog_events WHERE id = ANY(\(ids))", logger: logger)
        for try await (id, position) in idRows.decode((UUID, Int64).self) { stored[id] = Position(position) }

        var versions: [String: UInt64] = [:]
        let streams = Array(Set(batch.map(\.stream)))
        // One index probe per stream (max over the unique (stream, stream_version) index),
        // where GROUP BY would read every event of a long stream.
        let streamRows = try await connection.query("""
            SELECT s.stream, (SELECT max(e.stream_version) FROM tribelog_events e WHERE e.stream = s.stream)
            FROM unnest(\(streams)::text[]) AS s(stream)
            """, logger: logger)
        for try await (stream, version) in streamRows.decode((String, Int64?).self) {
            if let version { versions[stream] = UInt64(version) }
        }
        return BatchDecider(head: head, chain: chain, storedIDs: stored, streamVersions: versions)
    }

    /// Events and their tags from arrays, one statement per chunk: a data-modifying CTE
    /// inserts the events, the statement's main part the tags.
    private func insert(_ staged: [StagedEvent]) async throws {
        var start = 0
        while start < staged.count {
            var end = start, bytes = 0
            while end < staged.count, end - start < Self.maxEventsPerStatement,
                  end == start || bytes + staged[end].event.body.count <= Self.maxBytesPerStatement {
                bytes += staged[end].event.body.count
                end += 1
            }
            try await insertChunk(staged[start..<end])
            start = end
        }
    }

    private func insertChunk(_ chunk: ArraySlice<StagedEvent>) async throws {
        var positions: [Int64] = [], ids: [UUID] = [], streams: [String] = [], versions: [Int64] = []
        var types: [String] = [], bodies: [ByteBuffer] = [], chains: [ByteBuffer] = []
        var tags: [String] = [], tagPositions: [Int64] = [], tagTypes: [String] = []
        for staged in chunk {
            let position = Int64(staged.position)
            positions.append(position)
            ids.append(staged.event.id)
            streams.append(staged.stream)
            versions.append(Int64(staged.streamVersion))
            types.append(staged.event.type)
            bodies.append(ByteBuffer(bytes: staged.event.body))
            chains.append(ByteBuffer(bytes: staged.chain))
            for tag in staged.event.tags {
                tags.append(tag)
                tagPositions.append(position)
                tagTypes.append(staged.event.type)
            }
        }
        try await connection.query("""
            WITH inserted AS (
                INSERT INTO tribelog_events (position, id, stream, stream_version, type, body, chain)
                SELECT * FROM unnest(\(positions)::int8[], \(ids)::uuid[], \(streams)::text[], \(versions)::int8[],
                                     \(types)::text[], \(bodies)::bytea[], \(chains)::bytea[]))
            INSERT INTO tribelog_tags (tag, position, type)
            SELECT * FROM unnest(\(tags)::text[], \(tagPositions)::int8[], \(tagTypes)::text[])
            """, logger: logger)
    }
}
