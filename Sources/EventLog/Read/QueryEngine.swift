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

    /// Positions after `after` matching `query` in the stored postings, and the checkpoint
    /// they are complete up to. An item with types and tags reads the typed-tag lists, so
    /// its cost follows the events it matches, not every event of its tags.
    private func indexed(_ query: Query, after: Position) throws -> ([Position], Position) {
        try indexEnv.read { txn in
            let checkpoint = try Self.checkpoint(txn, index)
            let reader = PostingReader(txn: txn, postings: index.postings)
            func intersection(_ prefixes: [[UInt8]]) throws -> [Position] {
                var result: [Position]?
                for prefix in prefixes {
                    let list = try reader.positions(prefix: prefix, after: after, upTo: checkpoint)
                    result = result.map { Self.intersect($0, list) } ?? list
                    if result!.isEmpty { break }
                }
                return result ?? []
            }
            var merged: [Position] = []
            var lists = 0
            for item in query.items {
                if item.tags.isEmpty {
                    for type in item.types {
                        merged.append(contentsOf: try reader.positions(of: PostingName(kind: .type, name: type), after: after, upTo: checkpoint))
                        lists += 1
                    }
                } else if item.types.isEmpty {
                    merged.append(contentsOf: try intersection(item.tags.map { PostingName(kind: .tag, name: $0).prefix }))
                    lists += 1
                } else {
                    for type in item.types {
                        // A type the index has not numbered has no indexed events: the tail has them.
                        guard let raw = try txn.get(index.heads, key: HeadKey.type(type)) else { continue }
                        let number = try TypeHead(decoding: raw).number
                        merged.append(contentsOf: try intersection(item.tags.map { PostingName.typedTagPrefix(type: number, tag: $0) }))
                        lists += 1
                    }
                }
            }
            if lists > 1 {
                merged.sort()
                merged = merged.uniquedSorted()
            }
            return (merged, checkpoint)
        }
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
