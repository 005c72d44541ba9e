import Foundation
import Testing

@testable import EventLog

/// Names that are the same string to Swift (canonically equivalent, e.g. "é" precomposed
/// and "e" + combining acute) but different bytes. The writer's in-memory maps and the tail
/// compare them as Swift strings, the index by bytes: the answers must not depend on
/// whether an event was indexed yet. The store keeps names in NFC.
@Suite struct UnicodeNameTests {
    static let composed = "caf\u{E9}"  // NFC
    static let decomposed = "cafe\u{301}"  // NFD

    @Test func canonicallyEquivalentNamesAreOneNameBeforeAndAfterIndexing() async throws {
        try #require(Self.composed == Self.decomposed && Array(Self.composed.utf8) != Array(Self.decomposed.utf8))
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let options = Fixtures.options(autoIndex: false)
        func expectOneName(_ store: EventStore, _ label: String) async throws {
            for name in [Self.composed, Self.decomposed] {
                #expect(try store.read(stream: name).map(\.position) == [1, 2], "\(label): stream \(name.unicodeScalars.count) scalars")
                #expect(try store.read(matching: .tags("tag:" + name)).map(\.position) == [1, 2], "\(label): tag")
                #expect(try store.read(matching: Query([QueryItem(types: [name])])).map(\.position) == [1, 2], "\(label): type")
                #expect(try await store.probe(AppendCondition(failIfEventsMatch: .tags("tag:" + name, types: [name]), after: 1))?
                    .conditionMatch == 2, "\(label): condition")
            }
        }
        do {
            let store = try EventStore.open(directory: folder.url, options: options)
            defer { store.close() }
            _ = try await store.append([Fixtures.event(Self.composed, tags: ["tag:" + Self.composed])], to: Self.composed, expected: .noStream)
            let second = try await store.append([Fixtures.event(Self.decomposed, tags: ["tag:" + Self.decomposed])],
                                                to: Self.decomposed, expected: .exact(1))
            #expect(second.streamVersion == 2)
            for event in try store.all() {
                #expect(Array(event.stream.utf8) == Array(Self.composed.utf8), "stored in NFC")
                #expect(Array(event.type.utf8) == Array(Self.composed.utf8))
                #expect(event.tags.map { Array($0.utf8) } == [Array(("tag:" + Self.composed).utf8)])
            }
            try await expectOneName(store, "tail")
            try store.indexNow()
            try await expectOneName(store, "indexed")
            #expect(try store.verify().isIntact)
        }
        let store = try EventStore.open(directory: folder.url, options: options)
        defer { store.close() }
        try await expectOneName(store, "reopened")
        let third = try await store.append([Fixtures.event()], to: Self.decomposed, expected: .exact(2))
        #expect(third.streamVersion == 3)
    }
}
