import Foundation
import Testing

@testable import EventLog

/// Bad requests are refused before they reach the writer, with a message saying what is
/// wrong; nothing is written.
@Suite struct InvalidAppendTests {
    private static let max = AppendValidation.maxNameBytes
    private static let long = String(repeating: "x", count: max + 1)
    private static let longest = String(repeating: "\u{E9}", count: max / 2)  // two bytes each

    static let cases: [(label: String, events: [NewEvent], stream: String, message: String)] = {
        let twice = Fixtures.event()
        return [
            ("no events", [], "s", "at least one event"),
            ("empty stream", [Fixtures.event()], "", "stream name is empty"),
            ("NUL in stream", [Fixtures.event()], "s\0t", "stream name contains a NUL"),
            ("long stream", [Fixtures.event()], long, "stream name is \(max + 1) bytes long; at most \(max)"),
            ("empty type", [Fixtures.event("")], "s", "event type of event 0 is empty"),
            ("NUL in type", [Fixtures.event("Member\0Joined")], "s", "event type of event 0 contains a NUL"),
            ("long type", [Fixtures.event(), Fixtures.event(long)], "s", "event type of event 1 is \(max + 1) bytes long"),
            ("NUL in tag", [Fixtures.event(tags: ["tribe:1", "tag\0"])], "s", "tag of event 0 contains a NUL"),
            ("empty tag", [Fixtures.event(tags: [""])], "s", "tag of event 0 is empty"),
            ("long tag", [Fixtures.event(tags: [long])], "s", "tag of event 0 is \(max + 1) bytes long"),
            ("tag twice", [Fixtures.event(tags: ["a", "b", "a"])], "s", "lists a tag twice"),
            ("too many tags", [Fixtures.event(tags: (0..<65).map { "t\($0)" })], "s", "65 tags; at most 64"),
            ("big payload", [NewEvent(type: "Big", payload: [UInt8](repeating: 1, count: (4 << 20) + 1))], "s", "payload; at most"),
            ("duplicate ids", [twice, Fixtures.event(), twice], "s", "appears twice in one append"),
        ]
    }()

    @Test func invalidAppendsAreRefusedAndWriteNothing() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            let seed = try await store.put(tags: ["seed"])
            for c in Self.cases {
                let error = await #expect(throws: InvalidAppend.self, "\(c.label)") {
                    try await store.append(c.events, to: c.stream)
                }
                #expect(error?.description.contains(c.message) == true, "\(c.label): \(String(describing: error))")
                #expect(store.head == seed, "\(c.label)")
                for event in c.events { #expect(try store.position(of: event.id) == nil, "\(c.label)") }
            }
            #expect(try store.all().count == 1)
            #expect(try store.verify().isIntact)
        }
    }

    @Test func limitsThemselvesAreAccepted() async throws {
        try await Fixtures.withStore(Fixtures.options(autoIndex: false)) { store, _ in
            let event = NewEvent(type: Self.longest, tags: (0..<63).map { "t\($0)" } + [Self.longest],
                                 payload: [UInt8](repeating: 7, count: 4 << 20))
            let result = try await store.append([event], to: Self.longest)
            #expect(result.positions == [1])
            let stored = try #require(try store.read(from: 1, limit: 1).first)
            #expect(stored.stream == Self.longest)
            #expect(stored.tags.count == 64)
            #expect(stored.payload.count == 4 << 20)
            // The longest index key (type+tag head) must fit LMDB's key limit.
            #expect(try store.indexNow() == 1)
            #expect(try store.read(matching: .tags(Self.longest, "t0", types: [Self.longest])).map(\.position) == [1])
            #expect(try store.verify().isIntact)
        }
    }

    @Test func appendingToAReadOnlyOrClosedStoreIsRefused() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try EventStore.open(directory: folder.url, options: Fixtures.options())
        try await store.put()
        store.close()
        let closed = await #expect(throws: EventStoreUnavailable.self) { try await store.put() }
        #expect(closed?.description.contains("closed") == true)

        var options = Fixtures.options()
        options.readOnly = true
        let readOnly = try EventStore.open(directory: folder.url, options: options)
        defer { readOnly.close() }
        let refused = await #expect(throws: EventStoreUnavailable.self) { try await readOnly.put() }
        #expect(refused?.description.contains("read-only") == true)
        #expect(readOnly.head == 1)
    }
}
