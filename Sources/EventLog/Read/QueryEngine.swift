import CLMDB
import Foundation

/// Answers "which positions match" from the stored posting blocks merged with the
/// in-memory tail the indexer has not written yet, so no committed event is missed.
struct QueryEngine: Sendable {
    let log: LogReader
    let indexEnv: LMDBEnvironment
    let index: IndexDatabases
    let tail: TailIndex

    /// Positions after `after` of events matching `query`, ascending. A query without
    /// items matches everything; callers read such ranges from the log directly.
    func positions(matching query: Query, after: Position) throws -> [Position] {
        let snapshot = tail.snapshot(after: after)
        var (found, indexedUpTo) = try indexed(query, after: after)
        for entry in snapshot.entries where entry.position > indexedUpTo && query.matches(type: entry.type, tags: entry.tags) {
            found.append(entry.position)
        }
        return found
    }

    /// Positions of the stream's events after `after`, ascending.
    func positions(ofStream stream: String, after: Position) throws -> [Position] {
        let snapshot = tail.snapshot(after: after)
        var (found, indexedUpTo) = try indexEnv.read { txn in
            let checkpoint = try Self.checkpoint(txn, index)
            let reader = PostingReader(txn: txn, postings: index.postings)
            return (try reader.positions(of: PostingName(kind: .stream, name: stream), after: after, upTo: checkpoint), checkpoint)
        }
        for entry in snapshot.entries where entry.position > indexedUpTo && entry.stream == stream {
            found.append(entry.position)
        }
        return found
    }

    private func indexed(_ query: Query, after: Position) throws -> ([Position], Position) {
        let (lists, checkpoint) = try indexEnv.read { txn in
            let checkpoint = try Self.checkpoint(txn, index)
            let reader = PostingReader(txn: txn, postings: index.postings)
            var lists: [(item: QueryItem, positions: [Position])] = []
            for item in query.items {
                if item.tags.isEmpty {
                    var union: [Position] = []
                    for type in item.types {
                        union.append(contentsOf: try reader.positions(of: PostingName(kind: .type, name: type), after: after, upTo: checkpoint))
                    }
                    lists.append((item, union))
                } else {
                    var intersection: [Position]?
                    for tag in item.tags {
                        let list = try reader.positions(of: PostingName(kind: .tag, name: tag), after: after, upTo: checkpoint)
                        intersection = intersection.map { Self.intersect($0, list) } ?? list
                        if intersection!.isEmpty { break }
                    }
                    lists.append((item, intersection ?? []))
                }
            }
            return (lists, checkpoint)
        }
        var merged: [Position] = []
        for (item, positions) in lists {
            if !item.tags.isEmpty && !item.types.isEmpty {
                merged.append(contentsOf: try log.filter(positions, types: item.types))
            } else {
                merged.append(contentsOf: positions)
            }
        }
        if lists.count > 1 || (lists.first?.item.tags.isEmpty ?? false) {
            merged.sort()
            merged = merged.uniquedSorted()
        }
        return (merged, checkpoint)
    }

    /// Where the index has stored each of these event ids, and the checkpoint it had then.
    func positions(ofIDs ids: [UUID]) throws -> (positions: [Position?], checkpoint: Position) {
        try indexEnv.read { txn in
            let checkpoint = try Self.checkpoint(txn, index)
            let positions = try ids.map { id -> Position? in
                try withUnsafeBytes(of: id.uuid) { key in
                    guard let raw = try txn.get(index.ids, key: key) else { return nil }
                    var reader = ByteReader(raw)
                    return try reader.readVarint("indexed position")
                }
            }
            return (positions, checkpoint)
        }
    }

    static func checkpoint(_ txn: Transaction, _ index: IndexDatabases) throws -> Position {
        guard let raw = try txn.get(index.meta, key: MetaKey.checkpoint) else { return 0 }
        return BigEndian.uint64(raw) ?? 0
    }

    static func intersect(_ a: [Position], _ b: [Position]) -> [Position] {
        var result: [Position] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { result.append(a[i]); i += 1; j += 1 }
            else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return result
    }
}

extension Array where Element: Equatable {
    func uniquedSorted() -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(count)
        for element in self where result.last != element { result.append(element) }
        return result
    }
}
