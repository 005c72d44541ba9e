import CLMDB
import Foundation

/// Reads records from the `log` environment in short read transactions.
struct LogReader: Sendable {
    let env: LMDBEnvironment
    let databases: LogDatabases
    let codec: RecordCodec

    /// Up to `limit` events at positions >= `from`, in order.
    func events(from: Position, limit: Int) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        var result: [RecordedEvent] = []
        // Scans ask for thousands at a time; one growth step is cheap, a reserved
        // `limit` of `.max` is not.
        result.reserveCapacity(min(limit, 4_096))
        try env.read { txn in
            try txn.withCursor(databases.events) { cursor in
                try codec.withDecoder { decoder in
                    var entry = try cursor.seek(atLeast: BigEndian.bytes(max(from, 1)))
                    while let (key, value) = entry {
                        // Step before decoding: LMDB's first look at the next record misses
                        // the cache, and the CPU can wait for it while it decodes this one.
                        // The current value stays valid: pages do not move during a read.
                        entry = result.count + 1 < limit ? try cursor.next() : nil
                        result.append(try decoder.decode(value, position: try Self.position(key)))
                    }
                }
            }
        }
        return result
    }

    /// The events at the given positions, in the given order.
    func events(at positions: some Collection<Position>) throws -> [RecordedEvent] {
        guard !positions.isEmpty else { return [] }
        return try env.read { txn in
            try codec.withDecoder { decoder in
                var result: [RecordedEvent] = []
                result.reserveCapacity(positions.count)
                for position in positions {
                    guard let value = try record(txn, at: position) else {
                        throw RecordDecodingError.malformed("event", "position \(position) is indexed but not in the log")
                    }
                    result.append(try decoder.decode(value, position: position))
                }
                return result
            }
        }
    }

    /// The stored record at `position`, valid until `txn` ends.
    func record(_ txn: Transaction, at position: Position) throws -> UnsafeRawBufferPointer? {
        try withUnsafeBytes(of: position.bigEndian) { try txn.get(databases.events, key: $0) }
    }

    static func position(_ key: UnsafeRawBufferPointer) throws -> Position {
        guard let position = BigEndian.uint64(key) else {
            throw RecordDecodingError.malformed("event key", "\(key.count) bytes instead of 8")
        }
        return position
    }
}
