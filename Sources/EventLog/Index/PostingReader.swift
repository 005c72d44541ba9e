import CLMDB

/// Reads posting lists inside an index read transaction.
struct PostingReader {
    let txn: Transaction
    let postings: MDB_dbi

    /// The positions of `name` in (after, upTo], ascending.
    func positions(of name: PostingName, after: Position, upTo: Position) throws -> [Position] {
        try positions(prefix: name.prefix, after: after, upTo: upTo)
    }

    /// The positions in (after, upTo] of the list whose keys start with `prefix`.
    func positions(prefix: [UInt8], after: Position, upTo: Position) throws -> [Position] {
        guard after < upTo else { return [] }
        var result: [Position] = []
        try txn.withCursor(postings) { cursor in
            // The block holding `after + 1` may start before it: begin at the block before.
            var entry = try cursor.seek(atLeast: prefix + BigEndian.bytes(after + 1))
            if let previous = try cursor.previous(), previous.key.starts(with: prefix) {
                entry = previous
            } else {
                entry = try cursor.seek(atLeast: prefix + BigEndian.bytes(after + 1))
            }
            var block: [Position] = []
            while let (key, value) = entry, key.starts(with: prefix), key.count == prefix.count + 8 {
                guard let first = PostingBlock.first(ofKey: key) else { break }
                if first > upTo { break }
                block.removeAll(keepingCapacity: true)
                try PostingBlock.decode(first: first, gaps: value, into: &block)
                for position in block where position > after && position <= upTo { result.append(position) }
                entry = try cursor.next()
            }
        }
        return result
    }
}
