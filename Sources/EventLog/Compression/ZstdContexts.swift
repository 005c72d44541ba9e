import CZstd
import Foundation

/// Every zstd frame starts with these 4 bytes (0xFD2FB528, little-endian). Stored frames
/// leave them out: at ~180 bytes a frame, 4 constant bytes are 2% of the log, and
/// libzstd's own magicless format is an experimental API that could change meaning.
let zstdFrameMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

/// The level records are compressed at, with or without a dictionary. Measured on the
/// bench's events (~440-byte bodies, 112 KiB dictionary): per event, level 3 took 1.8–2.0 µs
/// to 179–198 bytes, level 1 1.6 µs to 198–207, level −1 1.5 µs to 213–217, and decoding
/// level −1 frames took 0.40 µs against 0.46–0.59. Compression is the largest part of an
/// append's CPU, the log is far under its size target (0.43 × NDJSON at −1), and the
/// dictionary does most of the shrinking: −1 appends 13% faster in batches and scans faster.
/// Without a dictionary (a new log's first few thousand events) the gap is wider still:
/// 6.1 µs at level 3, 1.7 µs at −1. Frames of any level decode the same, so existing logs
/// are unaffected.
@usableFromInline let recordCompressionLevel: Int32 = -1

/// Compresses events one frame at a time, reusing one `ZSTD_CCtx`: creating a context
/// allocates hundreds of KiB, far more than the ~400-byte events it compresses.
///
/// One per thread: a context holds per-frame state, so it is deliberately not Sendable.
final class ZstdCompressor {
    private let cctx: OpaquePointer
    /// The dictionary the context references. Holding it keeps its CDict alive for as long
    /// as the context points at it, and lets a run of events with the same dictionary skip
    /// re-referencing it.
    private var referenced: CompressionDictionary?

    init(level: Int32 = recordCompressionLevel) {
        // Only fails when malloc does; the caller could not go on either way.
        guard let cctx = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx: out of memory") }
        self.cctx = cctx
        // The size is declared so decompression can allocate exactly once and reject an
        // oversized record before decoding it. The checksum and dictID would add up to 8
        // bytes to every ~400-byte event; the record layer stores our own dictionary id.
        // libzstd clamps the level and the flags are in range, so none of these can fail.
        do {
            try zstdCheck(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level), "ZSTD_c_compressionLevel")
            try zstdCheck(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1), "ZSTD_c_contentSizeFlag")
            try zstdCheck(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0), "ZSTD_c_checksumFlag")
            try zstdCheck(ZSTD_CCtx_setParameter(cctx, ZSTD_c_dictIDFlag, 0), "ZSTD_c_dictIDFlag")
        } catch {
            ZSTD_freeCCtx(cctx)
            preconditionFailure(error.description)
        }
    }

    deinit {
        ZSTD_freeCCtx(cctx)
    }

    /// Appends one zstd frame for `source` to `output` (never clears `output`), so a batch
    /// of records can be laid out in one buffer. The frame declares its content size and
    /// carries neither checksum nor dictID nor its magic number (`zstdFrameMagic`). With a
    /// dictionary, the level is the one the dictionary was prepared with.
    func compress(
        _ source: UnsafeRawBufferPointer, dictionary: CompressionDictionary?,
        appendingTo output: inout [UInt8]
    ) throws(ZstdError) {
        if dictionary !== referenced {
            // libzstd refuses a new dictionary while a frame is open, which is where a
            // failed call leaves the context; a session reset keeps the parameters.
            try zstdCheck(ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only), "ZSTD_CCtx_reset")
            // A nil CDict puts the context back into no-dictionary mode.
            try zstdCheck(ZSTD_CCtx_refCDict(cctx, dictionary?.cdict), "ZSTD_CCtx_refCDict")
            referenced = dictionary
        }
        let bound = ZSTD_compressBound(source.count)
        if let code = zstdErrorCode(bound) {
            throw ZstdError(
                operation: "ZSTD_compressBound", code: code,
                description: "an event of \(source.count) bytes is larger than zstd can compress in one "
                    + "frame: split it into smaller events")
        }
        // With ZSTD_compressBound bytes of room the frame always fits, so libzstd writes
        // straight into the array's spare capacity and only the written bytes are kept.
        let cctx = self.cctx
        var result = 0
        var magicFound = false
        output.append(addingCapacity: bound) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                initialized = 0
                result = ZSTD_compress2(cctx, buffer.baseAddress, buffer.count, source.baseAddress, source.count)
                guard ZSTD_isError(result) == 0, result > 4, let base = buffer.baseAddress else { return }
                magicFound = zstdFrameMagic.elementsEqual(UnsafeBufferPointer(start: base, count: 4))
                guard magicFound else { return }
                memmove(base, base + 4, result - 4)
                initialized = result - 4
            }
        }
        if let code = zstdErrorCode(result) {
            throw ZstdError(
                operation: "ZSTD_compress2", code: code,
                description: "compressing an event of \(source.count) bytes failed: \(zstdErrorName(result)); "
                    + "this is a bug in tribelog or libzstd: report it")
        }
        if !magicFound {
            throw ZstdError(
                operation: "ZSTD_compress2", code: 0,
                description: "libzstd wrote a frame without the zstd magic number: this libzstd "
                    + "(\(String(cString: ZSTD_versionString()))) is not compatible with tribelog; report it")
        }
    }
}

/// Decompresses frames written by `ZstdCompressor`, reusing one `ZSTD_DCtx` and one
/// output buffer: a scan decompresses millions of ~450-byte bodies, and a fresh Swift
/// array (or even the uniqueness and capacity checks of a reused one) per body showed up.
///
/// One per thread, like the compressor.
final class ZstdDecompressor {
    private let dctx: OpaquePointer
    /// The stored frame behind the magic number it was stored without (libzstd reads only
    /// whole standard frames), then room for the decompressed body. Grown as needed; one
    /// grown past `keptBytes` by a rare huge event is given back on the next call, since
    /// pooled decompressors live as long as the store.
    private var buffer: UnsafeMutableRawBufferPointer
    private static let keptBytes = 1 << 20

    /// Values of libzstd's ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR macros,
    /// which are expressions Swift does not import.
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    init() {
        // Only fails when malloc does; the caller could not go on either way.
        guard let dctx = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx: out of memory") }
        self.dctx = dctx
        buffer = .allocate(byteCount: 4_096, alignment: 16)
    }

    deinit {
        ZSTD_freeDCtx(dctx)
        buffer.deallocate()
    }

    /// Replaces the contents of `output` with the decompressed frame.
    func decompress(
        _ frame: UnsafeRawBufferPointer, dictionary: CompressionDictionary?,
        into output: inout [UInt8], maxSize: Int = 16 << 20
    ) throws(ZstdError) {
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: try decompress(frame, dictionary: dictionary, maxSize: maxSize))
    }

    /// The decompressed frame, in this decompressor's buffer: valid until its next call.
    ///
    /// The size the frame declares is checked before anything is allocated, so a damaged
    /// header cannot make us reserve gigabytes. Frames carry no dictID, so libzstd cannot
    /// tell a wrong dictionary from the right one: the caller picks it by our stored id,
    /// and a mismatch shows up as a decoding error or, rarely, as wrong bytes that the
    /// record layer's own integrity check must catch (frames carry no checksum either).
    ///
    /// Passing the DDict with each frame costs nothing per frame: libzstd only points the
    /// context at the prepared tables (no copy, no allocation), and keeps them warm while
    /// consecutive frames use the same dictionary.
    func decompress(
        _ frame: UnsafeRawBufferPointer, dictionary: CompressionDictionary?, maxSize: Int = 16 << 20
    ) throws(ZstdError) -> UnsafeRawBufferPointer {
        if buffer.count > Self.keptBytes {
            buffer.deallocate()
            buffer = .allocate(byteCount: 4_096, alignment: 16)
        }
        let framedCount = frame.count + zstdFrameMagic.count
        reserve(framedCount)
        buffer.copyBytes(from: zstdFrameMagic)
        if frame.count > 0 { (buffer.baseAddress! + zstdFrameMagic.count).copyMemory(from: frame.baseAddress!, byteCount: frame.count) }
        let declared = ZSTD_getFrameContentSize(buffer.baseAddress, framedCount)
        switch declared {
        case Self.contentSizeError:
            throw .damaged("ZSTD_getFrameContentSize", "no valid zstd frame header in \(frame.count) bytes")
        case Self.contentSizeUnknown:
            throw .damaged("ZSTD_getFrameContentSize", "the frame does not declare its decompressed size")
        case let size where maxSize < 0 || size > UInt64(maxSize):
            throw .damaged("ZSTD_getFrameContentSize", "the frame declares \(size) bytes, over the \(maxSize)-byte limit")
        default:
            break
        }
        let size = Int(declared)
        reserve(framedCount + size)
        // The output goes right after the frame. The exact declared size is all libzstd
        // may write; a frame that decodes to anything else is an error inside libzstd.
        let output = buffer.baseAddress! + framedCount
        let result = ZSTD_decompress_usingDDict(dctx, output, size, buffer.baseAddress, framedCount, dictionary?.ddict)
        if let code = zstdErrorCode(result) {
            throw .damaged("ZSTD_decompress_usingDDict", code: code, zstdErrorName(result))
        }
        guard result == size else {
            throw .damaged("ZSTD_decompress_usingDDict", "the frame declares \(size) bytes but holds \(result)")
        }
        return UnsafeRawBufferPointer(start: output, count: size)
    }

    /// Grows the buffer to at least `count` bytes, keeping its contents.
    private func reserve(_ count: Int) {
        guard buffer.count < count else { return }
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 2 * buffer.count), alignment: 16)
        grown.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = grown
    }
}
