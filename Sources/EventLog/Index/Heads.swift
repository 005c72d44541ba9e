import CLMDB

/// The layout of the `heads` database: what the writer loads on open to decide appends
/// without reading postings. One entry per stream, per type and per tag:
///
///     0x01 · stream → varint version · varint position
///     0x02 · tag    → varint last · (varint type number · varint (last − position))*
///     0x03 · type   → varint type number · varint last position
///
/// A tag's per-type positions live in its own entry, with types named by small numbers,
/// instead of one key per (type, tag) pair: the pairs were most of the keys, and every
/// batch rewrote the randomly placed pages holding them, which left the index mostly
/// free pages. Type numbers are dense (0, 1, 2, … in order of first appearance), so the
/// type entries are the type table.
/// What a head entry is about: the kinds of posting list that have heads (typed tags keep
/// theirs inside the tag's entry).
enum HeadKind: UInt8, Sendable {
    case stream = 1
    case tag = 2
    case type = 3
}

enum HeadKey {
    static func stream(_ stream: String) -> [UInt8] { key(.stream, stream) }
    static func tag(_ tag: String) -> [UInt8] { key(.tag, tag) }
    static func type(_ type: String) -> [UInt8] { key(.type, type) }

    private static func key(_ kind: HeadKind, _ name: String) -> [UInt8] {
        var bytes: [UInt8] = [kind.rawValue]
        bytes.reserveCapacity(name.utf8.count + 1)
        bytes.append(contentsOf: name.utf8)
        return bytes
    }

    /// The entry's kind and name.
    static func parse(_ key: UnsafeRawBufferPointer) throws(RecordDecodingError) -> (HeadKind, String) {
        guard let first = key.first, let kind = HeadKind(rawValue: first) else {
            throw .malformed("index head", "unknown kind \(key.first ?? 0)")
        }
        return (kind, String(decoding: key.dropFirst(), as: UTF8.self))
    }
}

/// A stream's head: its last version and the position of that event.
struct StreamHead: Equatable {
    var version: UInt64
    var position: Position

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 20)
        writer.writeVarint(version)
        writer.writeVarint(position)
        return writer.bytes
    }

    init(version: UInt64, position: Position) {
        self.version = version
        self.position = position
    }

    init(decoding raw: UnsafeRawBufferPointer) throws(RecordDecodingError) {
        var reader = ByteReader(raw)
        version = try reader.readVarint("stream head version")
        position = try reader.readVarint("stream head position")
    }
}

/// A type's entry: its number in the type table and its last position.
struct TypeHead: Equatable {
    var number: UInt32
    var last: Position

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.writeVarint(UInt64(number))
        writer.writeVarint(last)
        return writer.bytes
    }

    init(number: UInt32, last: Position) {
        self.number = number
        self.last = last
    }

    init(decoding raw: UnsafeRawBufferPointer) throws(RecordDecodingError) {
        var reader = ByteReader(raw)
        let number = try reader.readVarint("type number")
        guard number <= UInt64(UInt32.max) else { throw .malformed("type head", "type number \(number)") }
        self.number = UInt32(number)
        last = try reader.readVarint("type head")
    }
}

/// A tag's entry: its last position and the last position per event type (by number,
/// ascending). Positions are stored as distances back from `last`: shorter varints.
struct TagHead: Equatable {
    var last: Position = 0
    var byType: [(number: UInt32, position: Position)] = []

    static func == (a: TagHead, b: TagHead) -> Bool {
        a.last == b.last && a.byType.elementsEqual(b.byType) { $0.number == $1.number && $0.position == $1.position }
    }

    /// Raises the head of type `number` to `position` (entries stay sorted by number).
    mutating func record(number: UInt32, position: Position) {
        last = max(last, position)
        let index = byType.partitioningIndex { $0.number >= number }
        if index < byType.count && byType[index].number == number {
            byType[index].position = max(byType[index].position, position)
        } else {
            byType.insert((number, position), at: index)
        }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 4 + byType.count * 5)
        writer.writeVarint(last)
        for (number, position) in byType {
            writer.writeVarint(UInt64(number))
            writer.writeVarint(last - position)
        }
        return writer.bytes
    }

    init() {}

    init(decoding raw: UnsafeRawBufferPointer) throws(RecordDecodingError) {
        var reader = ByteReader(raw)
        last = try reader.readVarint("tag head")
        while !reader.isAtEnd {
            let number = try reader.readVarint("type number")
            let back = try reader.readVarint("tag head per type")
            guard number <= UInt64(UInt32.max), back <= last, byType.last.map({ UInt64($0.number) < number }) ?? true else {
                throw .malformed("tag head", "type \(number) out of order or position out of range")
            }
            byType.append((UInt32(number), last - back))
        }
    }
}

extension Transaction {
    /// The type table: type names by number, from the `0x03` entries of `heads`.
    func typeTable(_ heads: MDB_dbi) throws -> [String] {
        var names: [String?] = []
        try withCursor(heads) { cursor in
            var entry = try cursor.seek(atLeast: [HeadKind.type.rawValue])
            while let (key, value) = entry, key.first == HeadKind.type.rawValue {
                let number = Int(try TypeHead(decoding: value).number)
                // Dense numbers: anything else means the entries were changed.
                guard number < 1 << 20 else { throw RecordDecodingError.malformed("type head", "type number \(number)") }
                if number >= names.count { names += Array(repeating: nil, count: number + 1 - names.count) }
                guard names[number] == nil else { throw RecordDecodingError.malformed("type head", "type number \(number) used twice") }
                names[number] = String(decoding: key.dropFirst(), as: UTF8.self)
                entry = try cursor.next()
            }
        }
        return try names.enumerated().map { number, name in
            guard let name else { throw RecordDecodingError.malformed("type head", "type number \(number) missing") }
            return name
        }
    }
}

extension Transaction {
    /// Calls `body` with every entry of `heads`, decoded as far as its kind and name, and
    /// the type table that tag entries refer to by number.
    func forEachHead(_ heads: MDB_dbi, _ body: (HeadKind, String, UnsafeRawBufferPointer, [String]) throws -> Void) throws {
        let typeNames = try typeTable(heads)
        try withCursor(heads) { cursor in
            var entry = try cursor.first()
            while let (key, value) = entry {
                let (kind, name) = try HeadKey.parse(key)
                try body(kind, name, value, typeNames)
                entry = try cursor.next()
            }
        }
    }
}
