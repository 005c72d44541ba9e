/// Builds keys for read-model databases from parts, so that keys sort the way reads want
/// to page through them: strings end with a 0x00 byte (so "t1" sorts before "t10" and a
/// prefix of parts selects exactly its entries) and numbers are big-endian.
///
/// Strings must not contain NUL; the domain's ids and names never do (EventLog refuses
/// NUL in names, and ids are checked by the domain).
public struct ModelKey: Sendable, Hashable {
    public private(set) var bytes: [UInt8]

    /// A key (or key prefix) starting with the name of a key space, such as "feed".
    public init(_ space: String) {
        bytes = []
        bytes.reserveCapacity(48)
        append(space)
    }

    // Consuming: in a chain such as `ModelKey("member").with(a).with(b)` each step takes
    // over the buffer of the one before and appends in place (capacity is reserved up
    // front), so building a key costs one allocation instead of one per part.

    public consuming func with(_ part: String) -> ModelKey {
        var key = self
        key.append(part)
        return key
    }

    public consuming func with(_ number: UInt64) -> ModelKey {
        var key = self
        withUnsafeBytes(of: number.bigEndian) { key.bytes.append(contentsOf: $0) }
        return key
    }

    /// Numbers that should sort newest first (e.g. positions in a feed) are stored inverted.
    public consuming func with(descending number: UInt64) -> ModelKey {
        with(UInt64.max - number)
    }

    private mutating func append(_ part: String) {
        bytes.append(contentsOf: part.utf8)
        bytes.append(0)
    }

    /// Reads the big-endian number at `offset` of a stored key.
    public static func number(in key: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        guard offset >= 0, key.count >= offset + 8 else { return nil }
        var value: UInt64 = 0
        for i in offset..<(offset + 8) { value = value << 8 | UInt64(key[i]) }
        return value
    }
}
