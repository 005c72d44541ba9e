import Foundation

/// The canonical binary envelope of an event: everything about it except its position
/// and stream version, which the serial writer assigns. Its bytes are what the hash
/// chain digests and what zstd compresses.
///
/// Layout (version 1):
/// `u8 1 · uuid[16] · str stream · str type · varint n · str tag × n · i64be time_us ·
///  cstr actor · cstr correlation · cstr causation · bytes payload · varint k · (varint tag · bytes) × k`
/// where `str` is a varint length and UTF-8, and `cstr` a `CompactString`: UUID texts take
/// 16 bytes and a repeat of an earlier field (actor = a tag, causation = correlation) one.
/// The trailing tagged fields are how later versions add fields: a reader skips tags it
/// does not know, so adding a field never breaks old readers or old records.
package enum EventBody {
    package static let version: UInt8 = 1

    package static func encode(id: UUID, stream: String, event: NewEvent, recordedAt: Timestamp) -> [UInt8] {
        var w = ByteWriter(capacity: 96 + stream.utf8.count + event.type.utf8.count + event.payload.count
                           + event.tags.reduce(0) { $0 + $1.utf8.count + 1 })
        w.write(version)
        withUnsafeBytes(of: id.uuid) { w.write(contentsOf: $0) }
        w.writeString(stream)
        w.writeString(event.type)
        w.writeVarint(UInt64(event.tags.count))
        for tag in event.tags { w.writeString(tag) }
        w.writeBigEndian(UInt64(bitPattern: recordedAt.microseconds))
        let (type, tags, actor, correlation) = (event.type, event.tags, event.metadata.actor, event.metadata.correlationID)
        CompactString.write(actor, stream: stream, type: type, tags: tags, into: &w)
        CompactString.write(correlation, stream: stream, type: type, tags: tags, actor: actor, into: &w)
        CompactString.write(event.metadata.causationID, stream: stream, type: type, tags: tags, actor: actor,
                            correlation: correlation, into: &w)
        w.writeLengthPrefixed(event.payload)
        w.writeVarint(0)  // no extension fields in version 1
        return w.bytes
    }

    /// Decodes a whole body. `position` and `streamVersion` come from the record.
    ///
    /// Every field is a local moved into the event at the end; a `Header` in between
    /// would cost a retain and a release per name of every event a scan reads.
    package static func decode(_ bytes: UnsafeRawBufferPointer, position: Position, streamVersion: UInt64) throws(RecordDecodingError) -> RecordedEvent {
        var r = ByteReader(bytes)
        let (id, stream, type, tags) = try readHeader(&r)
        let time = Int64(bitPattern: try r.readBigEndianUInt64("recorded time"))
        let actor = try CompactString.read(&r, stream: stream, type: type, tags: tags, "actor").string
        let correlation = try CompactString.read(&r, stream: stream, type: type, tags: tags, actor: actor, "correlation id")
        let causation = try CompactString.read(&r, stream: stream, type: type, tags: tags, actor: actor,
                                               correlation: correlation, "causation id")
        let raw = try r.readLengthPrefixed("payload")
        let payload = [UInt8](unsafeUninitializedCapacity: raw.count) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            count = raw.count
        }
        try skipExtensions(&r)
        return RecordedEvent(
            position: position, id: id, stream: stream, streamVersion: streamVersion, type: type, tags: tags,
            recordedAt: Timestamp(microseconds: time),
            metadata: EventMetadata(actor: actor, correlation: correlation, causation: causation), payload: payload)
    }

    package struct Header {
        package var id: UUID
        package var stream: String
        package var type: String
        package var tags: [String]
    }

    /// Just what the indexer needs; the payload is not copied.
    package static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> Header {
        var r = ByteReader(bytes)
        let (id, stream, type, tags) = try readHeader(&r)
        return Header(id: id, stream: stream, type: type, tags: tags)
    }

    private static func readHeader(_ r: inout ByteReader) throws(RecordDecodingError) -> (UUID, String, String, [String]) {
        let v = try r.readByte("envelope version")
        guard v == version else { throw .unsupportedFormat(what: "event envelope", version: v) }
        let id = UUID(uuid: try r.readBytes(count: 16, "event id").loadUnaligned(as: uuid_t.self))
        let stream = try r.readString("stream")
        let type = try r.readString("event type")
        let tagCount = try r.readVarint("tag count")
        guard tagCount <= UInt64(r.remaining) else { throw .malformed("tag count", "\(tagCount) tags in \(r.remaining) bytes") }
        var tags: [String] = []
        tags.reserveCapacity(Int(tagCount))
        for _ in 0..<tagCount { tags.append(try r.readString("tag")) }
        return (id, stream, type, tags)
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
