import Foundation

/// What the index holds, reduced so the log and the index can be compared without
/// holding every posting: per posting list its count and an order-independent mix of its
/// positions, the same for the ids, and the heads as they are.
struct IndexSummary {
    struct List: Equatable {
        var count = 0
        var mix: UInt64 = 0

        mutating func add(_ position: Position) {
            count += 1
            mix = mix &+ SplitMix64.mix(position &+ SplitMix64.increment)
        }
    }

    var lists: [PostingName: List] = [:]
    var ids = List()
    var heads = HeadsSummary()

    /// What indexing the event at `position` adds.
    mutating func add(position: Position, header: EventBody.Header, streamVersion: UInt64) {
        lists[PostingName(kind: .stream, name: header.stream), default: List()].add(position)
        lists[PostingName(kind: .type, name: header.type), default: List()].add(position)
        for tag in header.tags {
            lists[PostingName(kind: .tag, name: tag), default: List()].add(position)
            lists[PostingName.typedTag(type: header.type, tag: tag), default: List()].add(position)
        }
        addID(header.id, position)
        heads.add(position: position, stream: header.stream, version: streamVersion, type: header.type, tags: header.tags)
    }

    mutating func addID(_ id: UUID, _ position: Position) {
        let (a, b) = id.bigEndianHalves
        ids.add(a ^ b.rotateLeft(17) ^ position)
    }

    /// The first way `stored` differs from this summary of the log, as a message.
    func difference(from stored: IndexSummary) -> String? {
        let fix = "delete the index folder and reopen to rebuild it"
        for (name, summary) in lists where stored.lists[name] != summary {
            return "index: \(name.kind) '\(name.name)' has \(stored.lists[name]?.count ?? 0) postings, the log says \(summary.count): \(fix)"
        }
        for (name, summary) in stored.lists where lists[name] == nil {
            return "index: \(name.kind) '\(name.name)' has \(summary.count) postings the log does not have: \(fix)"
        }
        if stored.ids != ids {
            return "index: the event id index disagrees with the log (\(stored.ids.count) ids stored, \(ids.count) expected): \(fix)"
        }
        return heads.difference(from: stored.heads).map { "index: \($0): \(fix)" }
    }

    /// The name of the list a block key belongs to; a typed tag's type by name, as the
    /// log's summary has it.
    private static func listName(_ kind: PostingKind, _ key: UnsafeRawBufferPointer, _ typeNames: [String]) throws -> PostingName {
        let name = key[1..<(key.count - 9)]
        guard kind == .typedTag else { return PostingName(kind: kind, name: String(decoding: name, as: UTF8.self)) }
        guard name.count > 4, let number = BigEndian.uint32(UnsafeRawBufferPointer(rebasing: name.prefix(4))),
              Int(number) < typeNames.count else {
            throw RecordDecodingError.malformed("typed-tag posting key", "no known type number")
        }
        return .typedTag(type: typeNames[Int(number)], tag: String(decoding: name.dropFirst(4), as: UTF8.self))
    }

    /// Summarizes the index as `txn` sees it.
    static func read(_ txn: Transaction, _ dbs: IndexDatabases) throws -> IndexSummary {
        var summary = IndexSummary()
        let typeNames = try txn.typeTable(dbs.heads)
        try txn.withCursor(dbs.postings) { cursor in
            var entry = try cursor.first()
            var block: [Position] = []
            while let (key, value) = entry {
                guard key.count > 9, let kind = PostingKind(rawValue: key[0]), let first = PostingBlock.first(ofKey: key) else {
                    throw RecordDecodingError.malformed("posting key", "\(key.count) bytes")
                }
                let name = try listName(kind, key, typeNames)
                block.removeAll(keepingCapacity: true)
                try PostingBlock.decode(first: first, gaps: value, into: &block)
                for position in block { summary.lists[name, default: List()].add(position) }
                entry = try cursor.next()
            }
        }
        try txn.withCursor(dbs.ids) { cursor in
            var entry = try cursor.first()
            while let (key, value) = entry {
                guard key.count == 16 else { throw RecordDecodingError.malformed("event id key", "\(key.count) bytes") }
                var reader = ByteReader(value)
                let position = try reader.readVarint("indexed position")
                var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: key) }
                summary.addID(UUID(uuid: uuid), position)
                entry = try cursor.next()
            }
        }
        summary.heads = try HeadsSummary.read(txn, dbs)
        return summary
    }
}

/// The heads with types by name: what the log implies, or what `heads` holds.
struct HeadsSummary: Equatable {
    var streams: [String: StreamHead] = [:]
    var types: [String: Position] = [:]
    var tags: [String: Position] = [:]
    var typeTags: [String: [String: Position]] = [:]

    mutating func add(position: Position, stream: String, version: UInt64, type: String, tags eventTags: [String]) {
        streams[stream] = StreamHead(version: version, position: position)
        types[type] = position
        for tag in eventTags {
            tags[tag] = position
            typeTags[tag, default: [:]][type] = position
        }
    }

    func difference(from stored: HeadsSummary) -> String? {
        if let name = Self.firstDifference(streams, stored.streams) { return "the head of stream '\(name)' disagrees with the log" }
        if let name = Self.firstDifference(types, stored.types) { return "the head of type '\(name)' disagrees with the log" }
        if let name = Self.firstDifference(tags, stored.tags) ?? Self.firstDifference(typeTags, stored.typeTags) {
            return "the heads of tag '\(name)' disagree with the log"
        }
        return nil
    }

    private static func firstDifference<V: Equatable>(_ a: [String: V], _ b: [String: V]) -> String? {
        a.first { b[$0.key] != $0.value }?.key ?? b.first { a[$0.key] == nil }?.key
    }

    static func read(_ txn: Transaction, _ dbs: IndexDatabases) throws -> HeadsSummary {
        var summary = HeadsSummary()
        try txn.forEachHead(dbs.heads) { kind, name, value, typeNames in
            switch kind {
            case .stream:
                summary.streams[name] = try StreamHead(decoding: value)
            case .type:
                summary.types[name] = try TypeHead(decoding: value).last
            case .tag:
                let head = try TagHead(decoding: value)
                // A tag's last position is its latest per-type one; store both as found.
                summary.tags[name] = head.last
                summary.typeTags[name] = try Dictionary(head.byType.map { number, position in
                    guard Int(number) < typeNames.count else { throw RecordDecodingError.malformed("tag head", "unknown type number \(number)") }
                    return (typeNames[Int(number)], position)
                }, uniquingKeysWith: max)
            }
        }
        return summary
    }
}

extension UInt64 {
    func rotateLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
