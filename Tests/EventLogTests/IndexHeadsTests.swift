import Foundation
import Testing

@testable import EventLog

/// The index's `heads` layout (one entry per tag with per-type positions by type number):
/// what a reopened writer loads from it decides conditions exactly as the events say,
/// `verify` notices changed heads, and an index of the older layout is rebuilt.
@Suite struct IndexHeadsTests {
    static let types = ["MemberJoined", "MemberLeft", "TribeCreated", "RoleGranted"]

    /// Events whose tags and types mix unevenly, so tags see different sets of types.
    static func populate(_ store: EventStore, _ range: ClosedRange<Int>) async throws {
        for i in range {
            var tags = ["tribe:\(i % 3)", "member:\(i % 5)"]
            if i % 4 == 0 { tags.append("flag") }
            _ = try await store.append([Fixtures.event(types[(i * 7 / 3) % types.count], tags: tags, note: "\(i)")], to: "s\(i % 4)")
        }
    }

    /// The writer state replayed from the events themselves.
    static func replayed(_ events: [RecordedEvent]) -> WriterState {
        var state = WriterState()
        for event in events {
            state.record(position: event.position, stream: event.stream, version: event.streamVersion, type: event.type, tags: event.tags)
        }
        return state
    }

    static func expectSame(_ loaded: WriterState, _ expected: WriterState, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(loaded.streams == expected.streams, sourceLocation: sourceLocation)
        #expect(loaded.typeLast == expected.typeLast, sourceLocation: sourceLocation)
        #expect(Set(loaded.tags.keys) == Set(expected.tags.keys), sourceLocation: sourceLocation)
        for (tag, heads) in expected.tags {
            let found = loaded.tags[tag]
            #expect(found?.last == heads.last, "tag \(tag)", sourceLocation: sourceLocation)
            let byType = Dictionary(uniqueKeysWithValues: (found?.byType ?? []).map { ($0.type, $0.position) })
            #expect(byType == Dictionary(uniqueKeysWithValues: heads.byType.map { ($0.type, $0.position) }), "tag \(tag)", sourceLocation: sourceLocation)
        }
    }

    static func loadedState(_ store: EventStore) throws -> WriterState {
        try EventStore.loadWriterState(reader: store.reader, indexEnv: store.indexEnv, index: store.indexDatabases, tail: nil)
    }

    @Test func reopenAfterIndexingDecidesTypeAndTagConditionsFromHeads() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var options = Fixtures.options(autoIndex: false)
        options.indexBatchSize = 16  // heads merged across several index transactions
        do {
            let store = try EventStore.open(directory: folder.url, options: options)
            defer { store.close() }
            try await Self.populate(store, 1...30)
            try store.indexNow()
            try await Self.populate(store, 31...75)  // a new type for some tags, not others
            _ = try await store.append([Fixtures.event("PartupLaunched", tags: ["tribe:1"])], to: "s9")
            try store.indexNow()
        }

        let store = try EventStore.open(directory: folder.url, options: options)
        defer { store.close() }
        #expect(store.tail.count == 0, "everything comes from the heads")
        let all = try store.all()
        Self.expectSame(try Self.loadedState(store), Self.replayed(all))

        for tag in ["tribe:0", "tribe:1", "tribe:2", "member:0", "member:3", "flag", "absent"] {
            for types in [[], ["PartupLaunched"], ["TribeCreated"], ["MemberJoined", "RoleGranted"], ["Absent"]] {
                let last = all.last { $0.tags.contains(tag) && (types.isEmpty || types.contains($0.type)) }?.position ?? 0
                let label = "\(tag) \(types)"
                #expect(try await store.probe(AppendCondition(failIfEventsMatch: .tags(tag, types: types), after: last)) == nil, "\(label)")
                if last > 0 {
                    let conflict = try await store.probe(AppendCondition(failIfEventsMatch: .tags(tag, types: types), after: last - 1))
                    #expect(conflict?.conditionMatch == last, "\(label)")
                }
            }
        }
        #expect(try store.verify().isIntact)
    }

    @Test func verifyFindsChangedHeads() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            try await Self.populate(store, 1...40)
            try store.indexNow()
            #expect(try store.verify().isIntact)
            let heads = store.indexDatabases.heads

            // One type's position under one tag moved back.
            let tagKey = HeadKey.tag("tribe:1")
            let original = try #require(try store.indexEnv.read { try $0.get(heads, key: tagKey).map(Array.init) })
            var changed = try original.withUnsafeBytes { try TagHead(decoding: $0) }
            changed.byType[0].position -= 1
            try store.indexEnv.write { try $0.put(heads, key: tagKey, value: changed.encoded) }
            var report = try store.verify()
            #expect(!report.isIntact)
            #expect(report.problems.first?.contains("heads of tag 'tribe:1'") == true, "\(report.problems)")
            try store.indexEnv.write { try $0.put(heads, key: tagKey, value: original) }
            #expect(try store.verify().isIntact)

            // A stream's version.
            try store.indexEnv.write { try $0.put(heads, key: HeadKey.stream("s2"), value: StreamHead(version: 1, position: 1).encoded) }
            report = try store.verify()
            #expect(report.problems.first?.contains("head of stream 's2'") == true, "\(report.problems)")

            // A type entry gone: tags now name an unknown type number.
            try store.indexEnv.write { _ = try $0.delete(heads, key: HeadKey.type(Self.types[0])) }
            report = try store.verify()
            #expect(!report.isIntact)
            #expect(report.problems.first?.hasPrefix("index:") == true, "\(report.problems)")
        }
    }

    @Test func indexOfTheOlderLayoutIsRebuiltFromTheLog() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let options = Fixtures.options(autoIndex: false)
        do {
            let store = try EventStore.open(directory: folder.url, options: options)
            defer { store.close() }
            try await Self.populate(store, 1...20)
            try store.indexNow()
            // What layout 1 looked like: no layout mark, a key per (type, tag) pair.
            try store.indexEnv.write { txn in
                _ = try txn.delete(store.indexDatabases.meta, key: MetaKey.format)
                try txn.put(store.indexDatabases.heads, key: [4] + Array("MemberJoined\u{0}tribe:1".utf8), value: [7])
            }
        }
        var readOnly = options
        readOnly.readOnly = true
        #expect(throws: DataFolderError.self) { try EventStore.open(directory: folder.url, options: readOnly) }

        let store = try EventStore.open(directory: folder.url, options: options)
        defer { store.close() }
        #expect(store.indexedPosition == 0)
        #expect(store.tail.count == 20)
        Self.expectSame(try Self.loadedState(store), Self.replayed(try store.all()))
        try store.indexNow()
        #expect(try store.verify().isIntact)
        Self.expectSame(try Self.loadedState(store), Self.replayed(try store.all()))
    }

    @Test func tagHeadEncodingRoundTrips() throws {
        var head = TagHead()
        head.record(number: 3, position: 40)
        head.record(number: 0, position: 7)
        head.record(number: 3, position: 41)
        head.record(number: 1, position: 1_000_000)
        #expect(head.last == 1_000_000)
        #expect(head.byType.map(\.number) == [0, 1, 3])
        let decoded = try head.encoded.withUnsafeBytes { try TagHead(decoding: $0) }
        #expect(decoded == head)
        #expect(decoded.byType.map(\.position) == [7, 1_000_000, 41])
        // Out of order type numbers are refused, not guessed at.
        let unordered: [UInt8] = [10, 2, 0, 1, 0]
        #expect(throws: RecordDecodingError.self) { try unordered.withUnsafeBytes { try TagHead(decoding: $0) } }
    }
}
