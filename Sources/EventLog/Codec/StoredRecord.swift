/// The value stored under a position in `events`:
/// `u8 format(1) · varint dictionary id (0 = none) · chain[8] · varint stream version · zstd frame of the body`,
/// the frame without its 4-byte magic number (see `zstdFrameMagic`).
/// The 8-byte chain prefix lets `verify` name the exact first position whose history
/// was changed; the full 32-byte head of the chain lives in `meta`.
enum StoredRecord {
    static let format: UInt8 = 1
    static let chainPrefixLength = 8

    struct Parsed {
        var dictionaryID: UInt32
        var chainPrefix: UnsafeRawBufferPointer
        var streamVersion: UInt64
        var frame: UnsafeRawBufferPointer
    }

    static func parse(_ value: UnsafeRawBufferPointer) throws(RecordDecodingError) -> Parsed {
        var r = ByteReader(value)
        let format = try r.readByte("record format")
        guard format == Self.format else { throw .unsupportedFormat(what: "stored record", version: format) }
        let dictionary = try r.readVarint("dictionary id")
        guard dictionary <= UInt64(UInt32.max) else { throw .malformed("dictionary id", "\(dictionary) out of range") }
        let chain = try r.readBytes(count: chainPrefixLength, "chain prefix")
        let version = try r.readVarint("stream version")
        // No stream reaches 2^63 events; a larger version is damage, and one an export
        // line could not carry back (JSON integers stop at Int64.max on import).
        guard version <= UInt64(Int64.max) else { throw .malformed("stream version", "\(version) out of range") }
        let frame = try r.readBytes(count: r.remaining, "compressed body")
        return Parsed(dictionaryID: UInt32(dictionary), chainPrefix: chain, streamVersion: version, frame: frame)
    }

    static func size(dictionaryID: UInt32, streamVersion: UInt64, frameCount: Int) -> Int {
        1 + varintLength(UInt64(dictionaryID)) + chainPrefixLength + varintLength(streamVersion) + frameCount
    }

    /// Writes the record into exactly `size(...)` bytes of `target` (LMDB reserved space).
    static func write(into target: UnsafeMutableRawBufferPointer, dictionaryID: UInt32, chain: [UInt8],
                      streamVersion: UInt64, frame: [UInt8]) {
        var offset = 0
        func put(_ byte: UInt8) { target[offset] = byte; offset += 1 }
        func putVarint(_ value: UInt64) {
            var v = value
            while v >= 0x80 { put(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
            put(UInt8(v))
        }
        put(format)
        putVarint(UInt64(dictionaryID))
        for i in 0..<chainPrefixLength { put(chain[i]) }
        putVarint(streamVersion)
        frame.withUnsafeBytes { target.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        precondition(offset + frame.count == target.count, "record size mismatch")
    }

    static func varintLength(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}
