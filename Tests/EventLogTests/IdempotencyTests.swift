import Foundation
import Testing

@testable import EventLog

/// Re-appending events whose ids are already stored returns the original positions and
/// writes nothing, wherever the ids are found: the batch being decided, the in-memory
/// tail, the ids index, or after a reopen.
@Suite struct IdempotencyTests {
    private static func expectRetryReturnsOriginal(_ store: EventStore, _ events: [NewEvent], stream: String,
                                                   original: [Position], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let head = store.head
        let before = try store.all()
        // Even with an expected version that no longer holds: a retry of an append that
        // went through must not turn into a conflict.
        let retried = try await store.append(events, to: stream, expected: .noStream)
        #expect(retried.positions == original, sourceLocation: sourceLocation)
        #expect(retried.alreadyStored, sourceLocation: sourceLocation)
        #expect(store.head == head, sourceLocation: sourceLocation)
        #expect(try store.all() == before, sourceLocation: sourceLocation)
        for (event, position) in zip(events, original) {
            #expect(try store.position(of: event.id) == position, sourceLocation: sourceLocation)
        }
    }

    @Test func retryFromTheTailReturnsOriginalPositions() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            try await store.put(stream: "other")
            let events = [Fixtures.event(tags: ["a"]), Fixtures.event(tags: ["b"])]
            let first = try await store.append(events, to: "s", expected: .noStream)
            #expect(first.positions == [2, 3])
            #expect(first.alreadyStored == false)
            try await Self.expectRetryReturnsOriginal(store, events, stream: "s", original: [2, 3])
            let retried = try await store.append(events, to: "s")
            #expect(retried.streamVersion == 2)
        }
    }

    @Test func retryThroughTheIdsIndexReturnsOriginalPositions() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            let events = (0..<5).map { Fixtures.event(tags: ["n:\($0)"]) }
            _ = try await store.append(events, to: "s")
            try await store.put(stream: "later")
            #expect(try store.indexNow() == 6)
            #expect(store.tail.count == 0, "the tail is pruned: only the ids index knows these ids")
            try await Self.expectRetryReturnsOriginal(store, events, stream: "s", original: [1, 2, 3, 4, 5])
            try await Self.expectRetryReturnsOriginal(store, [events[2]], stream: "s", original: [3])
        }
    }

    @Test func retryAfterReopenReturnsOriginalPositions() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let indexed = (0..<3).map { _ in Fixtures.event() }
        let unindexed = (0..<3).map { _ in Fixtures.event() }
        do {
            let store = try EventStore.open(directory: folder.url, options: Fixtures.options(autoIndex: false))
            defer { store.close() }
            _ = try await store.append(indexed, to: "s")
            try store.indexNow()
            _ = try await store.append(unindexed, to: "t")
        }
        let store = try EventStore.open(directory: folder.url, options: Fixtures.options(autoIndex: false))
        defer { store.close() }
        #expect(store.indexedPosition == 3)
        try await Self.expectRetryReturnsOriginal(store, indexed, stream: "s", original: [1, 2, 3])
        try await Self.expectRetryReturnsOriginal(store, unindexed, stream: "t", original: [4, 5, 6])
        try store.indexNow()
        try await Self.expectRetryReturnsOriginal(store, unindexed, stream: "t", original: [4, 5, 6])
        #expect(try store.verify().isIntact)
    }

    /// The index catches up between the caller's lookup and the writer's decision: the
    /// writer must look again instead of trusting the caller's "not indexed".
    @Test func retryWhileTheIndexerRunsReturnsOriginalPositions() async throws {
        var options = Fixtures.options(autoIndex: true)
        options.indexBatchSize = 7
        try await Fixtures.withStore(options) { store, _ in
            var sent: [(NewEvent, Position)] = []
            for i in 0..<150 {
                let event = Fixtures.event(tags: ["i:\(i)"])
                sent.append((event, try await store.append([event], to: "s\(i % 5)").positions[0]))
                if i % 3 == 0 {
                    let (old, position) = sent[i / 2]
                    let retried = try await store.append([old], to: "anything")
                    #expect(retried.positions == [position])
                    #expect(retried.alreadyStored)
                }
            }
            #expect(store.head == 150)
        }
    }

    /// The writer forgets ids the index holds (here after every few appends): a retry of
    /// one is still found, through the index.
    @Test func retriesAreFoundAfterTheWriterForgetsIndexedIDs() async throws {
        var options = Fixtures.options(autoIndex: true)
        options.indexBatchSize = 5
        try await Fixtures.withStore(options) { store, _ in
            try #require(store.writer).recentIDsPruneFloor = 4
            var sent: [(NewEvent, Position)] = []
            for i in 0..<120 {
                let event = Fixtures.event(tags: ["i:\(i)"])
                sent.append((event, try await store.append([event], to: "s\(i % 3)").positions[0]))
                if i % 10 == 9 { _ = try store.indexNow() }
                if i % 4 == 0 {
                    let (old, position) = sent[i / 3]
                    let retried = try await store.append([old], to: "anything")
                    #expect(retried.positions == [position] && retried.alreadyStored)
                }
            }
            #expect(store.head == 120)
            #expect(try store.verify().isIntact)
        }
    }

    @Test func partialDuplicateIsInvalidAndWritesNothing() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            let stored = Fixtures.event()
            _ = try await store.append([stored], to: "s")
            let fresh = Fixtures.event()
            let error = await #expect(throws: InvalidAppend.self) {
                try await store.append([stored, fresh], to: "s")
            }
            #expect(error?.description.contains("1 of the 2 events are already stored") == true)
            #expect(store.head == 1)
            #expect(try store.position(of: fresh.id) == nil)

            try store.indexNow()
            await #expect(throws: InvalidAppend.self) { try await store.append([fresh, stored], to: "s") }
            #expect(store.head == 1)
        }
    }

    /// The same request sent many times at once: one writes, all get the same positions.
    @Test func concurrentDuplicatesAreWrittenOnce() async throws {
        try await Fixtures.withStore { store, _ in
            for round in 0..<10 {
                let events = [Fixtures.event(note: "\(round)"), Fixtures.event(note: "\(round)")]
                let head = store.head
                let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                    for _ in 0..<6 { group.addTask { try await store.append(events, to: "dup") } }
                    return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
                }
                #expect(Set(results.map(\.positions)) == [[head + 1, head + 2]], "round \(round)")
                #expect(results.filter { !$0.alreadyStored }.count == 1, "round \(round)")
                #expect(store.head == head + 2)
            }
            #expect(try store.read(stream: "dup").map(\.streamVersion) == Array(1...20))
        }
    }
}
