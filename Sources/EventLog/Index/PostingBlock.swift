/// What a posting list is about: a stream, a tag, an event type, or a tag's events of one
/// type (what a decision's query item selects: "the TribeCreated, TribeRulesChanged … of
/// tribe t-1", found without reading the tribe's other events).
enum PostingKind: UInt8, Sendable {
    case stream = 1
    case tag = 2
    case type = 3
    case typedTag = 4
}

/// Names a posting list: kind and name (stream, tag and type names never contain NUL; the
/// append checks). A typed tag is named `type · 0x00 · tag` here, while its keys carry
/// the type's number (see `typedTagPrefix`): a type and a tag at their longest would pass
/// LMDB's 511-byte key limit.
struct PostingName: Hashable, Sendable {
    let kind: PostingKind
    let name: String

    init(kind: PostingKind, name: String) {
        self.kind = kind
        self.name = name
    }

    static func typedTag(type: String, tag: String) -> PostingName {
        PostingName(kind: .typedTag, name: type + "\u{0}" + tag)
    }

    /// `kind · name · 0x00`: every block key of this list starts with it (not for typed
    /// tags: their prefix needs the type's number).
    var prefix: [UInt8] {
        var bytes: [UInt8] = [kind.rawValue]
        bytes.reserveCapacity(name.utf8.count + 10)
        bytes.append(contentsOf: name.utf8)
        bytes.append(0)
        return bytes
    }

    /// `0x04 · u32be type number · tag · 0x00`: the tag has no NUL, so no other list's
    /// key shares it.
    static func typedTagPrefix(type number: UInt32, tag: String) -> [UInt8] {
        var bytes: [UInt8] = [PostingKind.typedTag.rawValue]
        bytes.reserveCapacity(tag.utf8.count + 14)
        bytes.append(contentsOf: BigEndian.bytes(number))
        bytes.append(contentsOf: tag.utf8)
        bytes.append(0)
        return bytes
    }

    func blockKey(first: Position) -> [UInt8] {
        prefix + BigEndian.bytes(first)
    }
}

/// A posting block holds ascending positions: its key ends with the first one, its value
/// is the varint gaps to each next one. Blocks grow until `maxBytes`, so a tag seen once
/// per indexer batch does not cost a key per posting.
enum PostingBlock {
    static let maxBytes = 480

    static func appendGaps(from previous: Position, _ positions: some Sequence<Position>, to writer: inout ByteWriter) {
        var last = previous
        for position in positions {
            writer.writeVarint(position - last)
            last = position
        }
    }

    /// Positions of one block, the first from its key.
    static func decode(first: Position, gaps: UnsafeRawBufferPointer, into positions: inout [Position]) throws(RecordDecodingError) {
        var reader = ByteReader(gaps)
        var current = first
        positions.append(current)
        while !reader.isAtEnd {
            let gap = try reader.readVarint("posting gap")
            guard gap > 0 else { throw .malformed("posting block", "positions not ascending") }
            current += gap
            positions.append(current)
        }
    }

    /// Splits a block key into list prefix and first position.
    static func first(ofKey key: UnsafeRawBufferPointer) -> Position? {
        guard key.count > 9 else { return nil }
        return BigEndian.uint64(UnsafeRawBufferPointer(rebasing: key[(key.count - 8)...]))
    }
}

extension UnsafeRawBufferPointer {
    func starts(with prefix: [UInt8]) -> Bool {
        guard count >= prefix.count else { return false }
        for i in 0..<prefix.count where self[i] != prefix[i] { return false }
        return true
    }
}
