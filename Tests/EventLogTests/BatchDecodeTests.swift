import Foundation
import Testing

@testable import EventLog

/// Reads decode many records with one `RecordDecoder`, which keeps the previous record's
/// dictionary: a run that crosses dictionaries, or skips around in the log, must still
/// decode every record with its own dictionary and give what one-record decoding gives.
@Suite struct BatchDecodeTests {
    private static func event(_ i: Int) -> NewEvent {
        let payload = PayloadValue.object([
            PayloadField(key: "member", value: .string("member-\(i % 37)")),
            PayloadField(key: "message", value: .string("joined the part-up planning session number \(i)")),
        ])
        let correlation = UUID().uuidString.lowercased()
        return NewEvent(type: i % 3 == 0 ? "PartnerJoined" : "MessagePosted", tags: ["tribe:\(i % 7)", "member:\(i % 37)"],
                        payload: payload.encoded,
                        metadata: EventMetadata(actor: "member:\(i % 37)", correlationID: correlation, causationID: correlation))
    }

    /// Records compressed without a dictionary, then with 1, then 2 (given as ids), laid
    /// out as the writer stores them; returns the stored values and the events.
    private static func records(_ codec: RecordCodec, dictionaries: [CompressionDictionary], perDictionary: Int) throws
        -> (values: [[UInt8]], events: [NewEvent]) {
        var values: [[UInt8]] = [], events: [NewEvent] = []
        for round in 0...dictionaries.count {
            if round > 0 { codec.dictionaries.install(dictionaries[round - 1]) }
            for _ in 0..<perDictionary {
                let event = Self.event(events.count)
                let prepared = try codec.prepare(event, stream: "s", recordedAt: Timestamp(microseconds: Int64(events.count)))
                #expect(prepared.dictionaryID == UInt32(round))
                let size = StoredRecord.size(dictionaryID: prepared.dictionaryID, streamVersion: 1, frameCount: prepared.frame.count)
                var value = [UInt8](repeating: 0, count: size)
                value.withUnsafeMutableBytes {
                    StoredRecord.write(into: $0, dictionaryID: prepared.dictionaryID, chain: [UInt8](repeating: 7, count: 32),
                                       streamVersion: 1, frame: prepared.frame)
                }
                values.append(value)
                events.append(event)
            }
        }
        return (values, events)
    }

    private static func dictionaries(_ count: Int) throws -> [CompressionDictionary] {
        let samples = (0..<600).map { i in
            EventBody.encode(id: UUID(), stream: "s", event: Self.event(i), recordedAt: Timestamp(microseconds: Int64(i)))
        }
        return try (1...count).map { id in
            try CompressionDictionary(id: UInt32(id), bytes: DictionaryTrainer.train(samples: Array(samples[(id - 1) * 300..<id * 300])))
        }
    }

    @Test func oneDecoderCrossesDictionariesInAnyOrder() throws {
        let codec = RecordCodec(dictionaries: DictionaryRegistry())
        let (values, events) = try Self.records(codec, dictionaries: try Self.dictionaries(2), perDictionary: 40)
        // Forwards, backwards and shuffled: every change of dictionary, in both directions.
        let orders = [Array(values.indices), values.indices.reversed(), values.indices.shuffled()]
        for order in orders {
            let decoded = try codec.withDecoder { decoder in
                try order.map { i in try values[i].withUnsafeBytes { try decoder.decode($0, position: Position(i + 1)) } }
            }
            for (i, event) in zip(order, decoded) {
                #expect(event.position == Position(i + 1))
                expectSameContent(event, events[i], stream: "s", namesInNFC: false)
                let alone = try values[i].withUnsafeBytes { try codec.decode($0, position: Position(i + 1)) }
                #expect(alone == event)
                let header = try codec.withDecoder { decoder in
                    try values[i].withUnsafeBytes { try decoder.decodeHeader($0, position: Position(i + 1)) }
                }
                #expect(header.header.type == event.type && header.header.tags == event.tags)
            }
        }
    }

    /// A record naming a dictionary the log lacks, or a damaged frame, fails alone: the
    /// same decoder goes on to decode the next record correctly.
    @Test func aBadRecordFailsAloneInARun() throws {
        let codec = RecordCodec(dictionaries: DictionaryRegistry())
        let (values, events) = try Self.records(codec, dictionaries: try Self.dictionaries(1), perDictionary: 5)
        var unknown = values[7]
        unknown[1] = 9  // dictionary id 9
        let damaged = Array(values[8].dropLast(10))
        try codec.withDecoder { decoder in
            #expect(throws: RecordDecodingError.self) { try unknown.withUnsafeBytes { try decoder.decode($0, position: 8) } }
            let next = try values[9].withUnsafeBytes { try decoder.decode($0, position: 10) }
            expectSameContent(next, events[9], stream: "s", namesInNFC: false)
            #expect(throws: (any Error).self) { try damaged.withUnsafeBytes { try decoder.decode($0, position: 9) } }
            let first = try values[0].withUnsafeBytes { try decoder.decode($0, position: 1) }
            expectSameContent(first, events[0], stream: "s", namesInNFC: false)
        }
    }

    /// Through the store: position scans, id lookups and type filters over a log whose
    /// records use no dictionary, then dictionary 1, then 2.
    @Test func readsSpanDictionariesThroughTheStore() async throws {
        var options = Fixtures.options(autoIndex: false)
        options.dictionaryTrainingPoints = [100, 200]
        options.dictionarySampleCount = 100
        try await Fixtures.withStore(options) { store, _ in
            var sent: [NewEvent] = []
            for round in 0..<3 {
                for _ in 0..<10 {
                    let batch = (0..<10).map { _ in Self.event(sent.count + Int.random(in: 0..<1_000)) }
                    _ = try await store.append(batch, to: "s")
                    sent += batch
                }
                guard round < 2 else { break }
                // The trained dictionary is stored by a commit of its own and used after it.
                store.training?.wait()
                try await withTimeout(seconds: 10) {
                    while store.codec.dictionaries.current?.id != UInt32(round + 1) { try await Task.sleep(for: .milliseconds(5)) }
                }
            }
            let used = Set(try (1...store.head).map { try #require(try store.storedRecord(at: $0))[1] })
            #expect(used == [0, 1, 2])

            let all = try store.read(from: 1, limit: .max)
            #expect(all.count == sent.count)
            for (stored, event) in zip(all, sent) { expectSameContent(stored, event, stream: "s", namesInNFC: true) }
            #expect(all.map(\.position) == Array(1...store.head))
            // Limits and starting points, including the edges.
            #expect(try store.read(from: 1, limit: 0).isEmpty)
            #expect(try store.read(from: store.head + 1, limit: 10).isEmpty)
            #expect(try store.read(from: 0, limit: 1).map(\.position) == [1])
            #expect(try store.read(from: 95, limit: 120) == Array(all[94..<214]))

            let positions = (1...store.head).shuffled().prefix(150)
            #expect(try store.reader.events(at: positions).map(\.position) == Array(positions))
            #expect(try store.reader.events(at: positions) == positions.map { all[Int($0) - 1] })
            // A type with a tag reads the typed-tag postings, across every dictionary.
            let tagged = try #require(all.first { $0.type == "PartnerJoined" && !$0.tags.isEmpty })
            let partners = try store.read(matching: Query([QueryItem(types: ["PartnerJoined"], tags: [tagged.tags[0]])]))
            #expect(partners.map(\.position) == all.filter { $0.type == "PartnerJoined" && $0.tags.contains(tagged.tags[0]) }.map(\.position))
            #expect(try store.verify().isIntact)
        }
    }
}
