import Crypto
import Foundation

/// An event encoded, digested and compressed on the caller's task, before it joins the
/// writer's queue: the expensive work runs in parallel, the writer only chains and puts.
struct PreparedEvent: Sendable {
    let id: UUID
    let type: String
    let tags: [String]
    let digest: SHA256.Digest
    let frame: [UInt8]
    let dictionaryID: UInt32
}

/// Scratch state for decoding on one thread at a time.
final class DecodeContext {
    let zstd = ZstdDecompressor()
    var body: [UInt8] = []
}

/// Turns events into stored records and back, with the log's dictionaries.
final class RecordCodec: Sendable {
    let dictionaries: DictionaryRegistry
    private let compressors = Pool { ZstdCompressor(level: 3) }
    private let decoders = Pool { DecodeContext() }

    init(dictionaries: DictionaryRegistry) {
        self.dictionaries = dictionaries
    }

    func prepare(_ event: NewEvent, stream: String, recordedAt: Timestamp) throws -> PreparedEvent {
        let body = EventBody.encode(id: event.id, stream: stream, event: event, recordedAt: recordedAt)
        let dictionary = dictionaries.current
        var frame: [UInt8] = []
        try body.withUnsafeBytes { raw in
            try compressors.with { try $0.compress(raw, dictionary: dictionary, appendingTo: &frame) }
        }
        let digest = body.withUnsafeBytes { HashChain.digest(body: $0) }
        return PreparedEvent(id: event.id, type: event.type, tags: event.tags, digest: digest,
                             frame: frame, dictionaryID: dictionary?.id ?? 0)
    }

    /// Decompresses the record's body and hands its bytes to `body` (valid only inside).
    func withBody<T>(of record: StoredRecord.Parsed, position: Position,
                     _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        var dictionary: CompressionDictionary?
        if record.dictionaryID != 0 {
            dictionary = dictionaries.dictionary(record.dictionaryID)
            guard dictionary != nil else {
                throw RecordDecodingError.malformed("dictionary id", "record \(position) names dictionary \(record.dictionaryID), which the log does not have")
            }
        }
        return try decoders.with { context in
            try context.zstd.decompress(record.frame, dictionary: dictionary, into: &context.body)
            return try context.body.withUnsafeBytes(body)
        }
    }

    func decode(_ value: UnsafeRawBufferPointer, position: Position) throws -> RecordedEvent {
        let record = try StoredRecord.parse(value)
        return try withBody(of: record, position: position) { body in
            try EventBody.decode(body, position: position, streamVersion: record.streamVersion)
        }
    }

    func decodeHeader(_ value: UnsafeRawBufferPointer, position: Position) throws -> (header: EventBody.Header, streamVersion: UInt64) {
        let record = try StoredRecord.parse(value)
        let header = try withBody(of: record, position: position) { try EventBody.decodeHeader($0) }
        return (header, record.streamVersion)
    }
}
