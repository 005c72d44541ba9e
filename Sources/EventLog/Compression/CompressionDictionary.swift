import CZstd

/// A trained dictionary with its prepared `ZSTD_CDict` and `ZSTD_DDict`.
///
/// Preparing a dictionary costs far more than compressing one event with it, so this is
/// done once per dictionary and the result shared by every compressor and decompressor.
/// libzstd documents both prepared forms as read-only after creation and safe to use from
/// many threads at once; nothing here mutates after `init`, hence `@unchecked Sendable`.
public final class CompressionDictionary: @unchecked Sendable {
    /// Tribelog's own id (1, 2, ...), stored beside each record. It is NOT zstd's dictID:
    /// frames are written without one, and this id is what picks the dictionary on read.
    public let id: UInt32
    public let bytes: [UInt8]
    /// The compression level is baked into the prepared CDict; a compressor that
    /// references it uses this level, not its own.
    public let level: Int32

    let cdict: OpaquePointer
    let ddict: OpaquePointer

    public init(id: UInt32, bytes: [UInt8], level: Int32 = recordCompressionLevel) throws(ZstdError) {
        guard !bytes.isEmpty else {
            throw ZstdError(
                operation: "ZSTD_createCDict", code: 0,
                description: "compression dictionary \(id) is empty: the dictionary record is damaged; "
                    + "run `tribelog verify` to find where")
        }
        // Both constructors copy the bytes, so the prepared forms do not borrow `bytes`.
        let cdict = bytes.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) }
        guard let cdict else { throw Self.rejected(id, bytes.count, "ZSTD_createCDict") }
        let ddict = bytes.withUnsafeBytes { ZSTD_createDDict($0.baseAddress, $0.count) }
        guard let ddict else {
            ZSTD_freeCDict(cdict)
            throw Self.rejected(id, bytes.count, "ZSTD_createDDict")
        }
        self.id = id
        self.bytes = bytes
        self.level = level
        self.cdict = cdict
        self.ddict = ddict
    }

    deinit {
        ZSTD_freeCDict(cdict)
        ZSTD_freeDDict(ddict)
    }

    /// libzstd returns NULL without a reason: either the bytes start like a zstd
    /// dictionary but their tables are corrupt, or memory ran out.
    private static func rejected(_ id: UInt32, _ count: Int, _ operation: String) -> ZstdError {
        ZstdError(
            operation: operation, code: 0,
            description: "libzstd rejected compression dictionary \(id) (\(count) bytes): the dictionary "
                + "record is damaged, or memory ran out; run `tribelog verify`, and retry with more free memory")
    }
}
