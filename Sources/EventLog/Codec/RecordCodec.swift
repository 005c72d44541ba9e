import Crypto
import Dispatch
import Foundation
import Synchronization

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

extension PreparedEvent {
    static let placeholder = PreparedEvent(id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), type: "", tags: [],
                                           digest: SHA256.hash(data: [UInt8]()), frame: [], dictionaryID: 0)
}

/// Hands a buffer's base address to the parallel workers, each of which writes only its
/// own disjoint range.
struct UnsafeSendable<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}

/// Turns events into stored records and back, with the log's dictionaries.
final class RecordCodec: Sendable {
    let dictionaries: DictionaryRegistry
    private let compressors = Pool { ZstdCompressor() }
    private let decompressors = Pool { ZstdDecompressor() }

    init(dictionaries: DictionaryRegistry) {
        self.dictionaries = dictionaries
    }

    /// Prepares a whole append; large ones are split over the cores, since encoding,
    /// compressing and digesting dominate the cost of a batched append.
    func prepare(_ events: [NewEvent], stream: String, now: Timestamp) throws -> [PreparedEvent] {
        let parts = events.count >= 256 ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        if parts <= 1 {
            return try events.map { try prepare($0, stream: stream, recordedAt: $0.recordedAt ?? now) }
        }
        let failure = Mutex<(any Error)?>(nil)
        let prepared = [PreparedEvent](unsafeUninitializedCapacity: events.count) { buffer, count in
            let base = UnsafeSendable(buffer.baseAddress!)
            let chunk = (events.count + parts - 1) / parts
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = part * chunk..<min(events.count, (part + 1) * chunk)
                for index in range {
                    do {
                        let event = events[index]
                        (base.pointer + index).initialize(to: try prepare(event, stream: stream, recordedAt: event.recordedAt ?? now))
                    } catch {
                        // Keep the slot initialised so the buffer can be released whole.
                        failure.withLock { $0 = $0 ?? error }
                        (base.pointer + index).initialize(to: PreparedEvent.placeholder)
                    }
                }
            }
            count = events.count
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return prepared
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

    /// Decodes a run of records with one pooled context, so the pool's lock and the
    /// dictionary lookup are paid once per run (and per change of dictionary), not once
    /// per event: readers decode thousands of records per call.
    func withDecoder<T>(_ body: (inout RecordDecoder) throws -> T) rethrows -> T {
        try decompressors.with { zstd in
            var decoder = RecordDecoder(dictionaries: dictionaries, zstd: zstd)
            return try body(&decoder)
        }
    }

    /// Decompresses the record's body and hands its bytes to `body` (valid only inside).
    func withBody<T>(of record: StoredRecord.Parsed, position: Position,
                     _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try withDecoder { try $0.withBody(of: record, position: position, body) }
    }

    func decode(_ value: UnsafeRawBufferPointer, position: Position) throws -> RecordedEvent {
        try withDecoder { try $0.decode(value, position: position) }
    }

    func decodeHeader(_ value: UnsafeRawBufferPointer, position: Position) throws -> (header: EventBody.Header, streamVersion: UInt64) {
        try withDecoder { try $0.decodeHeader(value, position: position) }
    }
}

/// Decodes records one after the other on one thread (see `RecordCodec.withDecoder`).
struct RecordDecoder {
    let dictionaries: DictionaryRegistry
    let zstd: ZstdDecompressor
    /// The dictionary of the previous record: consecutive records almost always share one.
    private var dictionaryID: UInt32 = 0
    private var dictionary: CompressionDictionary?

    init(dictionaries: DictionaryRegistry, zstd: ZstdDecompressor) {
        self.dictionaries = dictionaries
        self.zstd = zstd
    }

    mutating func decode(_ value: UnsafeRawBufferPointer, position: Position) throws -> RecordedEvent {
        let record = try StoredRecord.parse(value)
        return try withBody(of: record, position: position) { body in
            try EventBody.decode(body, position: position, streamVersion: record.streamVersion)
        }
    }

    mutating func decodeHeader(_ value: UnsafeRawBufferPointer, position: Position) throws -> (header: EventBody.Header, streamVersion: UInt64) {
        let record = try StoredRecord.parse(value)
        let header = try withBody(of: record, position: position) { try EventBody.decodeHeader($0) }
        return (header, record.streamVersion)
    }

    /// Decompresses the record's body and hands its bytes to `body` (valid only inside).
    mutating func withBody<T>(of record: StoredRecord.Parsed, position: Position,
                              _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        if record.dictionaryID != dictionaryID {
            let found = record.dictionaryID == 0 ? nil : dictionaries.dictionary(record.dictionaryID)
            guard record.dictionaryID == 0 || found != nil else {
                throw RecordDecodingError.malformed("dictionary id", "record \(position) names dictionary \(record.dictionaryID), which the log does not have")
            }
            dictionary = found
            dictionaryID = record.dictionaryID
        }
        return try body(try zstd.decompress(record.frame, dictionary: dictionary))
    }
}
