import EventLogCore
import Foundation
import Logging
import PostgresNIO

/// One append transaction for a batch of requests, in this order:
/// 1. `BEGIN ISOLATION LEVEL READ COMMITTED`, then lock the head row (`FOR UPDATE`): from
///    here on no other appender, of this process or another server, can commit;
/// 2. one statement for the stored ids and the stream versions the batch names. It must
///    not be the locking statement: a statement's snapshot is taken when it starts, before
///    it waits for the lock, and would miss what the previous holder committed. At READ
///    COMMITTED each later statement takes a fresh one, which sees it;
/// 3. each request decided in order (`BatchDecider`), with one statement of its own for
///    each DCB condition;
/// 4. the accepted events and their tags inserted from arrays (`unnest`), a few thousand
///    per statement; the last statement also moves the head row, which queues the commit
///    notification;
/// 5. `COMMIT`.
///
/// Round trips per batch: 5 plus one per condition (and per further 5 000 events), however
/// many requests it carries.
struct BatchTransaction {
    enum Failure: Error {
        /// Nothing was committed: the server rolls back a transaction whose connection died.
        case beforeCommit(any Error)
        /// COMMIT was sent but not answered: the transaction may or may not have committed.
        case atCommit(any Error)

        var cause: any Error {
            switch self {
            case .beforeCommit(let cause), .atCommit(let cause): cause
            }
        }
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
        if !decider.staged.isEmpty { try await write(decider) }
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
        var versions: [String: UInt64] = [:]
        let ids = batch.flatMap { $0.events.map(\.id) }
        let streams = Array(Set(batch.map(\.stream)))
        // Kind 0: a stored id and its position; kind 1: a stream and its last version, one
        // index probe per stream (max over the unique (stream, stream_version) index),
        // where GROUP BY would read every event of a long stream.
        let rows = try await connection.query("""
            SELECT 0, id::text, position FROM tribelog_events WHERE id = ANY(\(ids))
            UNION ALL
            SELECT 1, s.stream, (SELECT max(e.stream_version) FROM tribelog_events e WHERE e.stream = s.stream)
            FROM unnest(\(streams)::text[]) AS s(stream)
            """, logger: logger)
        for try await (kind, key, value) in rows.decode((Int32, String, Int64?).self) {
            guard let value else { continue }
            if kind == 0, let id = UUID(uuidString: key) {
                stored[id] = Position(value)
            } else if kind == 1 {
                versions[key] = UInt64(value)
            }
        }
        return BatchDecider(head: head, chain: chain, storedIDs: stored, streamVersions: versions)
    }

    /// Events and their tags from arrays, one statement per chunk: data-modifying CTEs
    /// insert the events and the tags; the last chunk's statement also moves the head row.
    private func write(_ decider: BatchDecider) async throws {
        let staged = decider.staged
        var start = 0
        while start < staged.count {
            var end = start, bytes = 0
            while end < staged.count, end - start < Self.maxEventsPerStatement,
                  end == start || bytes + staged[end].event.body.count <= Self.maxBytesPerStatement {
                bytes += staged[end].event.body.count
                end += 1
            }
            try await insertChunk(staged[start..<end], head: end == staged.count ? (decider.head, decider.chain) : nil)
            start = end
        }
    }

    private func insertChunk(_ chunk: ArraySlice<StagedEvent>, head: (Position, [UInt8])?) async throws {
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
        var sql: PostgresQuery = """
            WITH inserted AS (
                INSERT INTO tribelog_events (position, id, stream, stream_version, type, body, chain)
                SELECT * FROM unnest(\(positions)::int8[], \(ids)::uuid[], \(streams)::text[], \(versions)::int8[],
                                     \(types)::text[], \(bodies)::bytea[], \(chains)::bytea[])),
            tagged AS (
                INSERT INTO tribelog_tags (tag, position, type)
                SELECT * FROM unnest(\(tags)::text[], \(tagPositions)::int8[], \(tagTypes)::text[]))

            """
        if let (position, chain) = head {
            // pg_notify here rather than a NOTIFY after COMMIT: PostgreSQL delivers it only
            // once the transaction commits, and it saves a round trip.
            sql.sql += "UPDATE tribelog_head SET position = $\(sql.binds.count + 1), chain = $\(sql.binds.count + 2) "
                + "RETURNING pg_notify('tribelog_commits', position::text)"
            sql.binds.append(Int64(position))
            sql.binds.append(ByteBuffer(bytes: chain))
        } else {
            sql.sql += "SELECT 1"
        }
        try await connection.query(sql, logger: logger)
    }
}
