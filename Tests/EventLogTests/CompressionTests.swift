import PropertyBased
import Testing

@testable import EventLog

/// ~300-byte JSON events like a tribe's: fixed field names, a few recurring values,
/// and ids, timestamps and message bodies that vary.
private func eventSamples(count: Int, seed: UInt64) -> [[UInt8]] {
    // Seeded, so the samples, the dictionary and the printed figures are the same everywhere.
    var rng = SplitMix64(seed: seed)
    let types = ["MessagePosted", "MemberJoined", "ReactionAdded", "MessageEdited", "MemberLeft", "TopicRenamed"]
    let words = ["hello", "tribe", "meeting", "tomorrow", "photo", "thanks", "great", "lunch", "plan",
                 "see", "you", "at", "the", "weekend", "park", "who", "is", "coming", "tonight"]
    let platforms = ["ios", "android", "web"]
    return (0..<count).map { _ in
        let body = (0..<Int.random(in: 4...14, using: &rng))
            .map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        let time = "2025-03-\(Int.random(in: 10...28, using: &rng))T\(Int.random(in: 10...23, using: &rng)):"
            + "\(Int.random(in: 10...59, using: &rng)):\(Int.random(in: 10...59, using: &rng))."
            + "\(Int.random(in: 100...999, using: &rng))Z"
        let json = #"{"type":"\#(types.randomElement(using: &rng)!)","eventId":"evt-\#(UInt32.random(in: 0...UInt32.max, using: &rng))","#
            + #""tribeId":"tribe-\#(Int.random(in: 1...40, using: &rng))","actorId":"user-\#(Int.random(in: 1...900, using: &rng))","#
            + #""occurredAt":"\#(time)","schemaVersion":3,"payload":{"channel":"general","body":"\#(body)","#
            + #""mentions":["user-\#(Int.random(in: 1...900, using: &rng))"],"#
            + #""client":{"platform":"\#(platforms.randomElement(using: &rng)!)","version":"4.12.\#(Int.random(in: 0...3, using: &rng))"}}}"#
        return Array(json.utf8)
    }
}

/// Trained once: training takes a noticeable fraction of a second and most tests need it.
private let eventDictionary = Result { () throws(ZstdError) -> CompressionDictionary in
    try CompressionDictionary(id: 1, bytes: DictionaryTrainer.train(samples: eventSamples(count: 2000, seed: 1)))
}

private func roundTrip(
    _ bytes: [UInt8], _ dictionary: CompressionDictionary?,
    _ compressor: ZstdCompressor, _ decompressor: ZstdDecompressor
) throws -> [UInt8] {
    // A prefix checks that compress appends rather than overwrites.
    var frame: [UInt8] = [0xAB, 0xCD]
    try bytes.withUnsafeBytes { source in
        try compressor.compress(source, dictionary: dictionary, appendingTo: &frame)
    }
    #expect(frame.prefix(2) == [0xAB, 0xCD])
    var output: [UInt8] = [1, 2, 3]
    try frame.dropFirst(2).withUnsafeBytes { frame in
        try decompressor.decompress(frame, dictionary: dictionary, into: &output)
    }
    return output
}

private func frame(of bytes: [UInt8], _ dictionary: CompressionDictionary?) throws -> [UInt8] {
    var frame: [UInt8] = []
    try bytes.withUnsafeBytes { source in
        try ZstdCompressor().compress(source, dictionary: dictionary, appendingTo: &frame)
    }
    return frame
}

private func decompress(_ frame: [UInt8], _ dictionary: CompressionDictionary?, maxSize: Int = 16 << 20) throws -> [UInt8] {
    var output: [UInt8] = []
    try frame.withUnsafeBytes { frame in
        try ZstdDecompressor().decompress(frame, dictionary: dictionary, into: &output, maxSize: maxSize)
    }
    return output
}

@Suite struct CompressionTests {
    @Test func roundTripWithoutDictionary() async throws {
        let compressor = ZstdCompressor()
        let decompressor = ZstdDecompressor()
        #expect(try roundTrip([], nil, compressor, decompressor) == [])
        await propertyCheck(input: Gen.uint8().array(of: 0...4096)) { (bytes) async throws in
            #expect(try roundTrip(bytes, nil, compressor, decompressor) == bytes)
        }
        // Few distinct values, so zstd finds matches and emits compressed blocks.
        await propertyCheck(input: Gen.uint8(in: 0...3).array(of: 0...8192)) { (bytes) async throws in
            #expect(try roundTrip(bytes, nil, compressor, decompressor) == bytes)
        }
    }

    @Test func roundTripWithDictionary() async throws {
        let dictionary = try eventDictionary.get()
        let compressor = ZstdCompressor()
        let decompressor = ZstdDecompressor()
        #expect(try roundTrip([], dictionary, compressor, decompressor) == [])
        await propertyCheck(input: Gen.uint8().array(of: 0...4096), Gen.bool) { (bytes, useDictionary) async throws in
            // Switching dictionaries on the same contexts is what a writer thread does.
            let chosen = useDictionary ? dictionary : nil
            #expect(try roundTrip(bytes, chosen, compressor, decompressor) == bytes)
        }
        for sample in eventSamples(count: 200, seed: 3) {
            #expect(try roundTrip(sample, dictionary, compressor, decompressor) == sample)
        }
    }

    @Test func dictionaryShrinksEvents() throws {
        let dictionary = try eventDictionary.get()
        // Held-out events: the dictionary was trained on seed 1.
        let events = eventSamples(count: 2000, seed: 2)
        let compressor = ZstdCompressor()
        var plain: [UInt8] = []
        var withDictionary: [UInt8] = []
        for event in events {
            try event.withUnsafeBytes { source in
                try compressor.compress(source, dictionary: nil, appendingTo: &plain)
                try compressor.compress(source, dictionary: dictionary, appendingTo: &withDictionary)
            }
        }
        let raw = events.reduce(0) { $0 + $1.count }
        let ratio = Double(withDictionary.count) / Double(plain.count)
        print("""
            zstd level \(recordCompressionLevel), \(events.count) held-out events, dictionary \(dictionary.bytes.count) bytes: \
            raw \(raw) B (\(raw / events.count) B/event), without dictionary \(plain.count) B \
            (\(plain.count / events.count) B/event), with dictionary \(withDictionary.count) B \
            (\(withDictionary.count / events.count) B/event), with/without = \(ratio)
            """)
        #expect(ratio < 0.7)
    }

    @Test func wrongOrMissingDictionaryThrows() throws {
        let dictionary = try eventDictionary.get()
        // Binary events share nothing with the JSON the first dictionary learned, so every
        // frame fails to decode. Two dictionaries trained on similar events can turn a few
        // frames in a thousand into wrong bytes without an error (there is no checksum):
        // that is for the record layer's integrity check, not for this layer, to catch.
        var rng = SplitMix64(seed: 9)
        let binary = (0..<2000).map { _ in
            (0..<300).map { i in i % 4 == 0 ? UInt8.random(in: 0...255, using: &rng) : UInt8(i % 7) }
        }
        let other = try CompressionDictionary(id: 2, bytes: DictionaryTrainer.train(samples: binary))
        for sample in eventSamples(count: 50, seed: 4) {
            let frame = try frame(of: sample, dictionary)
            #expect(throws: ZstdError.self) { try decompress(frame, other) }
            #expect(throws: ZstdError.self) { try decompress(frame, nil) }
        }
    }

    @Test func corruptedFramesThrowOrNeverCrash() throws {
        let sample = eventSamples(count: 1, seed: 5)[0]
        let frame = try frame(of: sample, nil)
        #expect(throws: ZstdError.self) { try decompress([], nil) }
        for length in 0..<frame.count {
            #expect(throws: ZstdError.self) { try decompress(Array(frame.prefix(length)), nil) }
        }
        var badMagic = frame
        badMagic[0] ^= 0xFF
        let error = #expect(throws: ZstdError.self) { try decompress(badMagic, nil) }
        #expect(error?.description.contains("the record is damaged") == true)
        #expect(throws: ZstdError.self) { try decompress(frame, nil, maxSize: sample.count - 1) }
        // Magic, a descriptor without content size, a window byte, one empty raw block.
        let unknownSize: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x00, 0x01, 0x00, 0x00]
        #expect(throws: ZstdError.self) { try decompress(unknownSize, nil) }
        // Frames carry no checksum, so a flipped bit in a literal can decode to other
        // bytes; what must hold is that every damaged frame is refused or decoded safely.
        for index in frame.indices {
            for bit in 0..<8 {
                var damaged = frame
                damaged[index] ^= 1 << bit
                _ = try? decompress(damaged, nil)
            }
        }
    }

    @Test func trainingWithThreeSamplesThrows() throws {
        let samples = Array(eventSamples(count: 3, seed: 6))
        let error = #expect(throws: ZstdError.self) { try DictionaryTrainer.train(samples: samples) }
        #expect(error?.description.contains("from 3 events") == true)
        #expect(error?.description.contains("needs more events") == true)
        #expect(throws: ZstdError.self) { try DictionaryTrainer.train(samples: []) }
        #expect(throws: ZstdError.self) { try CompressionDictionary(id: 1, bytes: []) }
    }
}
