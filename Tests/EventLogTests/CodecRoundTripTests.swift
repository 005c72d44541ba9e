import Foundation
import PropertyBased
import Testing

@testable import EventLog

/// Random events: names at the length limit, astral and combining characters, NUL in the
/// free-text fields, empty and incompressible payloads, times far before 1970.
enum EventGenerators {
    struct Case: Sendable {
        var event: NewEvent
        var stream: String
    }

    static let cases = Generator<Case, Shrink.None<Case>> { rng in
        Case(event: event(&rng), stream: Int.random(in: 0..<3, using: &rng) == 0 ? name(&rng) : "pool-\(Int.random(in: 0..<4, using: &rng))")
    }

    static func event(_ rng: inout some RandomNumberGenerator) -> NewEvent {
        var tags: [String] = []
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            let tag = name(&rng)
            if !tags.contains(tag) { tags.append(tag) }
        }
        let metadata = EventMetadata(actor: text(&rng), correlationID: text(&rng), causationID: text(&rng))
        return NewEvent(id: uuid(&rng), type: name(&rng), tags: tags, payload: payload(&rng), metadata: metadata, recordedAt: time(&rng))
    }

    static func uuid(_ rng: inout some RandomNumberGenerator) -> UUID {
        let a = UInt64.random(in: .min ... .max, using: &rng), b = UInt64.random(in: .min ... .max, using: &rng)
        return withUnsafeBytes(of: (a, b)) { raw in UUID(uuid: raw.load(as: uuid_t.self)) }
    }

    private static let pools: [ClosedRange<UInt32>] = [
        0x61...0x7A, 0x20...0x7E, 0x01...0x1F, 0xA0...0x2FF, 0x300...0x36F, 0x800...0xD7FF, 0xE000...0xFFFD, 0x1F300...0x1FAFF,
        0x10000...0x10FFFF,
    ]

    private static func scalars(_ rng: inout some RandomNumberGenerator, count: Int, allowNUL: Bool) -> String {
        var view = String.UnicodeScalarView()
        for _ in 0..<count {
            if allowNUL && Int.random(in: 0..<12, using: &rng) == 0 { view.append("\0"); continue }
            let pool = pools[Int.random(in: 0..<pools.count, using: &rng)]
            view.append(Unicode.Scalar(UInt32.random(in: pool, using: &rng))!)
        }
        return String(view)
    }

    /// A valid stream, type or tag name: 1...maxNameBytes UTF-8 bytes, no NUL.
    static func name(_ rng: inout some RandomNumberGenerator) -> String {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return String(repeating: "\u{E9}", count: AppendValidation.maxNameBytes / 2)  // the longest allowed
        case 1: return String(repeating: "\u{1F600}", count: AppendValidation.maxNameBytes / 4) + "ab"  // the longest, astral
        case 2: return "tribe:\(Int.random(in: 0..<1_000, using: &rng))"
        default: return scalars(&rng, count: Int.random(in: 1...16, using: &rng), allowNUL: false)
        }
    }

    /// Free text (actor, correlation, causation): may be empty or hold NUL.
    static func text(_ rng: inout some RandomNumberGenerator) -> String {
        Int.random(in: 0..<4, using: &rng) == 0 ? "" : scalars(&rng, count: Int.random(in: 0...20, using: &rng), allowNUL: true)
    }

    static func payload(_ rng: inout some RandomNumberGenerator) -> [UInt8] {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return []
        case 1: return [UInt8](repeating: UInt8.random(in: 0...255, using: &rng), count: Int.random(in: 1...5_000, using: &rng))
        case 2: return PayloadValueTests.value(&rng, levels: 3, finiteOnly: false).encoded
        default: return (0..<Int.random(in: 1...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
    }

    static func time(_ rng: inout some RandomNumberGenerator) -> Timestamp? {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return nil
        case 1: return Timestamp(microseconds: [Int64.min, .max, 0, -1, 1][Int.random(in: 0..<5, using: &rng)])
        case 2: return Timestamp(microseconds: Int64.random(in: -62_135_596_800_000_000...0, using: &rng))  // back to year 1
        default: return Timestamp(microseconds: Int64.random(in: .min ... .max, using: &rng))
        }
    }
}

/// Field by field, names and text compared as bytes (String `==` would let a changed
/// normalization pass). Through the store, names come back in NFC (`CanonicalNames`);
/// the codec alone keeps every byte.
func expectSameContent(_ stored: RecordedEvent, _ sent: NewEvent, stream: String, namesInNFC: Bool,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    func name(_ s: String) -> [UInt8] { namesInNFC ? bytes(s.precomposedStringWithCanonicalMapping) : bytes(s) }
    #expect(stored.id == sent.id, sourceLocation: sourceLocation)
    #expect(bytes(stored.stream) == name(stream), sourceLocation: sourceLocation)
    #expect(bytes(stored.type) == name(sent.type), sourceLocation: sourceLocation)
    #expect(stored.tags.map(bytes) == sent.tags.map(name), sourceLocation: sourceLocation)
    #expect(bytes(stored.metadata.actor) == bytes(sent.metadata.actor), sourceLocation: sourceLocation)
    #expect(bytes(stored.metadata.correlationID) == bytes(sent.metadata.correlationID), sourceLocation: sourceLocation)
    #expect(bytes(stored.metadata.causationID) == bytes(sent.metadata.causationID), sourceLocation: sourceLocation)
    #expect(stored.payload == sent.payload, sourceLocation: sourceLocation)
    if let time = sent.recordedAt { #expect(stored.recordedAt == time, sourceLocation: sourceLocation) }
}

@Suite struct CodecRoundTripTests {
    @Test func appendedEventsReadBackFieldByField() async throws {
        try await Fixtures.withStore { store, _ async throws in
            var versions: [[UInt8]: UInt64] = [:]
            await propertyCheck(count: 100, input: EventGenerators.cases) { c in
                let before = Timestamp.now()
                let result = try await store.append([c.event], to: c.stream)
                let after = Timestamp.now()
                let key = Array(c.stream.precomposedStringWithCanonicalMapping.utf8)
                let version = (versions[key] ?? 0) + 1
                versions[key] = version
                #expect(result.streamVersion == version)

                let stored = try #require(try store.read(from: result.positions[0], limit: 1).first)
                #expect(stored.position == result.positions[0])
                #expect(stored.streamVersion == version)
                expectSameContent(stored, c.event, stream: c.stream, namesInNFC: true)
                if c.event.recordedAt == nil { #expect(before <= stored.recordedAt && stored.recordedAt <= after) }
            }
            try store.indexNow()
            #expect(store.indexer.failure == nil, "the background indexer stopped")
            #expect(try store.verify().isIntact)
        }
    }

    @Test func bodyEncodesAndDecodesDirectly() async {
        await propertyCheck(count: 100, input: EventGenerators.cases) { c in
            let time = c.event.recordedAt ?? Timestamp(microseconds: 1)
            let bytes = EventBody.encode(id: c.event.id, stream: c.stream, event: c.event, recordedAt: time)
            let decoded = try bytes.withUnsafeBytes { try EventBody.decode($0, position: 42, streamVersion: 7) }
            #expect(decoded.position == 42)
            #expect(decoded.streamVersion == 7)
            #expect(decoded.recordedAt == time)
            expectSameContent(decoded, c.event, stream: c.stream, namesInNFC: false)

            let header = try bytes.withUnsafeBytes { try EventBody.decodeHeader($0) }
            #expect(header.id == c.event.id)
            #expect(Array(header.stream.utf8) == Array(c.stream.utf8))
            #expect(header.tags.map { Array($0.utf8) } == c.event.tags.map { Array($0.utf8) })

            // A cut-off body is an error, never a shorter event.
            for cut in Set([0, 1, 17, bytes.count / 2, bytes.count - 1]) where cut < bytes.count {
                #expect(throws: RecordDecodingError.self) {
                    try bytes[..<cut].withUnsafeBytes { try EventBody.decode($0, position: 1, streamVersion: 1) }
                }
            }
        }
    }

    /// Through compression and the stored record layout, without LMDB.
    @Test func storedRecordRoundTripsThroughTheCodec() async throws {
        let codec = RecordCodec(dictionaries: DictionaryRegistry())
        await propertyCheck(count: 100, input: EventGenerators.cases) { c in
            let time = c.event.recordedAt ?? Timestamp(microseconds: -5)
            let prepared = try codec.prepare(c.event, stream: c.stream, recordedAt: time)
            let (high, low) = c.event.id.bigEndianHalves
            let version = high | 1
            let chain = (BigEndian.bytes(high) + BigEndian.bytes(low)).reversed() + BigEndian.bytes(low) + BigEndian.bytes(high)
            let size = StoredRecord.size(dictionaryID: prepared.dictionaryID, streamVersion: version, frameCount: prepared.frame.count)
            var record = [UInt8](repeating: 0, count: size)
            record.withUnsafeMutableBytes {
                StoredRecord.write(into: $0, dictionaryID: prepared.dictionaryID, chain: chain, streamVersion: version, frame: prepared.frame)
            }
            let decoded = try record.withUnsafeBytes { try codec.decode($0, position: 9) }
            #expect(decoded.streamVersion == version)
            #expect(decoded.recordedAt == time)
            expectSameContent(decoded, c.event, stream: c.stream, namesInNFC: false)
            let parsed = try record.withUnsafeBytes { raw in try Array(StoredRecord.parse(raw).chainPrefix) }
            #expect(parsed == Array(chain.prefix(StoredRecord.chainPrefixLength)))
        }
    }
}
