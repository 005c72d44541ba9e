/// An event's payload: a JSON-shaped value stored in a compact, self-describing
/// binary form. JSON is only a rendering for export and the API (see PayloadJSON.swift).
///
/// Objects keep their fields in the order they were written so that an imported
/// line exports byte-identically; keys within one object are unique.
public indirect enum PayloadValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([PayloadValue])
    case object([PayloadField])
}

public struct PayloadField: Sendable, Hashable {
    public var key: String
    public var value: PayloadValue

    public init(key: String, value: PayloadValue) {
        self.key = key
        self.value = value
    }
}

extension PayloadValue {
    /// Deepest container nesting that decoding and JSON parsing accept. Both recurse,
    /// so the bound keeps hostile input from exhausting the stack.
    public static let maxDepth = 64

    /// Looks a key up in an object; nil for a missing key or a value that is not an object.
    /// Linear, because payload objects are small and ordered rather than hashed.
    public subscript(key: String) -> PayloadValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first(where: { $0.key == key })?.value
    }

    /// Container nesting of this value: 0 for a scalar, 1 for `[]`, 2 for `[[]]`.
    public var depth: Int {
        switch self {
        case .array(let items): return 1 + (items.lazy.map(\.depth).max() ?? 0)
        case .object(let fields): return 1 + (fields.lazy.map(\.value.depth).max() ?? 0)
        default: return 0
        }
    }

    /// Whether `decode` and `parseJSON` would accept this value back: nesting within
    /// `maxDepth` and no duplicate keys. `encode` does not check (it is on the write hot
    /// path), so code that builds payloads by hand, rather than by parsing or decoding,
    /// must check this before storing one.
    public var isWellFormed: Bool { depth <= Self.maxDepth && keysAreUnique }

    private var keysAreUnique: Bool {
        switch self {
        case .array(let items):
            return items.allSatisfy(\.keysAreUnique)
        case .object(let fields):
            var keys = DuplicateKeyCheck()
            return fields.allSatisfy { keys.insert($0.key) && $0.value.keysAreUnique }
        default:
            return true
        }
    }
}

/// Finds a repeated key while an object is being read. Most payload objects have a
/// handful of fields, where scanning the earlier keys beats hashing; a set takes over
/// only for wide objects so that they do not become quadratic.
package struct DuplicateKeyCheck {
    private var keys: [String] = []
    private var set: Set<String>?

    /// Records `key`; false if it was already recorded.
    package mutating func insert(_ key: String) -> Bool {
        if set != nil { return set!.insert(key).inserted }
        if keys.contains(key) { return false }
        keys.append(key)
        if keys.count == 16 { set = Set(keys) }
        return true
    }
}

// MARK: - Binary format

/// One tag byte starts every value. The numbers are part of the on-disk format:
/// never renumber or reuse them. A reader meeting a tag it does not know stops with
/// an error naming the tag rather than guessing a length, so new tags can be added
/// after 7 and older readers fail clearly instead of misreading.
package enum PayloadTag: UInt8 {
    case null = 0
    case `false` = 1
    case `true` = 2
    case int = 3     // zig-zag varint
    case double = 4  // 8 bytes, big-endian IEEE 754 bit pattern (NaN payloads survive)
    case string = 5  // varint byte count, then UTF-8
    case array = 6   // varint element count, then the elements
    case object = 7  // varint field count, then (key as string without tag, value)*
}

extension PayloadValue {
    public func encode(into writer: inout ByteWriter) {
        switch self {
        case .null:
            writer.write(PayloadTag.null.rawValue)
        case .bool(let flag):
            writer.write(flag ? PayloadTag.true.rawValue : PayloadTag.false.rawValue)
        case .int(let number):
            writer.write(PayloadTag.int.rawValue)
            writer.writeSignedVarint(number)
        case .double(let number):
            writer.write(PayloadTag.double.rawValue)
            writer.writeBigEndian(number.bitPattern)
        case .string(let text):
            writer.write(PayloadTag.string.rawValue)
            writer.writeString(text)
        case .array(let items):
            writer.write(PayloadTag.array.rawValue)
            writer.writeVarint(UInt64(items.count))
            for item in items { item.encode(into: &writer) }
        case .object(let fields):
            writer.write(PayloadTag.object.rawValue)
            writer.writeVarint(UInt64(fields.count))
            for field in fields {
                writer.writeString(field.key)
                field.value.encode(into: &writer)
            }
        }
    }

    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 64)
        encode(into: &writer)
        return writer.bytes
    }

    /// Reads one value at the reader's position and leaves the reader just past it,
    /// so a payload can be embedded in a larger record.
    public static func decode(_ reader: inout ByteReader) throws(RecordDecodingError) -> PayloadValue {
        try decode(&reader, depth: 0)
    }

    /// Decodes a buffer that holds exactly one value; trailing bytes mean the record
    /// boundaries are wrong, so they are an error rather than ignored.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> PayloadValue {
        var reader = ByteReader(bytes)
        let value = try decode(&reader, depth: 0)
        guard reader.isAtEnd else {
            throw .malformed("payload value", "\(reader.remaining) unexpected bytes after the value at byte \(reader.offset)")
        }
        return value
    }

    private static func decode(_ reader: inout ByteReader, depth: Int) throws(RecordDecodingError) -> PayloadValue {
        let tagOffset = reader.offset
        let rawTag = try reader.readByte("payload value tag")
        guard let tag = PayloadTag(rawValue: rawTag) else {
            throw .malformed(
                "payload value",
                "unknown value tag \(rawTag) at byte \(tagOffset); it may have been written by a newer tribelog")
        }
        switch tag {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .int: return .int(try reader.readSignedVarint("payload integer"))
        case .double: return .double(Double(bitPattern: try reader.readBigEndianUInt64("payload double")))
        case .string: return .string(try reader.readString("payload string"))
        case .array:
            guard depth < maxDepth else { throw tooDeep(at: tagOffset) }
            let count = try reader.readVarint("payload array count")
            // Every element takes at least its tag byte, so a larger count is damage;
            // checking first keeps a corrupt count from reserving gigabytes.
            guard count <= UInt64(reader.remaining) else { throw .truncated("payload array") }
            var items: [PayloadValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count { items.append(try decode(&reader, depth: depth + 1)) }
            return .array(items)
        case .object:
            guard depth < maxDepth else { throw tooDeep(at: tagOffset) }
            let count = try reader.readVarint("payload object count")
            // A field is at least a key length byte and a value tag byte.
            guard count <= UInt64(reader.remaining / 2) else { throw .truncated("payload object") }
            var fields: [PayloadField] = []
            fields.reserveCapacity(Int(count))
            var keys = DuplicateKeyCheck()
            for _ in 0..<count {
                let keyOffset = reader.offset
                let key = try reader.readString("payload object key")
                guard keys.insert(key) else {
                    throw .malformed("payload object", "duplicate key \"\(key)\" at byte \(keyOffset)")
                }
                fields.append(PayloadField(key: key, value: try decode(&reader, depth: depth + 1)))
            }
            return .object(fields)
        }
    }

    private static func tooDeep(at offset: Int) -> RecordDecodingError {
        .malformed("payload value", "containers nested deeper than \(maxDepth) at byte \(offset)")
    }
}
