import EventLog
import TribeDomain

/// The round trips the decoders promise, checked on whatever the fuzzer got to decode.
public enum RoundTrip {
    /// An event read from the log exports as a line that imports, and exporting that
    /// import gives the same line back (DESIGN.md: export → import → export is stable).
    public static func export(_ event: RecordedEvent) {
        var line: [UInt8] = []
        event.ndjsonLine(into: &line)
        let imported: ImportedEvent
        do {
            imported = try line.dropLast().withUnsafeBytes { bytes throws(NDJSONLineError) in try NDJSONLine.parse(bytes) }
        } catch {
            return invariant(false, "an exported line does not import (\(error)): \(show(line))")
        }
        var again: [UInt8] = []
        RecordedEvent(imported: imported).ndjsonLine(into: &again)
        invariant(again == line, "export → import → export changed the line:\n  \(show(line))\n  \(show(again))")
    }

    /// A decoded payload encodes to bytes that decode to it again, and its JSON rendering
    /// parses back to a value that renders the same (JSON has no NaN, so values are
    /// compared by what they write, not by `==`).
    public static func payload(_ value: PayloadValue) {
        let encoded = value.encoded
        let decoded = encoded.withUnsafeBytes { try? PayloadValue.decode($0) }
        invariant(decoded?.encoded == encoded, "a decoded payload does not decode after encoding: \(value)")
        var json: [UInt8] = []
        value.writeJSON(into: &json)
        let parsed: PayloadValue
        do {
            parsed = try json.withUnsafeBytes { bytes throws(PayloadJSONError) in try PayloadValue.parseJSON(bytes) }
        } catch {
            return invariant(false, "a payload's JSON does not parse (\(error)): \(show(json))")
        }
        var again: [UInt8] = []
        parsed.writeJSON(into: &again)
        invariant(again == json, "JSON → payload → JSON changed the text:\n  \(show(json))\n  \(show(again))")
    }

    /// A domain event rebuilt from its own type name and payload is the same event.
    public static func domainEvent(_ event: DomainEvent) {
        let again = try? DomainEvent(type: event.typeName, payload: event.payload)
        invariant(again == event, "a \(event.typeName) event does not read back from its own payload: \(event.payload)")
    }
}
