import CLMDB
import Foundation

/// What one indexer run collected in memory from a range of the log, written to the
/// index environment in one transaction, sorted by key.
struct IndexBatch {
    var postings: [PostingName: [Position]] = [:]
    var ids: [(id: UUID, position: Position)] = []
    var streamHeads: [String: (version: UInt64, position: Position)] = [:]
    var lastPositions: [PostingName: Position] = [:]
    var typeTagHeads: [TypeTag: Position] = [:]
    var last: Position = 0

    mutating func add(position: Position, header: EventBody.Header, streamVersion: UInt64) {
        postings[PostingName(kind: .stream, name: header.stream), default: []].append(position)
        postings[PostingName(kind: .type, name: header.type), default: []].append(position)
        lastPositions[PostingName(kind: .type, name: header.type)] = position
        for tag in header.tags {
            postings[PostingName(kind: .tag, name: tag), default: []].append(position)
            lastPositions[PostingName(kind: .tag, name: tag)] = position
            typeTagHeads[TypeTag(type: header.type, tag: tag)] = position
        }
        streamHeads[header.stream] = (streamVersion, position)
        ids.append((header.id, position))
        last = position
    }

    func write(_ txn: Transaction, _ index: IndexDatabases) throws {
        for name in postings.keys.sorted(by: { $0.prefix.lexicographicallyPrecedes($1.prefix) }) {
            try writePostings(postings[name]!, of: name, txn, index)
        }
        var sortedIDs = ids
        sortedIDs.sort { $0.id.bigEndianHalves < $1.id.bigEndianHalves }
        for (id, position) in sortedIDs {
            var value = ByteWriter(capacity: 10)
            value.writeVarint(position)
            try withUnsafeBytes(of: id.uuid) { key in
                try value.bytes.withUnsafeBytes { try txn.put(index.ids, key: key, value: $0) }
            }
        }
        for (stream, head) in streamHeads {
            var value = ByteWriter(capacity: 20)
            value.writeVarint(head.version)
            value.writeVarint(head.position)
            try txn.put(index.heads, key: HeadKey.stream(stream), value: value.bytes)
        }
        for (name, position) in lastPositions {
            try txn.put(index.heads, key: HeadKey.last(name), value: HeadKey.varint(position))
        }
        for (typeTag, position) in typeTagHeads {
            try txn.put(index.heads, key: HeadKey.typeTag(typeTag), value: HeadKey.varint(position))
        }
        try txn.put(index.meta, key: MetaKey.checkpoint, value: BigEndian.bytes(last))
    }

    /// Appends to the list's last block while it is small, else starts a new block.
    private func writePostings(_ positions: [Position], of name: PostingName, _ txn: Transaction, _ index: IndexDatabases) throws {
        let prefix = name.prefix
        var remaining = positions[...]
        try txn.withCursor(index.postings) { cursor in
            // The list's last block is the entry just before where the next list starts.
            let beyond = try cursor.seek(atLeast: prefix + BigEndian.bytes(UInt64.max))
            let candidate = beyond == nil ? try cursor.last() : try cursor.previous()
            guard let (key, value) = candidate, key.starts(with: prefix), key.count == prefix.count + 8,
                  value.count < PostingBlock.maxBytes, let first = PostingBlock.first(ofKey: key) else { return }
            var existing: [Position] = []
            try PostingBlock.decode(first: first, gaps: value, into: &existing)
            var writer = ByteWriter(capacity: PostingBlock.maxBytes + 16)
            writer.write(contentsOf: value)
            var last = existing.last!
            while let next = remaining.first, writer.bytes.count < PostingBlock.maxBytes {
                writer.writeVarint(next - last)
                last = next
                remaining.removeFirst()
            }
            try txn.put(index.postings, key: Array(key), value: writer.bytes)
        }
        while let first = remaining.first {
            var writer = ByteWriter(capacity: PostingBlock.maxBytes + 16)
            var last = first
            remaining.removeFirst()
            while let next = remaining.first, writer.bytes.count < PostingBlock.maxBytes {
                writer.writeVarint(next - last)
                last = next
                remaining.removeFirst()
            }
            try txn.put(index.postings, key: name.blockKey(first: first), value: writer.bytes, flags: 0)
        }
    }
}

/// An event type together with one of its tags: the key of a type+tag head.
struct TypeTag: Hashable, Sendable {
    let type: String
    let tag: String
}

/// Keys of the `heads` database.
enum HeadKey {
    static func stream(_ stream: String) -> [UInt8] { [PostingKind.stream.rawValue] + Array(stream.utf8) }
    static func last(_ name: PostingName) -> [UInt8] { [name.kind.rawValue] + Array(name.name.utf8) }
    static func typeTag(_ key: TypeTag) -> [UInt8] { [PostingKind.typeTag.rawValue] + Array(key.type.utf8) + [0] + Array(key.tag.utf8) }

    static func varint(_ value: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 10)
        writer.writeVarint(value)
        return writer.bytes
    }
}

extension UUID {
    /// The 16 bytes as two big-endian integers: sorting by them sorts like the key bytes.
    var bigEndianHalves: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid) { raw in
            (BigEndian.uint64(UnsafeRawBufferPointer(rebasing: raw[0..<8]))!, BigEndian.uint64(UnsafeRawBufferPointer(rebasing: raw[8..<16]))!)
        }
    }
}
