/// Reads what `ByteWriter` wrote from a borrowed buffer, never past its end.
/// Every failure is a `RecordDecodingError` naming what was being read.
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset >= buffer.count }

    public mutating func readByte(_ what: StaticString = "byte") throws(RecordDecodingError) -> UInt8 {
        guard offset < buffer.count else { throw .truncated(what) }
        defer { offset += 1 }
        return buffer[offset]
    }

    /// Inlined for the one-byte case: lengths and counts are nearly always below 128,
    /// and a scan reads a dozen of them per event.
    @inline(__always)
    public mutating func readVarint(_ what: StaticString = "varint") throws(RecordDecodingError) -> UInt64 {
        if offset < buffer.count, buffer[offset] < 0x80 {
            defer { offset += 1 }
            return UInt64(buffer[offset])
        }
        return try readLongVarint(what)
    }

    private mutating func readLongVarint(_ what: StaticString) throws(RecordDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw .truncated(what) }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .malformed(what, "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformed(what, "varint longer than 10 bytes") }
        }
    }

    public mutating func readSignedVarint(_ what: StaticString = "signed varint") throws(RecordDecodingError) -> Int64 {
        let raw = try readVarint(what)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    public mutating func readBigEndianUInt64(_ what: StaticString = "uint64") throws(RecordDecodingError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(what) }
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(buffer[offset + i]) }
        offset += 8
        return value
    }

    public mutating func readBigEndianUInt32(_ what: StaticString = "uint32") throws(RecordDecodingError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(what) }
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(buffer[offset + i]) }
        offset += 4
        return value
    }

    /// A view into the buffer; valid only as long as the buffer is.
    @inline(__always)
    public mutating func readBytes(count: Int, _ what: StaticString = "bytes") throws(RecordDecodingError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw .truncated(what) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    public mutating func readLengthPrefixed(_ what: StaticString = "bytes") throws(RecordDecodingError) -> UnsafeRawBufferPointer {
        let count = try readVarint(what)
        guard count <= UInt64(remaining) else { throw .truncated(what) }
        return try readBytes(count: Int(count), what)
    }

    public mutating func readString(_ what: StaticString = "string") throws(RecordDecodingError) -> String {
        try Self.string(try readLengthPrefixed(what), what)
    }

    /// Damaged bytes are an error, never a crash nor a silently repaired string.
    ///
    /// `String(validating:as:)` is generic and reaches libswiftCore unspecialized, which
    /// cost a scan about a fifth of its speed; validating through `UTF8Span` runs the
    /// same check on the concrete type and costs about what the copy does.
    package static func string(_ raw: UnsafeRawBufferPointer, _ what: StaticString) throws(RecordDecodingError) -> String {
        let bytes = raw.bindMemory(to: UInt8.self)
        if #available(macOS 26.0, *) {
            guard let valid = try? UTF8Span(validating: bytes.span) else { throw .malformed(what, "not valid UTF-8") }
            return String(copying: valid)
        }
        guard let string = String(validating: bytes, as: UTF8.self) else { throw .malformed(what, "not valid UTF-8") }
        return string
    }
}

/// A stored structure could not be decoded: the bytes are damaged, or were written
/// by a newer Tribelog than this one.
public enum RecordDecodingError: Error, Equatable, CustomStringConvertible {
    case truncated(StaticString)
    case malformed(StaticString, String)
    case unsupportedFormat(what: StaticString, version: UInt8)

    public var description: String {
        switch self {
        case .truncated(let what):
            return "stored data ends in the middle of \(what): the record is damaged; run `tribelog verify` to find where"
        case .malformed(let what, let why):
            return "stored \(what) is malformed (\(why)): the record is damaged; run `tribelog verify` to find where"
        case .unsupportedFormat(let what, let version):
            return "\(what) has format version \(version), which this tribelog does not know: upgrade tribelog to read this data folder"
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
}
