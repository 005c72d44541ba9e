import Foundation
import Testing
@testable import EventLog

@Suite struct NDJSONTests {
    private func line(_ event: RecordedEvent) -> String {
        var output: [UInt8] = []
        event.ndjsonLine(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func event(time: Int64 = 1_709_633_472_123_456, payload: [UInt8]) -> RecordedEvent {
        RecordedEvent(
            position: 42, id: UUID(uuidString: "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")!,
            stream: "partup-p\"7\"", streamVersion: 3, type: "PartnerJoined",
            tags: ["tribe:t1", "partup:p7", "member:m\n9"], recordedAt: Timestamp(microseconds: time),
            metadata: EventMetadata(actor: "member:m9", correlationID: "c-1", causationID: "c\\0"),
            payload: payload)
    }

    @Test func rendersTheDesignLineExactly() {
        let payload = PayloadValue.object([
            PayloadField(key: "role", value: .string("partner")),
            PayloadField(key: "skills", value: .array([.string("design"), .string("ux")])),
            PayloadField(key: "hours", value: .int(-8)),
            PayloadField(key: "lead", value: .bool(true)),
            PayloadField(key: "note", value: .null),
        ])
        let expected = #"{"position":42,"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","stream":"partup-p\"7\"","#
            + #""version":3,"type":"PartnerJoined","time":"2024-03-05T10:11:12.123456Z","actor":"member:m9","#
            + #""correlation":"c-1","causation":"c\\0","tags":["tribe:t1","partup:p7","member:m\n9"],"#
            + #""data":{"role":"partner","skills":["design","ux"],"hours":-8,"lead":true,"note":null}}"#
            + "\n"
        #expect(line(event(payload: payload.encoded)) == expected)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
        (-2_208_988_799_999_995, "1900-01-01T00:00:00.000005Z"),
    ])
    func rendersTimesInUTCWithMicroseconds(microseconds: Int64, time: String) {
        #expect(line(event(time: microseconds, payload: [])).contains(#""time":"\#(time)","#))
    }

    @Test func emptyAndUndecodablePayloadsStayValidJSON() throws {
        #expect(line(event(payload: [])).hasSuffix(#""data":null}"# + "\n"))
        let raw = line(event(payload: [0xFF, 0x00]))
        #expect(raw.hasSuffix(#""data":{"$bytes":"/wA="}}"# + "\n"))
        #expect(try JSONSerialization.jsonObject(with: Data(raw.utf8)) is [String: Any])
    }
}
