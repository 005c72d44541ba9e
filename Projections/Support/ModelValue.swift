import EventLog
import ProjectionKit
import TribeDomain

/// A value stored in a read model, in a compact binary form (varints, length-prefixed
/// strings): models are read on every request and rewritten on every event, so neither
/// JSON nor Codable's overhead is welcome here. Fields added later go at the end and are
/// read only when bytes remain, so a model layout can grow without a rebuild; any other
/// change bumps the projection's version.
public protocol ModelValue: ModelEncodable {
    func encode(into writer: inout ByteWriter)
    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Self
}

extension ModelValue {
    public var modelBytes: [UInt8] {
        var writer = ByteWriter(capacity: 64)
        encode(into: &writer)
        return writer.bytes
    }

    public func encodedModelBytes() -> [UInt8] { modelBytes }

    public func encodeModel(into writer: inout ByteWriter) { encode(into: &writer) }

    public static func decode(modelBytes bytes: [UInt8], key: ModelKey) throws -> Self {
        try bytes.withUnsafeBytes { try decode(stored: $0) }
    }

    /// Decodes a stored value in place (in the memory map or a pending change).
    public static func decode(stored raw: UnsafeRawBufferPointer) throws -> Self {
        do {
            var reader = ByteReader(raw)
            return try decode(from: &reader)
        } catch {
            throw ProjectionError("a stored read-model value (\(Self.self)) does not decode: \(error); rebuild the read models with `tribelog rebuild`")
        }
    }
}

/// Values are kept decoded in the writer while a batch runs (see `ModelWriter.putValue`):
/// a key changed by many events of a batch is decoded and encoded once, not per event.
extension ModelWriter {
    public func get<V: ModelValue>(_ key: ModelKey, as type: V.Type = V.self) throws -> V? {
        try value(key, decode: V.decode(stored:))
    }

    public func put<V: ModelValue>(_ key: ModelKey, _ value: V) {
        putValue(key, value)
    }

    /// Reads, changes and writes back one value (starting from `initial` when absent).
    public func update<V: ModelValue>(_ key: ModelKey, default initial: @autoclosure () -> V, _ change: (inout V) throws -> Void) throws {
        try modifyValue(key, decode: V.decode(stored:), default: initial, change)
    }
}

extension ModelReader {
    public func get<V: ModelValue>(_ key: ModelKey, as type: V.Type = V.self) throws -> V? {
        try get(key).map { try V.decode(modelBytes: $0, key: key) }
    }
}

extension String: ModelValue {
    public func encode(into writer: inout ByteWriter) { writer.writeString(self) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> String { try reader.readString() }
}

extension UInt64: ModelValue {
    public func encode(into writer: inout ByteWriter) { writer.writeVarint(self) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> UInt64 { try reader.readVarint() }
}

extension Int64: ModelValue {
    public func encode(into writer: inout ByteWriter) { writer.writeSignedVarint(self) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Int64 { try reader.readSignedVarint() }
}

extension Bool: ModelValue {
    public func encode(into writer: inout ByteWriter) { writer.write(self ? 1 : 0) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Bool { try reader.readByte() != 0 }
}

extension Timestamp: ModelValue {
    public func encode(into writer: inout ByteWriter) { writer.writeSignedVarint(microseconds) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Timestamp {
        Timestamp(microseconds: try reader.readSignedVarint())
    }
}

extension Identifier: ModelValue {
    public func encode(into writer: inout ByteWriter) { writer.writeString(rawValue) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Identifier<Kind> {
        let raw = try reader.readString()
        do { return try Identifier(raw) } catch { throw .malformed("identifier", "\"\(raw)\" is not a valid \(Kind.name) id") }
    }
}

extension Array: ModelEncodable where Element: ModelValue {}
extension Set: ModelEncodable where Element: ModelValue & Comparable {}
extension Optional: ModelEncodable where Wrapped: ModelValue {}

extension Array: ModelValue where Element: ModelValue {
    public func encode(into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(count))
        for element in self { element.encode(into: &writer) }
    }

    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> [Element] {
        let count = try reader.readVarint("count")
        // Each element takes at least one byte: a damaged count cannot make us reserve gigabytes.
        guard count <= UInt64(reader.remaining) else { throw .malformed("count", "\(count) elements in \(reader.remaining) bytes") }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count { elements.append(try Element.decode(from: &reader)) }
        return elements
    }
}

extension Set: ModelValue where Element: ModelValue & Comparable {
    /// Sorted, so the same set always gives the same bytes (rebuilt models compare equal).
    public func encode(into writer: inout ByteWriter) { sorted().encode(into: &writer) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Set<Element> {
        Set(try [Element].decode(from: &reader))
    }
}

extension Optional: ModelValue where Wrapped: ModelValue {
    public func encode(into writer: inout ByteWriter) {
        switch self {
        case .none: writer.write(0)
        case .some(let value):
            writer.write(1)
            value.encode(into: &writer)
        }
    }

    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Wrapped? {
        try reader.readByte("optional flag") == 0 ? nil : try Wrapped.decode(from: &reader)
    }
}
