import Foundation

/// One line of an export, read back for `tribelog import`: the event with its id, time and
/// metadata as they were, and the stream it belongs to.
public struct ImportedEvent: Sendable, Hashable {
    public var event: NewEvent
    public var stream: String
    /// The position and stream version the line was exported with (informational: they are
    /// reproduced when importing into an empty log in order).
    public var position: Position?
    public var version: UInt64?
}

/// Why a line is not an event; `tribelog import` reports it with the line number.
public struct NDJSONLineError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}

/// Reads export lines (see NDJSON.swift for the format). Strict: a line with a missing,
/// mistyped or unknown field is refused with what is wrong, since an import either takes
/// every line or none.
public enum NDJSONLine {
    package static let fields: Set<String> = ["position", "id", "stream", "version", "type", "time", "actor", "correlation", "causation", "tags", "data"]

    public static func parse(_ line: UnsafeRawBufferPointer) throws(NDJSONLineError) -> ImportedEvent {
        let value: PayloadValue
        do { value = try PayloadValue.parseJSON(line) } catch { throw NDJSONLineError("not valid JSON: \(error)") }
        guard case .object(let fields) = value else { throw NDJSONLineError("a line must be one JSON object") }
        if let unknown = fields.first(where: { !Self.fields.contains($0.key) }) {
            throw NDJSONLineError("unknown field \"\(unknown.key)\": a line has only \(Self.fields.sorted().joined(separator: ", "))")
        }
        guard value.isWellFormed else { throw NDJSONLineError("a field appears twice, or the data nests deeper than \(PayloadValue.maxDepth) levels") }
        let idText = try string(value, "id")
        guard let id = UUID(uuidString: idText) else { throw NDJSONLineError("\"id\" is not a UUID: \(idText)") }
        let timeText = try string(value, "time")
        guard let time = parseTime(timeText) else {
            throw NDJSONLineError("\"time\" is not a UTC time like 2024-03-05T10:11:12.123456Z: \(timeText)")
        }
        guard case .array(let tagValues)? = value["tags"] ?? .array([]) else { throw NDJSONLineError("\"tags\" must be an array of strings") }
        var tags: [String] = []
        for tag in tagValues {
            guard case .string(let text) = tag else { throw NDJSONLineError("\"tags\" must be an array of strings") }
            tags.append(text)
        }
        let metadata = EventMetadata(actor: try string(value, "actor", default: ""),
                                     correlationID: try string(value, "correlation", default: ""),
                                     causationID: try string(value, "causation", default: ""))
        let event = NewEvent(id: id, type: try string(value, "type"), tags: tags, payload: try payload(value["data"]),
                             metadata: metadata, recordedAt: time)
        return ImportedEvent(event: event, stream: try string(value, "stream"), position: try number(value, "position"),
                             version: try number(value, "version"))
    }

    /// `data` back to payload bytes: null is no payload, `{"$bytes": base64}` raw bytes
    /// (how an export writes bytes that are not a payload value), anything else a value.
    private static func payload(_ data: PayloadValue?) throws(NDJSONLineError) -> [UInt8] {
        switch data {
        case nil, .null?: return []
        case .object(let fields)? where data?.isRawBytesMarker == true:
            guard case .string(let text) = fields[0].value, let bytes = Data(base64Encoded: text) else {
                throw NDJSONLineError("\"data\".\"$bytes\" must be base64")
            }
            return Array(bytes)
        case let value?: return value.encoded
        }
    }

    private static func string(_ object: PayloadValue, _ key: String, default fallback: String? = nil) throws(NDJSONLineError) -> String {
        switch object[key] {
        case .string(let text)?: return text
        case nil where fallback != nil: return fallback!
        case nil: throw NDJSONLineError("\"\(key)\" is missing")
        default: throw NDJSONLineError("\"\(key)\" must be a string")
        }
    }

    private static func number(_ object: PayloadValue, _ key: String) throws(NDJSONLineError) -> UInt64? {
        switch object[key] {
        case nil: return nil
        case .int(let n)? where n >= 0: return UInt64(n)
        default: throw NDJSONLineError("\"\(key)\" must be a whole number of at least 0")
        }
    }

    /// `[-]YYYY-MM-DDThh:mm:ss[.f{1,6}]Z` (years may have more than four digits), the
    /// inverse of `NDJSON.writeTime`; nil for anything else, including times outside the
    /// range a `Timestamp` holds.
    package static func parseTime(_ text: String) -> Timestamp? {
        var bytes = Array(text.utf8)
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes.removeFirst() }
        guard let yearEnd = bytes.firstIndex(of: UInt8(ascii: "-")), (4...7).contains(yearEnd) else { return nil }
        let rest = Array(bytes[yearEnd...])  // -MM-DDThh:mm:ss[.ffffff]Z
        guard rest.count >= 16, rest.last == UInt8(ascii: "Z") else { return nil }
        func digits(_ source: [UInt8], _ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard index < source.count, source[index] >= 48, source[index] <= 57 else { return nil }
                value = value * 10 + Int64(source[index] - 48)
            }
            return value
        }
        let separators: [(Int, Character)] = [(0, "-"), (3, "-"), (6, "T"), (9, ":"), (12, ":")]
        guard separators.allSatisfy({ rest[$0.0] == $0.1.asciiValue }),
              let year = digits(bytes, 0..<yearEnd), let month = digits(rest, 1..<3), let day = digits(rest, 4..<6),
              let hour = digits(rest, 7..<9), let minute = digits(rest, 10..<12), let second = digits(rest, 13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        let fraction = rest[15..<(rest.count - 1)]
        if !fraction.isEmpty {
            guard fraction.first == UInt8(ascii: "."), (2...7).contains(fraction.count),
                  let value = digits(rest, 16..<(rest.count - 1)) else { return nil }
            micros = value * [1, 100_000, 10_000, 1_000, 100, 10, 1][fraction.count - 1]
        }
        let signedYear = negative ? -year : year
        let days = CivilDate.daysSince1970(year: signedYear, month: month, day: day)
        guard CivilDate.from(daysSince1970: days) == (signedYear, Int(month), Int(day)) else { return nil }  // no 31 February
        // days · 86 400 000 000 + time of day, refusing what does not fit in 64 bits. Before
        // 1970 the day is counted from its end, so the earliest timestamp's day still fits.
        var ofDay = ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros
        let fromDay = days < 0 ? days + 1 : days
        if days < 0 { ofDay -= CivilDate.microsecondsPerDay }
        let (dayMicros, overflow) = fromDay.multipliedReportingOverflow(by: CivilDate.microsecondsPerDay)
        let (total, overflowAgain) = dayMicros.addingReportingOverflow(ofDay)
        return overflow || overflowAgain ? nil : Timestamp(microseconds: total)
    }
}
