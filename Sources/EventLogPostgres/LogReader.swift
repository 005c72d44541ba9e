import EventLogCore
import Foundation
import Logging
import PostgresNIO

/// Reads events from the pool's connections. Every row is `position, stream_version, body`,
/// and the body (the canonical envelope) holds the rest of the event, so one decoder serves
/// every read.
struct LogReader: Sendable {
    let primary: Primary
    let logger: Logger

    func events(from: Position, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0, from <= Position(Int64.max) else { return [] }
        return try await rows("""
            SELECT position, stream_version, body FROM tribelog_events
            WHERE position >= \(Int64(max(from, 1))) ORDER BY position LIMIT \(Int64(limit))
            """)
    }

    func events(inStream stream: String, fromVersion: UInt64, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0, fromVersion <= UInt64(Int64.max) else { return [] }
        return try await rows("""
            SELECT position, stream_version, body FROM tribelog_events
            WHERE stream = \(stream) AND stream_version >= \(Int64(max(fromVersion, 1)))
            ORDER BY stream_version LIMIT \(Int64(limit))
            """)
    }

    func events(matching query: Query, after: Position, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0, after < Position(Int64.max) else { return [] }
        if QuerySQL.matchesEverything(query) { return try await events(from: after + 1, limit: limit) }
        let matched = QuerySQL.positions(matching: query, after: after, limit: Int64(limit))
        return try await rows(PostgresQuery(unsafeSQL: """
            SELECT e.position, e.stream_version, e.body
            FROM (\(matched.sql)) AS m JOIN tribelog_events e ON e.position = m.position
            ORDER BY e.position
            """, binds: matched.binds))
    }

    func storedPosition(of id: UUID) async throws -> Position? {
        try await primary.withClient { client in
            var found: Position?
            for try await position in try await client.query("SELECT position FROM tribelog_events WHERE id = \(id)", logger: logger)
                .decode(Int64.self) {
                found = Position(position)
            }
            return found
        }
    }

    /// The head row's position: what the poller reads when no notification came.
    func storedHead() async throws -> Position {
        try await primary.withClient { client in
            var head: Position = 0
            for try await position in try await client.query("SELECT position FROM tribelog_head", logger: logger).decode(Int64.self) {
                head = Position(position)
            }
            return head
        }
    }

    private func rows(_ query: PostgresQuery) async throws -> [RecordedEvent] {
        try await primary.withClient { client in
            var events: [RecordedEvent] = []
            for try await (position, version, body) in try await client.query(query, logger: logger).decode((Int64, Int64, ByteBuffer).self) {
                events.append(try Self.decode(position: position, version: version, body: body))
            }
            return events
        }
    }

    static func decode(position: Int64, version: Int64, body: ByteBuffer) throws -> RecordedEvent {
        do {
            return try body.withUnsafeReadableBytes {
                try EventBody.decode($0, position: Position(position), streamVersion: UInt64(version))
            }
        } catch {
            throw StoredEventUnreadable(position: Position(position), cause: error)
        }
    }
}

/// A stored body that is not a valid envelope (changed in the database, or written by a
/// newer build).
public struct StoredEventUnreadable: Error, Sendable, CustomStringConvertible {
    public let position: Position
    public let cause: any Error

    public var description: String {
        "the event at position \(position) cannot be read (\(cause)): run verify to see whether the log was changed, or use a newer tribelog build"
    }
}
