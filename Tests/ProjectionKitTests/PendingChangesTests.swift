import Testing

@testable import ProjectionKit

@Suite struct PendingChangesTests {
    /// Keys that share long prefixes, hold zero bytes and end within and past the 16 bytes
    /// the sort compares first.
    static func keys(_ count: Int) -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        var keys = Set<[UInt8]>()
        let stems: [[UInt8]] = [[], Array("member-in".utf8) + [0], Array("member-in".utf8) + [0, 0], Array("tribe\u{0}t1\u{0}m".utf8)]
        while keys.count < count {
            let stem = stems.randomElement(using: &generator)!
            let tail = (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 0...3, using: &generator) }
            let key = stem + tail
            if !key.isEmpty { keys.insert(key) }
        }
        return Array(keys)
    }

    @Test func findsWhatWasSetThroughGrowthAndForgetsItOnRemoveAll() {
        var pending = PendingChanges(capacity: 4)
        let keys = Self.keys(5_000)
        for (n, key) in keys.enumerated() { key.withUnsafeBytes { pending.set($0, .bytes([UInt8(n % 256)])) } }
        // Setting again replaces the value and adds no entry.
        for key in keys.prefix(100) { key.withUnsafeBytes { pending.set($0, .deleted) } }
        #expect(pending.count == keys.count)
        for (n, key) in keys.enumerated() {
            let index = key.withUnsafeBytes { pending.find($0) }
            guard let index else { Issue.record("key \(key) not found"); continue }
            switch pending.values[index] {
            case .bytes(let value): #expect(n >= 100 && value == [UInt8(n % 256)])
            case .deleted: #expect(n < 100)
            case .value: Issue.record("unexpected boxed value")
            }
        }
        pending.removeAll()
        #expect(pending.isEmpty)
        #expect(keys.allSatisfy { key in key.withUnsafeBytes { pending.find($0) } == nil })
    }

    @Test func sortsKeysInLMDBOrder() {
        var pending = PendingChanges()
        let keys = Self.keys(3_000)
        for key in keys { key.withUnsafeBytes { pending.set($0, .deleted) } }
        let sorted = pending.sortedIndices().map { index in pending.withKey(Int(index)) { Array($0) } }
        // memcmp order, shorter first on a common prefix: lexicographic order of the bytes.
        #expect(sorted == keys.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
