import Foundation

/// The NDJSON line of an event, as `tribelog export` writes it and `tribelog import`
/// reads it (DESIGN.md, "Interfaces other programs rely on"):
///
/// `{"position":N,"id":"uuid","stream":"…","version":N,"type":"…","time":"2024-03-05T10:11:12.123456Z",
///   "actor":"…","correlation":"…","causation":"…","tags":[…],"data":{…}}`
///
/// Rendering is canonical (fixed key order, compact, lowercase id, microsecond UTC time)
/// so that exporting an import of an export gives the same bytes back. Everything is
/// written as UTF-8 bytes because an export renders every event of the log.
extension RecordedEvent {
    /// Appends this event's line, including its terminating newline, to `output`.
    ///
    /// `data` is the payload decoded with `PayloadValue.decode` and rendered as JSON. An
    /// empty payload renders as `null`. Payload bytes that are not a `PayloadValue` (only
    /// possible when a client stored raw bytes) render as `{"$bytes":"<base64>"}`, so the
    /// line stays valid JSON and the bytes are not lost.
    public func ndjsonLine(into output: inout [UInt8]) {
        output.append(contentsOf: NDJSONKey.position)
        PayloadValue.writeDecimal(position, into: &output)
        output.append(contentsOf: NDJSONKey.id)
        UUIDText.append(id, uppercase: false, to: &output)
        output.append(contentsOf: NDJSONKey.stream)
        NDJSON.writeString(stream, into: &output)
        output.append(contentsOf: NDJSONKey.version)
        PayloadValue.writeDecimal(streamVersion, into: &output)
        output.append(contentsOf: NDJSONKey.type)
        NDJSON.writeString(type, into: &output)
        output.append(contentsOf: NDJSONKey.time)
        NDJSON.writeTime(recordedAt, into: &output)
        output.append(contentsOf: NDJSONKey.actor)
        NDJSON.writeString(metadata.actor, into: &output)
        output.append(contentsOf: NDJSONKey.correlation)
        NDJSON.writeString(metadata.correlation, into: &output)
        output.append(contentsOf: NDJSONKey.causation)
        NDJSON.writeString(metadata.causation, into: &output)
        output.append(contentsOf: NDJSONKey.tags)
        for (index, tag) in tags.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            NDJSON.writeString(tag, into: &output)
        }
        output.append(contentsOf: NDJSONKey.data)
        NDJSON.writePayload(payload, into: &output)
        output.append(contentsOf: NDJSONKey.end)
    }
}

/// The fixed parts of a line, each with the punctuation that joins it to its neighbours.
private enum NDJSONKey {
    package static let position = Array(#"{"position":"#.utf8)
    package static let id = Array(#","id":""#.utf8)
    package static let stream = Array(#"","stream":"#.utf8)
    package static let version = Array(#","version":"#.utf8)
    package static let type = Array(#","type":"#.utf8)
    package static let time = Array(#","time":""#.utf8)
    package static let actor = Array(#"","actor":"#.utf8)
    package static let correlation = Array(#","correlation":"#.utf8)
    package static let causation = Array(#","causation":"#.utf8)
    package static let tags = Array(#","tags":["#.utf8)
    package static let data = Array(#"],"data":"#.utf8)
    package static let end = Array("}\n".utf8)
}

package enum NDJSON {
    /// Strings go through the payload renderer so that the export and the API escape
    /// text identically: one escaper, in PayloadJSON.swift.
    package static func writeString(_ text: String, into output: inout [UInt8]) {
        PayloadValue.string(text).writeJSON(into: &output)
    }

    /// UUID text needs no escaping: its bytes go straight between the quotes.
    package static func writeString(_ text: MetadataText, into output: inout [UInt8]) {
        guard case .uuid(let uuid, let uppercase) = text else { return writeString(text.string, into: &output) }
        output.append(UInt8(ascii: "\""))
        UUIDText.append(uuid, uppercase: uppercase, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    package static func writePayload(_ bytes: [UInt8], into output: inout [UInt8]) {
        if bytes.isEmpty { return output.append(contentsOf: JSONBytes.null) }
        // A value that is itself an object with the one key "$bytes" would read back as
        // raw bytes (or be refused): it is written as the base64 of its encoding instead,
        // which an import turns back into exactly these bytes.
        if let value = bytes.withUnsafeBytes({ try? PayloadValue.decode($0) }), !value.isRawBytesMarker {
            value.writeJSON(into: &output)
        } else {
            PayloadValue.object([PayloadField(key: "$bytes", value: .string(Data(bytes).base64EncodedString()))])
                .writeJSON(into: &output)
        }
    }


    /// `YYYY-MM-DDThh:mm:ss.ffffffZ` in UTC, computed from the microseconds directly:
    /// a DateFormatter per line would dominate the export, and Date's Double would round
    /// the microseconds of times far from 1970.
    package static func writeTime(_ time: Timestamp, into output: inout [UInt8]) {
        let (days, ofDay) = CivilDate.split(time)
        let (year, month, day) = CivilDate.from(daysSince1970: days)
        if year < 0 { output.append(UInt8(ascii: "-")) }
        writePadded(year.magnitude, width: 4, into: &output)
        output.append(UInt8(ascii: "-"))
        writePadded(UInt64(month), width: 2, into: &output)
        output.append(UInt8(ascii: "-"))
        writePadded(UInt64(day), width: 2, into: &output)
        output.append(UInt8(ascii: "T"))
        writePadded(UInt64(ofDay / 3_600_000_000), width: 2, into: &output)
        output.append(UInt8(ascii: ":"))
        writePadded(UInt64(ofDay / 60_000_000 % 60), width: 2, into: &output)
        output.append(UInt8(ascii: ":"))
        writePadded(UInt64(ofDay / 1_000_000 % 60), width: 2, into: &output)
        output.append(UInt8(ascii: "."))
        writePadded(UInt64(ofDay % 1_000_000), width: 6, into: &output)
        output.append(UInt8(ascii: "Z"))
    }

    private static func writePadded(_ number: UInt64, width: Int, into output: inout [UInt8]) {
        var digits = 1
        var rest = number / 10
        while rest > 0 { digits += 1; rest /= 10 }
        for _ in digits..<max(width, digits) { output.append(UInt8(ascii: "0")) }
        PayloadValue.writeDecimal(number, into: &output)
    }
}

extension PayloadValue {
    /// `{"$bytes": …}`: how a line carries payload bytes as base64.
    package var isRawBytesMarker: Bool {
        if case .object(let fields) = self, fields.count == 1, fields[0].key == "$bytes" { return true }
        return false
    }
}
