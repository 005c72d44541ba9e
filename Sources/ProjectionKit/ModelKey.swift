/// Builds keys for read-model databases from parts, so that keys sort the way reads want
/// to page through them: strings end with a 0x00 byte (so "t1" sorts before "t10" and a
/// prefix of parts selects exactly its entries) and numbers are big-endian.
///
/// Strings must not contain NUL; the domain's ids and names never do (EventLog refuses
/// NUL in names, and ids are checked by the domain).
///
/// A key of up to 64 bytes (nearly all of them) is held inline, so building one allocates
/// nothing: projections build a key for every read and write of a rebuild.
public struct ModelKey: Sendable, Hashable {
    private typealias Inline = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    private static let inlineCapacity = MemoryLayout<Inline>.size

    private var inline: Inline = (0, 0, 0, 0, 0, 0, 0, 0)
    private var inlineCount = 0
    /// The whole key once it outgrew the inline bytes.
    private var spilled: [UInt8]?

    /// A key (or key prefix) starting with the name of a key space, such as "feed".
    public init(_ space: String) {
        append(space)
    }

    /// The key's bytes (a copy: `withUnsafeBytes` reads them in place).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lets `body` read the key's bytes in place.
    @inlinable
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try withBytes(body)
    }

    @usableFromInline
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let spilled { return try spilled.withUnsafeBytes(body) }
        return try Swift.withUnsafeBytes(of: inline) { try body(UnsafeRawBufferPointer(rebasing: $0.prefix(inlineCount))) }
    }

    // Consuming: in a chain such as `ModelKey("member").with(a).with(b)` each step takes
    // over the key of the one before and appends in place.

    public consuming func with(_ part: String) -> ModelKey {
        var key = self
        key.append(part)
        return key
    }

    public consuming func with(_ number: UInt64) -> ModelKey {
        var key = self
        Swift.withUnsafeBytes(of: number.bigEndian) { key.append($0) }
        return key
    }

    /// Numbers that should sort newest first (e.g. positions in a feed) are stored inverted.
    public consuming func with(descending number: UInt64) -> ModelKey {
        with(UInt64.max - number)
    }

    private mutating func append(_ part: String) {
        var part = part
        part.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        Swift.withUnsafeBytes(of: UInt8(0)) { append($0) }
    }

    private mutating func append(_ part: UnsafeRawBufferPointer) {
        guard !part.isEmpty else { return }
        if spilled == nil, inlineCount + part.count <= Self.inlineCapacity {
            let offset = inlineCount
            Swift.withUnsafeMutableBytes(of: &inline) { $0.baseAddress!.advanced(by: offset).copyMemory(from: part.baseAddress!, byteCount: part.count) }
            inlineCount += part.count
            return
        }
        if spilled == nil { spilled = bytes }
        spilled!.append(contentsOf: part)
    }

    public static func == (lhs: ModelKey, rhs: ModelKey) -> Bool {
        lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.elementsEqual(r) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Reads the big-endian number at `offset` of a stored key.
    public static func number(in key: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        guard offset >= 0, key.count >= offset + 8 else { return nil }
        var value: UInt64 = 0
        for i in offset..<(offset + 8) { value = value << 8 | UInt64(key[i]) }
        return value
    }
}
