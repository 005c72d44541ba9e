import EventLog
import FuzzChecks

/// Input: a value of the `events` database, as `tribelog verify` and every reader meet it
/// (format byte, dictionary id, chain prefix, stream version, magicless zstd frame).
/// It must decode or throw; what decodes must export and import back.
nonisolated(unsafe) private var decoder = StoredRecordDecoder(dictionaries: FuzzData.dictionaries())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecord(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let event = try? decoder.decode(fuzzInput(data, size), position: 1) else { return 0 }
    RoundTrip.export(event)
    return 0
}
