import Crypto
import EventLogCore
import Foundation
import Logging
import PostgresNIO

/// Recomputes the hash chain from position 1 over the stored bodies, and checks that each
/// row's columns (id, stream, type) and the tags table say what its body says. Names the
/// first position that disagrees.
struct LogVerifier {
    let client: PostgresClient
    let logger: Logger
    static let chunk: Int64 = 10_000

    func run() async throws -> VerificationReport {
        var report = VerificationReport()
        // Up to the head as it is now; appends may go on meanwhile.
        var head: Int64 = 0
        var headChain: [UInt8] = []
        for try await (position, chain) in try await client.query("SELECT position, chain FROM tribelog_head", logger: logger)
            .decode((Int64, ByteBuffer).self) {
            (head, headChain) = (position, Array(buffer: chain))
        }
        var chain = HashChain.genesis
        var expected: Int64 = 1
        var tagRows = 0
        while expected <= head {
            let rows = try await client.query("""
                SELECT position, id, stream, stream_version, type, body, chain FROM tribelog_events
                WHERE position >= \(expected) AND position <= \(head) ORDER BY position LIMIT \(Self.chunk)
                """, logger: logger)
            var tags = TagRows()
            var any = false
            for try await (position, id, stream, version, type, body, stored) in rows
                .decode((Int64, UUID, String, Int64, String, ByteBuffer, ByteBuffer).self) {
                any = true
                guard position == expected else {
                    report.fail(at: Position(expected), "position \(expected) is missing (next stored is \(position))")
                    return report
                }
                chain = body.withUnsafeReadableBytes {
                    HashChain.next(previous: chain, digest: HashChain.digest(body: $0), streamVersion: UInt64(version))
                }
                guard chain.elementsEqual(stored.readableBytesView) else {
                    report.fail(at: Position(position), "position \(position): hash chain broken (the event or one before it was changed)")
                    return report
                }
                let event: RecordedEvent
                do {
                    event = try LogReader.decode(position: position, version: version, body: body)
                } catch {
                    report.fail(at: Position(position), "position \(position): \(error)")
                    return report
                }
                guard event.id == id, event.stream == stream, event.type == type else {
                    report.fail(at: Position(position), "position \(position): the id, stream or type column disagrees with the stored event")
                    return report
                }
                tags.add(event)
                report.events = Position(position)
                expected += 1
            }
            guard any else {
                report.fail(at: Position(expected), "position \(expected) is missing (the head row says \(head))")
                return report
            }
            if let missing = try await tags.firstMissing(client: client, logger: logger) {
                report.fail(at: missing, "position \(missing): its tags are not all in tribelog_tags")
                return report
            }
            tagRows += tags.count
        }
        guard chain == headChain else {
            report.fail(at: Position(head), "the head row's chain value disagrees with the chain recomputed up to position \(head)")
            return report
        }
        var storedTagRows: Int64 = 0
        for try await count in try await client.query("SELECT count(*) FROM tribelog_tags WHERE position <= \(head)", logger: logger)
            .decode(Int64.self) {
            storedTagRows = count
        }
        guard storedTagRows == tagRows else {
            report.fail(at: Position(head), "tribelog_tags holds \(storedTagRows) rows up to position \(head), the events carry \(tagRows) tags")
            return report
        }
        report.indexedUpTo = Position(head)
        report.chainHead = chain
        return report
    }
}

/// The (tag, position, type) rows a chunk of events should have in `tribelog_tags`.
private struct TagRows {
    var tags: [String] = [], positions: [Int64] = [], types: [String] = []
    var count: Int { tags.count }

    mutating func add(_ event: RecordedEvent) {
        for tag in event.tags {
            tags.append(tag)
            positions.append(Int64(event.position))
            types.append(event.type)
        }
    }

    /// The first position whose tag rows are not all present (index probes, not a scan).
    func firstMissing(client: PostgresClient, logger: Logger) async throws -> Position? {
        guard !tags.isEmpty else { return nil }
        let rows = try await client.query("""
            SELECT min(u.position) FROM unnest(\(tags)::text[], \(positions)::int8[], \(types)::text[]) AS u(tag, position, type)
            WHERE NOT EXISTS (SELECT 1 FROM tribelog_tags t WHERE t.tag = u.tag AND t.position = u.position AND t.type = u.type)
            """, logger: logger)
        var missing: Position?
        for try await first in rows.decode(Int64?.self) { missing = first.map { Position($0) } }
        return missing
    }
}
