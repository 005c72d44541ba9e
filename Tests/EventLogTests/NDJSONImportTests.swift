import Foundation
import PropertyBased
import Testing

@testable import EventLog

@Suite struct NDJSONImportTests {
    private func render(_ event: RecordedEvent) -> [UInt8] {
        var line: [UInt8] = []
        event.ndjsonLine(into: &line)
        return line
    }

    private func parse(_ line: [UInt8]) throws -> ImportedEvent {
        try line.withUnsafeBytes { try NDJSONLine.parse(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
    }

    @Test func aLineReadBackRendersTheSameBytes() async {
        await propertyCheck(count: 300, input: EventGenerators.cases) { c in
            let sent = RecordedEvent(position: 7, id: c.event.id, stream: c.stream, streamVersion: 3, type: c.event.type,
                                     tags: c.event.tags, recordedAt: c.event.recordedAt ?? Timestamp(microseconds: -12_345),
                                     metadata: c.event.metadata, payload: c.event.payload)
            let line = render(sent)
            let imported = try parse(line)
            #expect(imported.position == 7 && imported.version == 3 && imported.stream == c.stream)
            #expect(imported.event.id == sent.id && imported.event.recordedAt == sent.recordedAt && imported.event.tags == sent.tags)
            let again = RecordedEvent(position: 7, id: imported.event.id, stream: imported.stream, streamVersion: 3,
                                      type: imported.event.type, tags: imported.event.tags, recordedAt: imported.event.recordedAt!,
                                      metadata: imported.event.metadata, payload: imported.event.payload)
            #expect(render(again) == line)
        }
    }

    /// A payload value that happens to be `{"$bytes": …}` is how a line marks raw bytes:
    /// written as such, it came back as other bytes (a string) or was refused (a number).
    @Test(arguments: [PayloadValue.string("aGk="), .int(5), .object([PayloadField(key: "a", value: .null)])])
    func aPayloadShapedLikeTheBytesMarkerComesBackAsTheSameBytes(_ inner: PayloadValue) throws {
        let payload = PayloadValue.object([PayloadField(key: "$bytes", value: inner)]).encoded
        let sent = RecordedEvent(position: 1, id: UUID(), stream: "s", streamVersion: 1, type: "T", tags: [],
                                 recordedAt: Timestamp(microseconds: 0), metadata: EventMetadata(), payload: payload)
        let line = render(sent)
        let imported = try parse(line)
        #expect(imported.event.payload == payload)
        let again = RecordedEvent(position: 1, id: imported.event.id, stream: "s", streamVersion: 1, type: "T", tags: [],
                                  recordedAt: Timestamp(microseconds: 0), metadata: imported.event.metadata, payload: imported.event.payload)
        #expect(render(again) == line)
    }

    @Test(arguments: [
        (#"{"id":"x"}"#, #""id" is not a UUID"#),
        (#"[1]"#, "one JSON object"),
        (#"{"position":1,"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","stream":"s","type":"T","time":"2024-02-30T00:00:00Z"}"#, "UTC time"),
        (#"{"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","stream":"s","type":"T","time":"2024-02-01T00:00:00Z","colour":1}"#, #"unknown field "colour""#),
        (#"{"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","stream":"s","time":"2024-02-01T00:00:00Z"}"#, #""type" is missing"#),
        (#"{"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","stream":"s","type":"T","time":"2024-02-01T00:00:00Z","tags":[1]}"#, "array of strings"),
        (#"{"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","stream":"s","type":"T","time":"2024-02-01T00:00:00Z","version":-1}"#, "whole number"),
        (#"{"id":"#, "not valid JSON"),
    ])
    func badLinesSayWhatIsWrong(line: String, reason: String) {
        #expect {
            _ = try Array(line.utf8).withUnsafeBytes { try NDJSONLine.parse($0) }
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func timesWithFewerDigitsAndBeforeTheEpochRead() {
        #expect(NDJSONLine.parseTime("2024-03-05T10:11:12Z") == Timestamp(microseconds: 1_709_633_472_000_000))
        #expect(NDJSONLine.parseTime("2024-03-05T10:11:12.5Z") == Timestamp(microseconds: 1_709_633_472_500_000))
        #expect(NDJSONLine.parseTime("1969-12-31T23:59:59.999999Z") == Timestamp(microseconds: -1))
        #expect(NDJSONLine.parseTime("2024-03-05T10:11:12.1234567Z") == nil)  // finer than the log keeps
        #expect(NDJSONLine.parseTime("2024-03-05 10:11:12Z") == nil)
        for extreme in [Int64.min, .max, -62_135_596_800_000_001] {
            let time = Timestamp(microseconds: extreme)
            #expect(NDJSONLine.parseTime(time.iso8601) == time, "\(time.iso8601)")
        }
    }
}
