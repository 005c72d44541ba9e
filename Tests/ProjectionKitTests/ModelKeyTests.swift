import Testing

@testable import ProjectionKit

@Suite struct ModelKeyTests {
    @Test func partsAreLaidOutAsBeforeInlineAndPastTheInlineBytes() {
        let long = String(repeating: "x", count: 70)
        for id in ["m1", String(repeating: "y", count: 40), long] {
            let key = ModelKey("member-in").with("t1").with(id).with(UInt64(258)).with(descending: 1)
            let expected = Array("member-in".utf8) + [0] + Array("t1".utf8) + [0] + Array(id.utf8) + [0]
                + [0, 0, 0, 0, 0, 0, 1, 2] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]
            #expect(key.bytes == expected)
            #expect(key.withUnsafeBytes { Array($0) } == expected)
        }
    }

    @Test func equalKeysAreEqualAndHashAlikeWhereverTheyLive() {
        let prefix = ModelKey("edge").with(String(repeating: "a", count: 60))
        let a = prefix.with("b")
        let b = ModelKey("edge").with(String(repeating: "a", count: 60)).with("b")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a != prefix.with("c"))
        #expect(ModelKey("t") != ModelKey("t").with(""))
        // The prefix a chain started from is left as it was.
        #expect(prefix.bytes == Array("edge".utf8) + [0] + Array(repeating: UInt8(ascii: "a"), count: 60) + [0])
    }
}
