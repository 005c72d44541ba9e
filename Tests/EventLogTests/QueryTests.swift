import Foundation
import Testing

@testable import EventLog

/// A deterministic little log and the questions asked of it, with the answers computed
/// from the events themselves by the reference rules.
enum QueryFixture {
    static let types = ["TribeCreated", "MemberJoined", "MemberLeft", "~Last"]  // "~Last": the last posting list of all
    static let members = ["a", "b", "c", "d", "e"]

    static func event(_ i: Int) -> (NewEvent, stream: String) {
        var tags = ["tribe:\(i % 3)", "member:\(members[i % 5])"]
        if i % 7 == 0 { tags.append("flag") }
        return (Fixtures.event(types[(i / 2) % 4], tags: tags, note: "\(i)"), "s\(i % 6)")
    }

    /// Appends events `range` one append per stream run, as a client would.
    static func populate(_ store: EventStore, _ range: ClosedRange<Int>) async throws {
        for i in range {
            let (event, stream) = event(i)
            _ = try await store.append([event], to: stream)
        }
    }

    static let queries: [Query] = [
        .tags("tribe:1"),
        .tags("tribe:1", "member:a"),
        .tags("flag", "tribe:2", "member:c"),
        Query([QueryItem(types: ["TribeCreated"])]),
        Query([QueryItem(types: ["MemberJoined", "MemberLeft"])]),
        Query([QueryItem(types: ["~Last"])]),
        .tags("tribe:2", types: ["MemberJoined"]),
        .tags("tribe:0", "member:b", types: ["MemberLeft", "~Last"]),
        Query([QueryItem(types: ["TribeCreated"]), QueryItem(tags: ["member:c"]), QueryItem(types: ["~Last"], tags: ["flag"])]),
        .tags("absent"),
        Query([QueryItem(types: ["Absent"])]),
        .tags("tribe:1", "absent"),
    ]

    /// Reads by query and by stream, and conditions, all agree with the reference.
    static func expectAnswers(_ store: EventStore, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let all = try store.all()
        let head = store.head
        let afters: [Position] = [0, 1, head / 3, head / 2 + 1, head > 0 ? head - 1 : 0, head]
        for query in queries {
            for after in afters {
                let expected = referencePositions(query, in: all, after: after)
                let found = try store.read(matching: query, after: after).map(\.position)
                #expect(found == expected, "\(label): \(query) after \(after)", sourceLocation: sourceLocation)
            }
        }
        for stream in Set(all.map(\.stream)) {
            let expected = all.filter { $0.stream == stream }
            let found = try store.read(stream: stream)
            #expect(found == expected, "\(label): stream \(stream)", sourceLocation: sourceLocation)
            #expect(found.map(\.streamVersion) == Array(1...UInt64(found.count)), sourceLocation: sourceLocation)
            #expect(try store.read(stream: stream, fromVersion: 2, limit: 3) == Array(expected.dropFirst().prefix(3)),
                    sourceLocation: sourceLocation)
        }
        // Probes have type Probe and no tags: they change no answer above.
        for query in queries {
            for after in afters {
                let expected = referencePositions(query, in: all, after: after)
                let conflict = try await store.probe(AppendCondition(failIfEventsMatch: query, after: after))
                if expected.isEmpty {
                    #expect(conflict == nil, "\(label): \(query) after \(after)", sourceLocation: sourceLocation)
                } else {
                    #expect(conflict.flatMap(\.conditionMatch).map(expected.contains) == true,
                            "\(label): \(query) after \(after) should conflict with one of \(expected)", sourceLocation: sourceLocation)
                }
            }
        }
    }
}

/// Queries and conditions see every committed event, whether the indexer wrote it yet
/// or it is still only in the in-memory tail.
@Suite struct QueryTests {
    @Test func answersFromTheTailAloneThenFromTheIndex() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            try await QueryFixture.populate(store, 1...80)
            #expect(store.indexedPosition == 0)
            try await QueryFixture.expectAnswers(store, "tail only")
            try store.indexNow()
            #expect(store.indexedPosition == store.head)
            #expect(store.tail.count == 0)
            try await QueryFixture.expectAnswers(store, "index only")
        }
    }

    @Test func answersFromIndexAndTailTogether() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            try await QueryFixture.populate(store, 1...50)
            try store.indexNow()
            try await QueryFixture.populate(store, 51...100)
            #expect(store.indexedPosition > 0 && store.indexedPosition < store.head)
            try await QueryFixture.expectAnswers(store, "half indexed")
            try store.indexNow()
            try await QueryFixture.expectAnswers(store, "indexed again")
        }
    }

    @Test func answersWhileTheBackgroundIndexerRuns() async throws {
        var options = Fixtures.options(autoIndex: true)
        options.indexBatchSize = 5
        try await Fixtures.withStore(options) { store, _ in
            try await QueryFixture.populate(store, 1...60)
            try await QueryFixture.expectAnswers(store, "indexer running")
        }
    }

    /// An item with neither types nor tags matches every event, like an empty query.
    @Test func itemWithoutTypesOrTagsMatchesEverything() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            try await QueryFixture.populate(store, 1...10)
            let everything = Query([QueryItem()])
            #expect(try store.read(matching: everything).map(\.position) == Array(1...10))
            try store.indexNow()
            try await QueryFixture.populate(store, 11...12)
            #expect(try store.read(matching: everything, after: 3).map(\.position) == Array(4...12))
            #expect(try store.read(matching: Query([QueryItem(), QueryItem(tags: ["flag"])]), after: 8).map(\.position) == [9, 10, 11, 12])
        }
    }

    /// Posting lists long enough for many blocks, written by many indexer runs that extend
    /// the last block, read from every kind of starting point.
    @Test func longPostingListsReadFromAnyPosition() async throws {
        var options = Fixtures.options(autoIndex: false)
        options.indexBatchSize = 97
        try await Fixtures.withStore(options) { store, _ in
            for chunk in 0..<40 {
                let events = (0..<50).map { j -> NewEvent in
                    let i = chunk * 50 + j
                    var tags = ["all", "mod3:\(i % 3)"]
                    if i % 250 == 0 { tags.append("rare") }
                    return Fixtures.event(i % 2 == 0 ? "Even" : "Odd", tags: tags)
                }
                _ = try await store.append(events, to: "chunk-\(chunk % 2)")
                if chunk % 6 == 5 { try store.indexNow() }
            }
            #expect(store.indexedPosition == 1_800)
            let all = try store.all()
            let queries: [Query] = [.tags("all"), .tags("mod3:1"), .tags("rare"), .tags("all", "mod3:2", types: ["Odd"]),
                                    Query([QueryItem(types: ["Even"])]), Query([QueryItem(types: ["Odd"]), QueryItem(tags: ["rare"])])]
            let afters: [Position] = [0, 1, 2, 119, 120, 121, 479, 480, 481, 999, 1_799, 1_800, 1_801, 1_999, 2_000]
            for query in queries {
                for after in afters {
                    #expect(try store.read(matching: query, after: after).map(\.position) == referencePositions(query, in: all, after: after),
                            "\(query) after \(after)")
                }
            }
            let chunk1 = all.filter { $0.stream == "chunk-1" }
            #expect(try store.read(stream: "chunk-1", fromVersion: 400, limit: 5) == Array(chunk1[399..<404]))
            #expect(try store.read(matching: .tags("all"), after: 10, limit: 3).map(\.position) == [11, 12, 13])
            #expect(try store.verify().isIntact)
        }
    }
}
