import EventLog
import FuzzChecks

/// Input: one line of an NDJSON export, as `tribelog import` reads it. It must parse or
/// throw; what parses must export as a line that imports to the same line again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let imported = try? NDJSONLine.parse(fuzzInput(data, size)) else { return 0 }
    RoundTrip.export(RecordedEvent(imported: imported))
    return 0
}
