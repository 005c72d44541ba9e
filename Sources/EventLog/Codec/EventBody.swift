import Foundation

/// The canonical binary envelope of an event: everything about it except its position
/// and stream version, which the serial writer assigns. Its bytes are what the hash
/// chain digests and what zstd compresses.
///
/// Layout (version 1):
/// `u8 1 · uuid[16] · str stream · str type · varint n · str tag × n · i64be time_us ·
///  str actor · str correlation · str causation · bytes payload · varint k · (varint tag · bytes) × k`
/// The trailing tagged fields are how later versions add fields: a reader skips tags it
/// does not know, so adding a field never breaks old readers or old records.
enum EventBody {
    static let version: UInt8 = 1

    static func encode(id: UUID, stream: String, event: NewEvent, recordedAt: Timestamp) -> [UInt8] {
        var w = ByteWriter(capacity: 96 + stream.utf8.count + event.type.utf8.count + event.payload.count
                           + event.tags.reduce(0) { $0 + $1.utf8.count + 1 })
        w.write(version)
        withUnsafeBytes(of: id.uuid) { w.write(contentsOf: $0) }
        w.writeString(stream)
        w.writeString(event.type)
        w.writeVarint(UInt64(event.tags.count))
        for tag in event.tags { w.writeString(tag) }
        w.writeBigEndian(UInt64(bitPattern: recordedAt.microseconds))
        w.writeString(event.metadata.actor)
        w.writeString(event.metadata.correlationID)
        w.writeString(event.metadata.causationID)
        w.writeLengthPrefixed(event.payload)
        w.writeVarint(0)  // no extension fields in version 1
        return w.bytes
    }

    /// Decodes a whole body. `position` and `streamVersion` come from the record.
    static func decode(_ bytes: UnsafeRawBufferPointer, position: Position, streamVersion: UInt64) throws(RecordDecodingError) -> RecordedEvent {
        var r = ByteReader(bytes)
        let header = try decodeHeader(&r)
        let time = Int64(bitPattern: try r.readBigEndianUInt64("recorded time"))
        let actor = try r.readString("actor")
        let correlation = try r.readString("correlation id")
        let causation = try r.readString("causation id")
        let payload = Array(try r.readLengthPrefixed("payload"))
        try skipExtensions(&r)
        return RecordedEvent(
            position: position, id: header.id, stream: header.stream, streamVersion: streamVersion,
            type: header.type, tags: header.tags, recordedAt: Timestamp(microseconds: time),
            metadata: EventMetadata(actor: actor, correlationID: correlation, causationID: causation),
            payload: payload)
    }

    struct Header {
        var id: UUID
        var stream: String
        var type: String
        var tags: [String]
    }

    /// Just what the indexer needs; the payload is not copied.
    static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> Header {
        var r = ByteReader(bytes)
        return try decodeHeader(&r)
    }

    private static func decodeHeader(_ r: inout ByteReader) throws(RecordDecodingError) -> Header {
        let v = try r.readByte("envelope version")
        guard v == version else { throw .unsupportedFormat(what: "event envelope", version: v) }
        let raw = try r.readBytes(count: 16, "event id")
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: raw) }
        let stream = try r.readString("stream")
        let type = try r.readString("event type")
        let tagCount = try r.readVarint("tag count")
        guard tagCount <= UInt64(r.remaining) else { throw .malformed("tag count", "\(tagCount) tags in \(r.remaining) bytes") }
        var tags: [String] = []
        tags.reserveCapacity(Int(tagCount))
        for _ in 0..<tagCount { tags.append(try r.readString("tag")) }
        return Header(id: UUID(uuid: uuid), stream: stream, type: type, tags: tags)
    }

    private static func skipExtensions(_ r: inout ByteReader) throws(RecordDecodingError) {
        let count = try r.readVarint("extension count")
        for _ in 0..<count {
            _ = try r.readVarint("extension tag")
            _ = try r.readLengthPrefixed("extension field")
        }
        guard r.isAtEnd else { throw .malformed("event envelope", "\(r.remaining) unexpected trailing bytes") }
    }
}
