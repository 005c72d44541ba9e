import CLMDB
import Glibc

extension IndexBatch {
    /// Writes postings, heads and ids, then the checkpoint, all in `txn`. It may run again
    /// in a fresh transaction (after the map grew), so it reads what it merges from `txn`.
    func write(_ txn: Transaction, _ index: IndexDatabases) throws {
        let numbers = try typeNumbers(txn, index)
        let lists = sortedLists(typeNumbers: numbers)
        for list in lists {
            try writePostings(positions(of: list), prefix: list.prefix, txn, index)
        }
        // Heads in key order (streams, tags, types), as the postings: neighbouring puts
        // land on the same pages.
        for stream in streams {
            try txn.put(index.heads, key: HeadKey.stream(stream.name),
                        value: StreamHead(version: stream.version, position: stream.positions.last!).encoded)
        }
        for list in lists where list.kind == .tag {
            let tag = tags[list.slot]
            let key = HeadKey.tag(tag.name)
            var head = try txn.get(index.heads, key: key).map { try TagHead(decoding: $0) } ?? TagHead()
            for (type, positions) in tag.byType { head.record(number: numbers[type], position: positions.last!) }
            try txn.put(index.heads, key: key, value: head.encoded)
        }
        for (slot, list) in types.enumerated() {
            try txn.put(index.heads, key: HeadKey.type(list.name), value: TypeHead(number: numbers[slot], last: list.positions.last!).encoded)
        }
        try writeIDs(txn, index)
        try txn.put(index.meta, key: MetaKey.checkpoint, value: BigEndian.bytes(last))
    }

    /// A posting list of the batch, by key prefix.
    private struct ListRef {
        let prefix: [UInt8]
        let kind: PostingKind
        let slot: Int
        /// For a typed tag: which of the tag's types.
        var typeSlot = 0
    }

    /// Every list of the batch sorted by key: LMDB then walks its tree once, in order.
    private func sortedLists(typeNumbers: [UInt32]) -> [ListRef] {
        var lists: [ListRef] = []
        lists.reserveCapacity(streams.count + types.count + tags.count)
        for (slot, list) in streams.enumerated() { lists.append(ListRef(prefix: PostingName(kind: .stream, name: list.name).prefix, kind: .stream, slot: slot)) }
        for (slot, list) in types.enumerated() { lists.append(ListRef(prefix: PostingName(kind: .type, name: list.name).prefix, kind: .type, slot: slot)) }
        for (slot, list) in tags.enumerated() {
            lists.append(ListRef(prefix: PostingName(kind: .tag, name: list.name).prefix, kind: .tag, slot: slot))
            for (typeSlot, typed) in list.byType.enumerated() {
                lists.append(ListRef(prefix: PostingName.typedTagPrefix(type: typeNumbers[typed.type], tag: list.name),
                                     kind: .typedTag, slot: slot, typeSlot: typeSlot))
            }
        }
        lists.sort { a, b in
            a.prefix.withUnsafeBufferPointer { x in
                b.prefix.withUnsafeBufferPointer { y in
                    let order = memcmp(x.baseAddress!, y.baseAddress!, min(x.count, y.count))
                    return order != 0 ? order < 0 : x.count < y.count
                }
            }
        }
        return lists
    }

    private func positions(of list: ListRef) -> [Position] {
        switch list.kind {
        case .stream: streams[list.slot].positions
        case .type: types[list.slot].positions
        case .tag: tags[list.slot].positions
        case .typedTag: tags[list.slot].byType[list.typeSlot].positions
        }
    }

    /// The stored number of each of the batch's types; new types get the next free ones.
    private func typeNumbers(_ txn: Transaction, _ index: IndexDatabases) throws -> [UInt32] {
        var numbers: [UInt32] = []
        numbers.reserveCapacity(types.count)
        var stored: UInt32?  // how many types the table holds, read once a new type shows up
        for list in types {
            if let raw = try txn.get(index.heads, key: HeadKey.type(list.name)) {
                numbers.append(try TypeHead(decoding: raw).number)
            } else {
                let next = try stored ?? UInt32(txn.typeTable(index.heads).count)
                numbers.append(next)
                stored = next + 1
            }
        }
        return numbers
    }

    /// Appends to the list's last block while it is small, else starts a new block.
    private func writePostings(_ positions: [Position], prefix: [UInt8], _ txn: Transaction, _ index: IndexDatabases) throws {
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
            try txn.put(index.postings, key: prefix + BigEndian.bytes(first), value: writer.bytes)
        }
    }

    /// Ids in key order. Ids above every stored one (the usual case: ids are time-ordered
    /// v7 UUIDs) go in with MDB_APPEND, which skips the search and fills pages completely
    /// instead of splitting them in half; any others with an ordinary put.
    private func writeIDs(_ txn: Transaction, _ index: IndexDatabases) throws {
        var sorted = ids
        if !sorted.isSorted(by: { $0.key <= $1.key }) { sorted.sort { $0.key < $1.key } }
        var greatest: (UInt64, UInt64)? = try txn.withCursor(index.ids) { cursor in
            try cursor.last().map { entry in
                let key = entry.key
                guard key.count == 16 else { throw RecordDecodingError.malformed("event id key", "\(key.count) bytes") }
                return (UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: key.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
        }
        var value: (UInt64, UInt64) = (0, 0)
        for entry in sorted {
            var key = (entry.high.bigEndian, entry.low.bigEndian)
            let length = withUnsafeMutableBytes(of: &value) { Varint.write(entry.position, into: $0) }
            // Strictly greater: a repeated id (never written by the writer) overwrites.
            let append = greatest.map { entry.key > $0 } ?? true
            if append { greatest = entry.key }
            try withUnsafeBytes(of: &key) { key in
                try withUnsafeBytes(of: &value) { value in
                    try txn.put(index.ids, key: key, value: UnsafeRawBufferPointer(rebasing: value[..<length]), flags: append ? MDB_APPEND : 0)
                }
            }
        }
    }
}

enum Varint {
    /// Writes `value` as LEB128 into `buffer` (at least 10 bytes); returns its length.
    static func write(_ value: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var v = value
        var count = 0
        while v >= 0x80 {
            buffer[count] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            count += 1
        }
        buffer[count] = UInt8(v)
        return count + 1
    }
}

extension Sequence {
    /// True when every element is in order with the next one.
    func isSorted(by inOrder: (Element, Element) -> Bool) -> Bool {
        var iterator = makeIterator()
        guard var previous = iterator.next() else { return true }
        while let next = iterator.next() {
            if !inOrder(previous, next) { return false }
            previous = next
        }
        return true
    }
}
