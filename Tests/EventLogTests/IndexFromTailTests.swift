import Foundation
import Testing

@testable import EventLog

/// The indexer takes its input from the in-memory tail (already decoded), reads the log
/// only for positions the tail lacks, and stores ids in any order correctly.
@Suite struct IndexFromTailTests {
    static func entry(_ position: Position) -> TailIndex.Entry {
        TailIndex.Entry(position: position, id: UUID.v7(at: Timestamp(microseconds: Int64(position) * 1_000)), stream: "s\(position % 3)",
                        streamVersion: (position + 2) / 3, type: position % 2 == 0 ? "Even" : "Odd", tags: ["t:\(position % 5)", "all"])
    }

    /// An indexer over `store`'s environments fed by its own tail.
    static func indexer(_ store: EventStore, _ tail: TailIndex, batchSize: Int = 32) -> Indexer {
        Indexer(log: store.reader, env: store.indexEnv, index: store.indexDatabases, tail: tail, batchSize: batchSize, logger: store.options.logger)
    }

    /// The tail maps ids to positions only when one is looked up: whatever the order of
    /// appends, lookups and prunes, it finds exactly the entries it still holds.
    @Test func idLookupsSeeExactlyTheUnprunedEntries() {
        let tail = TailIndex(indexedUpTo: 0)
        let entries = (1...60).map { Self.entry(Position($0)) }
        func expectHolds(after pruned: Position, upTo appended: Position) {
            for entry in entries where entry.position <= 60 {
                let expected = entry.position > pruned && entry.position <= appended ? entry.position : nil
                #expect(tail.position(of: entry.id) == expected, "position \(entry.position)")
            }
        }
        tail.append(Array(entries[0..<10]))
        tail.prune(upTo: 4)  // before any lookup
        expectHolds(after: 4, upTo: 10)
        tail.append(Array(entries[10..<30]))
        tail.prune(upTo: 15)  // covered and uncovered ids both go
        expectHolds(after: 15, upTo: 30)
        tail.append(Array(entries[30..<60]))
        #expect(tail.idSnapshot().count == 45)
        tail.prune(upTo: 60)  // everything
        expectHolds(after: 60, upTo: 60)
        #expect(tail.idSnapshot().isEmpty && tail.count == 0)
    }

    @Test func indexesFromTheTailWithoutTheLog() async throws {
        // The log is empty: everything indexed can only have come from the tail.
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            let entries = (1...100).map { Self.entry(Position($0)) }
            let tail = TailIndex(indexedUpTo: 0)
            tail.append(entries)
            #expect(try Self.indexer(store, tail).catchUp(to: 100) == 100)
            #expect(tail.count == 0)
            #expect(store.indexedPosition == 100)

            let (tag, even, stream) = try store.indexEnv.read { txn in
                let postings = PostingReader(txn: txn, postings: store.indexDatabases.postings)
                return (try postings.positions(of: PostingName(kind: .tag, name: "t:2"), after: 0, upTo: 100),
                        try postings.positions(of: PostingName(kind: .type, name: "Even"), after: 50, upTo: 100),
                        try postings.positions(of: PostingName(kind: .stream, name: "s1"), after: 0, upTo: 100))
            }
            #expect(tag == entries.filter { $0.tags.contains("t:2") }.map(\.position))
            #expect(even == Array(stride(from: 52, through: 100, by: 2)))
            #expect(stream == entries.filter { $0.stream == "s1" }.map(\.position))
            let (positions, _) = try store.indexedPositions(of: entries.map(\.id))
            #expect(positions == entries.map(\.position))

            var expected = WriterState()
            for e in entries { expected.record(position: e.position, stream: e.stream, version: e.streamVersion, type: e.type, tags: e.tags) }
            IndexHeadsTests.expectSame(try IndexHeadsTests.loadedState(store), expected)
        }
    }

    @Test func aHoleInTheInputIsRefusedNotIndexed() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            // The tail starts at 31 and the (empty) log has nothing before it.
            let tail = TailIndex(indexedUpTo: 0)
            tail.append((31...60).map { Self.entry(Position($0)) })
            #expect(throws: (any Error).self) { try Self.indexer(store, tail).catchUp(to: 60) }
            #expect(store.indexedPosition == 0)
        }
    }

    @Test func positionsTheTailLacksAreReadFromTheLog() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            try await QueryFixture.populate(store, 1...60)
            // As if the first 25 had not reached the tail: they must come from the log.
            store.tail.prune(upTo: 25)
            #expect(store.tail.count == 35)
            #expect(try store.indexNow() == 60)
            #expect(store.tail.count == 0)
            #expect(try store.verify().isIntact)
            try await QueryFixture.expectAnswers(store, "indexed from log and tail")
            IndexHeadsTests.expectSame(try IndexHeadsTests.loadedState(store), IndexHeadsTests.replayed(try store.all()))
        }
    }

    /// Time-ordered ids go in at the end of `ids`; older and random ones in between, in
    /// the same batch and across batches.
    @Test func idsInAnyOrderAreFound() async throws {
        var options = Fixtures.options(autoIndex: false)
        options.indexBatchSize = 8
        try await Fixtures.withStore(options) { store, _ in
            func ids(_ milliseconds: [Int64]) -> [UUID] { milliseconds.map { UUID.v7(at: Timestamp(microseconds: $0 * 1_000)) } }
            let rounds: [[UUID]] = [
                ids(Array(5_000...5_011)),
                ids([9_000, 1_000, 5_005, 7_000]) + (0..<5).map { _ in UUID() },
                ids(Array(10_000...10_020)),
                ids([2_000, 2_000, 2_000]) + ids(Array(20_000...20_003)),
            ]
            var stored: [(UUID, Position)] = []
            for round in rounds {
                let result = try await store.append(round.map { NewEvent(id: $0, type: "T", tags: ["x"]) }, to: "s")
                stored += zip(round, result.positions).map { ($0, $1) }
                try store.indexNow()
            }
            #expect(store.tail.count == 0)
            let (found, _) = try store.indexedPositions(of: stored.map(\.0))
            #expect(found == stored.map(\.1))
            #expect(try store.indexEnv.read { try $0.entryCount(store.indexDatabases.ids) } == stored.count)
            #expect(try store.verify().isIntact)
            // A retried append still finds its events through the index.
            let retry = try await store.append(rounds[1].map { NewEvent(id: $0, type: "T", tags: ["x"]) }, to: "s")
            #expect(retry.alreadyStored)
        }
    }
}
