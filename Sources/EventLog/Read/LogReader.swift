import CLMDB
import Foundation

/// Reads records from the `log` environment in short read transactions.
struct LogReader: Sendable {
    let env: LMDBEnvironment
    let databases: LogDatabases
    let codec: RecordCodec

    /// Up to `limit` events at positions >= `from`, in order.
    func events(from: Position, limit: Int) throws -> [RecordedEvent] {
        var result: [RecordedEvent] = []
        try env.read { txn in
            try txn.withCursor(databases.events) { cursor in
                var entry = try cursor.seek(atLeast: BigEndian.bytes(max(from, 1)))
                while let (key, value) = entry, result.count < limit {
                    let position = try Self.position(key)
                    result.append(try codec.decode(value, position: position))
                    entry = try cursor.next()
                }
            }
        }
        return result
    }

    /// The events at the given positions, in the given order.
    func events(at positions: some Collection<Position>) throws -> [RecordedEvent] {
        guard !positions.isEmpty else { return [] }
        return try env.read { txn in
            try positions.map { position in
                guard let value = try txn.get(databases.events, key: BigEndian.bytes(position)) else {
                    throw RecordDecodingError.malformed("event", "position \(position) is indexed but not in the log")
                }
                return try codec.decode(value, position: position)
            }
        }
    }

    /// Keeps the positions whose event type is one of `types` (for queries that name
    /// both tags and types: tag postings select, the record decides the type).
    func filter(_ positions: [Position], types: [String]) throws -> [Position] {
        guard !positions.isEmpty else { return [] }
        return try env.read { txn in
            try positions.filter { position in
                guard let value = try txn.get(databases.events, key: BigEndian.bytes(position)) else { return false }
                return types.contains(try codec.decodeHeader(value, position: position).header.type)
            }
        }
    }

    static func position(_ key: UnsafeRawBufferPointer) throws -> Position {
        guard let position = BigEndian.uint64(key) else {
            throw RecordDecodingError.malformed("event key", "\(key.count) bytes instead of 8")
        }
        return position
    }
}
