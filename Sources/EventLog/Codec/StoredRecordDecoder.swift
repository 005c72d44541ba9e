import Foundation

/// Decodes values of the `events` database outside an open store: for tools that look at
/// raw records (`EventStore.storedRecord(at:)`, a copied or damaged record) and for the
/// fuzz targets under Fuzz/, which check that damaged or hostile bytes always end in an
/// error, never in a crash, as `tribelog verify` needs.
///
/// One per thread, like the decompressor it holds.
public struct StoredRecordDecoder {
    private var decoder: RecordDecoder

    /// `dictionaries` are the log's compression dictionaries (`EventStore.compressionDictionaries`);
    /// a record that names one not given fails to decode.
    public init(dictionaries: [CompressionDictionary]) {
        let registry = DictionaryRegistry()
        for dictionary in dictionaries { registry.install(dictionary) }
        decoder = RecordDecoder(dictionaries: registry, zstd: ZstdDecompressor())
    }

    /// The event that `record` holds, read as the record at `position`.
    public mutating func decode(_ record: UnsafeRawBufferPointer, position: Position) throws -> RecordedEvent {
        try decoder.decode(record, position: position)
    }

    /// The record's decompressed envelope: the bytes its hash chain digests.
    public mutating func body(of record: UnsafeRawBufferPointer, position: Position) throws -> [UInt8] {
        let parsed = try StoredRecord.parse(record)
        return try decoder.withBody(of: parsed, position: position) { Array($0) }
    }

    /// Decodes a decompressed envelope (see `body(of:position:)`).
    public static func decodeBody(_ body: UnsafeRawBufferPointer, position: Position,
                                  streamVersion: UInt64) throws(RecordDecodingError) -> RecordedEvent {
        try EventBody.decode(body, position: position, streamVersion: streamVersion)
    }
}

extension EventStore {
    /// Every compression dictionary the log holds, oldest first (for `StoredRecordDecoder`).
    public var compressionDictionaries: [CompressionDictionary] {
        (1..<codec.dictionaries.nextID).compactMap { codec.dictionaries.dictionary($0) }
    }
}

extension RecordedEvent {
    /// The event an imported export line stands for, at the position and stream version
    /// it names (or the given ones): what exporting it again renders.
    public init(imported: ImportedEvent, position: Position = 1, streamVersion: UInt64 = 1) {
        self.init(position: imported.position ?? position, id: imported.event.id, stream: imported.stream,
                  streamVersion: imported.version ?? streamVersion, type: imported.event.type, tags: imported.event.tags,
                  recordedAt: imported.event.recordedAt ?? Timestamp(microseconds: 0),
                  metadata: imported.event.metadata, payload: imported.event.payload)
    }
}
