import Foundation
import Testing

@testable import EventLog

/// Durable group commit with one flush per commit: concurrent appends share commits, each
/// is acknowledged only once the flush that carries its meta page is done, and what an
/// append acknowledged is readable the moment it returns (readers see up to the
/// acknowledged head, never a commit still waiting for its flush).
@Suite struct GroupCommitTests {
    @Test(.timeLimit(.minutes(1))) func concurrentAppendsShareCommitsAndAreReadableWhenAcknowledged() async throws {
        var durable = Fixtures.options(autoIndex: true)
        durable.durability = .durable
        try await Fixtures.withStore(durable) { store, folder in
            let writers = 32, appendsEach = 25
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for _ in 0..<appendsEach {
                            let event = Fixtures.event(tags: ["writer:\(writer)"])
                            let position = try await store.append([event], to: "w\(writer)").positions[0]
                            #expect(store.head >= position)
                            #expect(try store.read(from: position, limit: 1).map(\.id) == [event.id])
                            #expect(try store.position(of: event.id) == position)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let statistics = store.writerStatistics
            #expect(statistics.requests == writers * appendsEach)
            #expect(statistics.commits < statistics.requests, "\(statistics.commits) commits for \(statistics.requests) appends")
            #expect(store.head == Position(writers * appendsEach))
            #expect(try store.verify().isIntact)

            // Everything acknowledged is in the file for the next process.
            store.close()
            let reopened = try EventStore.open(directory: folder, options: durable)
            defer { reopened.close() }
            #expect(reopened.head == Position(writers * appendsEach))
        }
    }
}
