import EventLog
import FuzzChecks

/// Input: a decompressed event envelope (what a record's zstd frame holds). The record
/// target rarely gets a mutated frame through zstd, so the envelope's own structure
/// (lengths, compact strings, tags, extensions) is fuzzed here directly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let event = try? StoredRecordDecoder.decodeBody(fuzzInput(data, size), position: 1, streamVersion: 1) else { return 0 }
    RoundTrip.export(event)
    if let payload = event.payload.withUnsafeBytes({ try? PayloadValue.decode($0) }) { RoundTrip.payload(payload) }
    return 0
}
