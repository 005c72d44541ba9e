import Foundation
import PropertyBased
import Testing

@testable import EventLog

/// Metadata strings in the body (`CompactString`): whatever the string, decoding gives
/// back its exact bytes; canonical UUID texts take 16 bytes and repeats one, and nothing
/// else is mistaken for either.
enum MetadataGenerators {
    struct Case: Sendable {
        var stream: String
        var event: NewEvent
    }

    static let cases = Generator<Case, Shrink.None<Case>> { rng in
        var event = EventGenerators.event(&rng)
        let stream = "pool-\(Int.random(in: 0..<3, using: &rng))"
        let actor = metadata(&rng, stream: stream, event: event, earlier: [])
        let correlation = metadata(&rng, stream: stream, event: event, earlier: [actor])
        let causation = metadata(&rng, stream: stream, event: event, earlier: [actor, correlation])
        event.metadata = EventMetadata(actor: actor, correlationID: correlation, causationID: causation)
        return Case(stream: stream, event: event)
    }

    /// UUID texts in either case, near misses, repeats of earlier fields (some only
    /// canonically equal), and free text.
    static func metadata(_ rng: inout some RandomNumberGenerator, stream: String, event: NewEvent, earlier: [String]) -> String {
        let uuid = EventGenerators.uuid(&rng).uuidString
        let names = [stream, event.type] + event.tags + earlier
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return uuid.lowercased()
        case 1: return uuid.uppercased()
        case 2, 3: return nearMiss(uuid, &rng)
        case 4: return names.randomElement(using: &rng)!
        case 5: return decomposed(names.randomElement(using: &rng)!)
        default: return EventGenerators.text(&rng)
        }
    }

    /// Text that is one edit away from a canonical UUID text, so must be stored as text.
    static func nearMiss(_ uuid: String, _ rng: inout some RandomNumberGenerator) -> String {
        var chars = Array(uuid.lowercased())
        let hexIndices = chars.indices.filter { chars[$0] != "-" }
        let letterIndices = hexIndices.filter { chars[$0].isLetter }
        switch Int.random(in: 0..<8, using: &rng) {
        case 0 where !letterIndices.isEmpty:  // one letter in the other case
            let i = letterIndices.randomElement(using: &rng)!
            chars[i] = Character(chars[i].uppercased())
        case 1: chars[hexIndices.randomElement(using: &rng)!] = ["g", "G", "-", " ", "é"].randomElement(using: &rng)!
        case 2: chars.remove(at: Int.random(in: 0..<chars.count, using: &rng))
        case 3: chars.insert(["0", "a", "-"].randomElement(using: &rng)!, at: Int.random(in: 0...chars.count, using: &rng))
        case 4: chars.swapAt(8, 9)  // a hyphen one place off
        case 5: return "{" + String(chars) + "}"
        case 6: return String(chars).replacingOccurrences(of: "-", with: "")
        default: return String(chars.map { $0 == "-" ? "_" : $0 })
        }
        return String(chars)
    }

    /// The same text in NFD: equal as a Swift String, different bytes.
    static func decomposed(_ s: String) -> String {
        let nfd = s.decomposedStringWithCanonicalMapping
        return Array(nfd.utf8) == Array(s.utf8) ? s + "e\u{301}" : nfd
    }
}

@Suite struct CompactStringTests {
    private static let time = Timestamp(microseconds: 1_700_000_000_000_000)

    private static func body(_ event: NewEvent, stream: String = "s") -> [UInt8] {
        EventBody.encode(id: event.id, stream: stream, event: event, recordedAt: time)
    }

    private static func event(actor: String = "", correlation: String = "", causation: String = "", tags: [String] = []) -> NewEvent {
        NewEvent(type: "t", tags: tags, metadata: EventMetadata(actor: actor, correlationID: correlation, causationID: causation))
    }

    /// Bytes the metadata takes beyond three empty strings (an empty string takes one
    /// byte, as a reference does: so a UUID text costs 16, a repeat 0, other text its length).
    private static func metadataCost(actor: String = "", correlation: String = "", causation: String = "", tags: [String] = []) -> Int {
        body(event(actor: actor, correlation: correlation, causation: causation, tags: tags)).count - body(event(tags: tags)).count
    }

    @Test func everyMetadataStringRoundTripsByteForByte() async {
        await propertyCheck(count: 300, input: MetadataGenerators.cases) { c in
            let bytes = EventBody.encode(id: c.event.id, stream: c.stream, event: c.event, recordedAt: c.event.recordedAt ?? Self.time)
            let decoded = try bytes.withUnsafeBytes { try EventBody.decode($0, position: 3, streamVersion: 2) }
            expectSameContent(decoded, c.event, stream: c.stream, namesInNFC: false)
            // A cut-off body is still an error, wherever the cut falls in the metadata.
            for cut in stride(from: bytes.count - 1, through: max(0, bytes.count - 60), by: -7) {
                #expect(throws: RecordDecodingError.self) {
                    try bytes[..<cut].withUnsafeBytes { try EventBody.decode($0, position: 1, streamVersion: 1) }
                }
            }
        }
    }

    @Test func uuidTextsOfEitherCaseTakeSixteenBytes() {
        for _ in 0..<200 {
            let uuid = UUID().uuidString
            for text in [uuid.lowercased(), uuid.uppercased()] {
                #expect(Self.metadataCost(correlation: text) == 16)
                let parsed = UUIDText.parse(text)
                #expect(parsed?.uppercase == (text == uuid.uppercased() && text != uuid.lowercased()))
                let rendered = parsed.map { p in withUnsafeBytes(of: p.0) { UUIDText.render($0, uppercase: p.uppercase) } }
                #expect(rendered.map { Array($0.utf8) } == Array(text.utf8))
            }
        }
        // Digits only: the same text in both cases, stored as lowercase, read back as is.
        let digits = "12345678-1234-1234-1234-123456789012"
        #expect(UUIDText.parse(digits)?.uppercase == false)
        #expect(Self.metadataCost(actor: digits) == 16)
    }

    /// Decoded UUID ids stay bytes until asked for; they read, compare, hash and export
    /// exactly as the strings they were appended as.
    @Test func decodedUUIDIdsBehaveAsTheirStrings() throws {
        for text in [UUID().uuidString.lowercased(), UUID().uuidString.uppercased()] {
            let original = Self.event(actor: "member:1", correlation: text, causation: text)
            let decoded = try Self.body(original).withUnsafeBytes { try EventBody.decode($0, position: 1, streamVersion: 1) }
            guard case .uuid = decoded.metadata.correlation, case .uuid = decoded.metadata.causation else {
                Issue.record("the ids were rendered while decoding")
                continue
            }
            #expect(decoded.metadata.correlationID == text && decoded.metadata.causationID == text)
            #expect(decoded.metadata == original.metadata)
            #expect(decoded.metadata.hashValue == original.metadata.hashValue)
            var fromBytes: [UInt8] = [], fromText: [UInt8] = []
            NDJSON.writeString(decoded.metadata.correlation, into: &fromBytes)
            NDJSON.writeString(text, into: &fromText)
            #expect(fromBytes == fromText)
            var changed = decoded.metadata
            changed.correlationID = "other"
            #expect(changed.correlationID == "other" && changed.causationID == text)
        }
    }

    @Test func nearMissesAreStoredAsText() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 16...16), Gen.bool) { bytes, upper in
            var rng = SystemRandomNumberGenerator()
            let uuid = bytes.withUnsafeBytes { UUIDText.render($0, uppercase: upper) }
            let miss = MetadataGenerators.nearMiss(uuid, &rng)
            guard Array(miss.utf8) != Array(uuid.lowercased().utf8), Array(miss.utf8) != Array(uuid.uppercased().utf8) else { return }
            #expect(UUIDText.parse(miss) == nil, "\(miss)")
            #expect(Self.metadataCost(actor: miss) == miss.utf8.count)
        }
    }

    @Test func repeatsTakeOneByte() {
        let uuid = UUID().uuidString.lowercased()
        #expect(Self.metadataCost(actor: "member:7", tags: ["tribe:1", "member:7"]) == 0)
        #expect(Self.metadataCost(correlation: uuid, causation: uuid) == 16)
        #expect(Self.metadataCost(actor: "free text", correlation: "free text") == 9)
        // Canonically equal is not equal: the bytes must survive.
        let nfc = "member:caf\u{E9}", nfd = "member:cafe\u{301}"
        #expect(Self.metadataCost(actor: nfd, tags: [nfc]) == nfd.utf8.count)
        let event = Self.event(actor: nfd, tags: [nfc])
        let decoded = try? Self.body(event).withUnsafeBytes { try EventBody.decode($0, position: 1, streamVersion: 1) }
        #expect(decoded.map { Array($0.metadata.actor.utf8) } == Array(nfd.utf8))
        // A repeat decodes to the earlier field's own storage: no second allocation.
        let name = "member:a-name-too-long-to-be-inline"
        let shared = try? Self.body(Self.event(actor: name, tags: [name]))
            .withUnsafeBytes { try EventBody.decode($0, position: 1, streamVersion: 1) }
        func storage(_ s: String) -> UnsafePointer<UInt8>? {
            var s = s
            return s.withUTF8 { $0.baseAddress }
        }
        #expect(shared.map { storage($0.metadata.actor) == storage($0.tags[0]) } == true)
        #expect(shared?.metadata.actor == name)
    }

    /// Damaged metadata is an error naming the field, never a crash or another string.
    @Test func damagedCompactStringsAreErrors() throws {
        // Stream "s", type "t", no tags, then the 8-byte time: the actor starts at byte 30.
        let actorAt = 1 + 16 + 2 + 2 + 1 + 8
        let good = Self.body(Self.event(actor: "x"))
        #expect(good[actorAt] == 2 && good[actorAt + 1] == UInt8(ascii: "x"))
        func decode(_ bytes: [UInt8]) throws -> RecordedEvent {
            try bytes.withUnsafeBytes { try EventBody.decode($0, position: 1, streamVersion: 1) }
        }
        #expect(try decode(good).metadata.actor == "x")
        // References are 5 + 2i: i = 2 is the actor itself, 3 the correlation after it.
        let references: [(index: UInt8, why: String)] = [(2, "the actor itself"), (3, "the correlation, written after it"), (40, "past every field")]
        for (index, why) in references {
            var bad = good
            bad[actorAt] = 5 + 2 * index
            #expect(throws: RecordDecodingError.self, "a reference to \(why)") { try decode(bad) }
        }
        var cut = Self.body(Self.event(actor: UUID().uuidString))
        cut.removeSubrange(actorAt + 5..<cut.count)
        #expect(throws: RecordDecodingError.truncated("actor")) { try decode(cut) }
        var invalid = good
        invalid[actorAt + 1] = 0xFF
        #expect(throws: RecordDecodingError.malformed("actor", "not valid UTF-8")) { try decode(invalid) }
    }
}
