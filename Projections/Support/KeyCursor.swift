import ProjectionKit

/// Reads the parts of a stored key back, in the order `ModelKey` wrote them. Scans hand
/// out raw keys; the ids a read model lists live in its keys, so values can stay empty.
struct KeyCursor {
    private let key: UnsafeRawBufferPointer
    private var offset: Int

    /// A cursor placed just after `prefix` (a scan's prefix is the start of every key it yields).
    init(_ key: UnsafeRawBufferPointer, after prefix: ModelKey) {
        self.key = key
        self.offset = prefix.bytes.count
    }

    /// The next string part (up to its 0x00 terminator); nil when the key ends first.
    mutating func string() -> String? {
        guard let end = key[offset...].firstIndex(of: 0) else { return nil }
        let part = String(decoding: UnsafeRawBufferPointer(rebasing: key[offset..<end]), as: UTF8.self)
        offset = end + 1
        return part
    }

    /// The next big-endian number part; nil when fewer than 8 bytes remain.
    mutating func number() -> UInt64? {
        guard let value = ModelKey.number(in: key, at: offset) else { return nil }
        offset += 8
        return value
    }
}

extension ModelReader {
    /// The first string part after `prefix` of every key under it, in key order: the
    /// members of a set kept as one key per element.
    func keyStrings(under prefix: ModelKey) throws -> [String] {
        var found: [String] = []
        try scan(prefix: prefix) { key, _ in
            var cursor = KeyCursor(key, after: prefix)
            if let part = cursor.string() { found.append(part) }
            return true
        }
        return found
    }
}

extension ModelReader {
    /// Every counter stored under `prefix` (a `UInt64` value per key), in key order, with a
    /// cursor placed after the prefix to read the rest of its key.
    func scanCounts(under prefix: ModelKey, _ body: (inout KeyCursor, UInt64) throws -> Void) throws {
        try scan(prefix: prefix) { key, value in
            var cursor = KeyCursor(key, after: prefix)
            try body(&cursor, try UInt64.decode(modelBytes: Array(value), key: prefix))
            return true
        }
    }
}
