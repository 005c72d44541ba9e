import Foundation
import Testing

@testable import EventLog

/// LMDB's map starts tiny and doubles whenever a write fills it; the write is retried and
/// nothing is lost or written twice.
@Suite struct MapGrowthTests {
    /// Incompressible bytes, so the log really grows by what is appended.
    private static func noise(_ seed: Int, count: Int) -> [UInt8] {
        var state = (UInt64(bitPattern: Int64(seed)) &+ 1) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    @Test func tinyInitialMapGrowsWhileAppending() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var options = Fixtures.options(autoIndex: true)
        options.initialMapSize = 64 << 10
        var sent: [NewEvent] = []
        do {
            let store = try EventStore.open(directory: folder.url, options: options)
            defer { store.close() }
            #expect(store.logEnv.currentMapSize < 1 << 20)
            for batch in 0..<30 {
                let events = (0..<100).map { i in
                    NewEvent(type: "Bulk", tags: ["batch:\(batch)", "i:\(i % 10)"], payload: Self.noise(batch * 100 + i, count: 1_000))
                }
                sent += events
                _ = try await store.append(events, to: "bulk-\(batch % 3)")
            }
            // One event far larger than the whole initial map: overflow pages, several doublings.
            let big = NewEvent(type: "Big", payload: Self.noise(-1, count: 3 << 20))
            sent.append(big)
            #expect(try await store.append([big], to: "big").positions == [3_001])

            #expect(store.logEnv.currentMapSize >= 4 << 20)
            let stored = try store.all()
            #expect(stored.count == sent.count)
            #expect(stored.map(\.id) == sent.map(\.id))
            #expect(stored.map(\.payload) == sent.map(\.payload))
            try store.indexNow()
            #expect(store.indexEnv.currentMapSize > 64 << 10)
            #expect(try store.read(matching: .tags("batch:29", "i:3")).count == 10)
            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
            #expect(report.events == 3_001)
        }

        // Reopened with the same tiny setting, LMDB maps the whole file and keeps growing.
        let store = try EventStore.open(directory: folder.url, options: options)
        defer { store.close() }
        #expect(store.head == 3_001)
        #expect(try store.read(from: 2_999, limit: 3).map(\.id) == sent.suffix(3).map(\.id))
        let more = (0..<200).map { NewEvent(type: "More", payload: Self.noise(10_000 + $0, count: 2_000)) }
        let result = try await store.append(more, to: "more")
        #expect(result.positions.first == 3_002)
        #expect(try store.read(from: 3_002, limit: 500).map(\.payload) == more.map(\.payload))
        #expect(try store.verify().isIntact)
    }
}
