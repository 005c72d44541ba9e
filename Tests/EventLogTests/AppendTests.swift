import Foundation
import Testing
@testable import EventLog

@Suite struct AppendTests {
    @Test func appendedEventsReadBackInOrderAndSurviveReopen() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var ids: [UUID] = []
        do {
            let store = try EventStore.open(directory: folder.url, options: Fixtures.options())
            for i in 0..<10 {
                let event = Fixtures.event(tags: ["tribe:t\(i % 3)"], note: "n\(i)")
                ids.append(event.id)
                let result = try await store.append([event], to: "tribe-\(i % 3)")
                #expect(result.positions == [Position(i + 1)])
            }
            store.close()
        }
        let reopened = try EventStore.open(directory: folder.url, options: Fixtures.options())
        defer { reopened.close() }
        let events = try reopened.read(from: 1, limit: 100)
        #expect(events.map(\.id) == ids)
        #expect(events.map(\.position) == Array(1...10))
        #expect(try reopened.read(stream: "tribe-1").map(\.streamVersion) == [1, 2, 3])
        #expect(try reopened.read(matching: .tags("tribe:t2")).map(\.position) == [3, 6, 9])
        let result = try await reopened.append([Fixtures.event()], to: "tribe-1", expected: .exact(3))
        #expect(result.positions == [11])
        #expect(result.streamVersion == 4)
    }
}
