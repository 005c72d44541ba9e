import EventLog
import FuzzChecks
import TribeDomain

/// Input: one byte choosing a domain event type, then a binary payload (an event's stored
/// payload, or the `$bytes` of an imported line). The payload must decode or throw; what
/// decodes must round-trip through its encoding and its JSON, and read as that domain
/// event or fail with an error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPayload(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let selector = input.first,
          let value = try? PayloadValue.decode(UnsafeRawBufferPointer(rebasing: input.dropFirst())) else { return 0 }
    RoundTrip.payload(value)
    let type = DomainEvent.typeNames[Int(selector) % DomainEvent.typeNames.count]
    if let event = try? DomainEvent(type: type, payload: value) { RoundTrip.domainEvent(event) }
    return 0
}
