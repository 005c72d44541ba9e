import Foundation
import Testing

@testable import EventLog

/// Expected-version checks: a conflict names the stream, says what was expected and
/// found, and writes nothing.
@Suite struct ExpectedVersionTests {
    @Test func noStreamOnAnExistingStreamConflictsAndWritesNothing() async throws {
        try await Fixtures.withStore { store, _ in
            _ = try await store.append([Fixtures.event(), Fixtures.event()], to: "tribe-7")
            let before = try store.all()
            let rejected = Fixtures.event()

            let conflict = await #expect(throws: AppendConflict.self) {
                try await store.append([rejected], to: "tribe-7", expected: .noStream)
            }
            #expect(conflict?.reason == .streamVersion(stream: "tribe-7", expected: .noStream, actual: 2))
            #expect(conflict?.description.contains("'tribe-7'") == true)
            #expect(conflict?.description.contains("version 2") == true)

            #expect(store.head == 2)
            #expect(try store.all() == before)
            #expect(try store.position(of: rejected.id) == nil)
            #expect(try store.read(stream: "tribe-7").map(\.streamVersion) == [1, 2])
        }
    }

    @Test func wrongExactVersionConflictsAndWritesNothing() async throws {
        try await Fixtures.withStore { store, _ in
            for _ in 0..<3 { try await store.put(stream: "partup-1") }
            try await store.put(stream: "other")

            for wrong: UInt64 in [0, 1, 2, 4, 99] {
                let conflict = await #expect(throws: AppendConflict.self) {
                    try await store.append([Fixtures.event()], to: "partup-1", expected: .exact(wrong))
                }
                #expect(conflict?.reason == .streamVersion(stream: "partup-1", expected: .exact(wrong), actual: 3))
                #expect(conflict?.description.contains("'partup-1'") == true)
            }
            #expect(store.head == 4)

            let result = try await store.append([Fixtures.event(), Fixtures.event()], to: "partup-1", expected: .exact(3))
            #expect(result.positions == [5, 6])
            #expect(result.streamVersion == 5)
            #expect(result.alreadyStored == false)
        }
    }

    @Test func exactVersionOnAMissingStreamConflicts() async throws {
        try await Fixtures.withStore { store, _ in
            try await store.put(stream: "present")
            let conflict = await #expect(throws: AppendConflict.self) {
                try await store.append([Fixtures.event()], to: "absent", expected: .exact(1))
            }
            #expect(conflict?.reason == .streamVersion(stream: "absent", expected: .exact(1), actual: nil))
            #expect(conflict?.description.contains("'absent' does not exist") == true)
            #expect(store.head == 1)

            let created = try await store.append([Fixtures.event()], to: "absent", expected: .noStream)
            #expect(created.positions == [2])
            #expect(created.streamVersion == 1)
        }
    }

    /// Many appends with the same `.exact` version race in the writer's batches: each
    /// round exactly one wins, the others see the version it wrote.
    @Test func racingExactAppendsLetExactlyOneWinPerRound() async throws {
        try await Fixtures.withStore { store, _ in
            try await store.put(stream: "race")
            var version: UInt64 = 1
            for round in 0..<20 {
                let expected = version
                let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            do {
                                _ = try await store.append([Fixtures.event(note: "r\(round)")], to: "race", expected: .exact(expected))
                                return true
                            } catch let conflict as AppendConflict {
                                #expect(conflict.reason == .streamVersion(stream: "race", expected: .exact(expected), actual: expected + 1))
                                return false
                            }
                        }
                    }
                    return try await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 }.count == 1, "round \(round)")
                version += 1
            }
            #expect(try store.read(stream: "race").map(\.streamVersion) == Array(1...21))
            #expect(store.head == 21)
        }
    }

    @Test func anyAppendsWhateverTheVersion() async throws {
        try await Fixtures.withStore { store, _ in
            let first = try await store.append([Fixtures.event()], to: "free", expected: .any)
            let second = try await store.append([Fixtures.event(), Fixtures.event()], to: "free", expected: .any)
            #expect(first.streamVersion == 1)
            #expect(second.streamVersion == 3)
            #expect(second.positions == [2, 3])
        }
    }
}
