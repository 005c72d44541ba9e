import Foundation
import Testing
@testable import EventLog

/// A commit that fails (as on a full disk) fails its own callers and nothing else, leaves
/// the log as it was, and the writer goes on from the state on disk.
@Suite struct CommitFailureTests {
    struct DiskFull: Error {}

    @Test func failedCommitWritesNothingAndAppendsGoOn() async throws {
        try await Fixtures.withStore { store, folder in
            let first = Fixtures.event("Seated", tags: ["table:1"])
            #expect(try await store.append([first], to: "seats").positions == [1])

            store.writer!.committer.failNextCommit.withLock { $0 = DiskFull() }
            let lost = Fixtures.event("Seated", tags: ["table:2"])
            await #expect(throws: DiskFull.self) { try await store.append([lost], to: "seats", expected: .exact(1)) }
            #expect(store.head == 1)

            // The writer reloaded its state: the stream is still at version 1, the lost id
            // is not "already stored", and its tag was never seen.
            let retried = try await store.append([lost], to: "seats", expected: .exact(1),
                                                 condition: AppendCondition(failIfEventsMatch: .tags("table:2"), after: 1))
            #expect(retried.positions == [2])
            #expect(!retried.alreadyStored)
            #expect(try store.read(stream: "seats").map(\.id) == [first.id, lost.id])
            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
        }
    }

    @Test func requestsDecidedOnTopOfAFailedCommitFailToo() async throws {
        try await Fixtures.withStore { store, _ in
            _ = try await store.append([Fixtures.event()], to: "warm-up")
            store.writer!.committer.failNextCommit.withLock { $0 = DiskFull() }
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<32 {
                    group.addTask {
                        (try? await store.append([Fixtures.event(tags: ["n:\(i)"])], to: "s-\(i)")) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // Some requests may have been in the failed commit, some after it: whichever
            // succeeded are in the log exactly once, with consecutive positions.
            let succeeded = outcomes.filter { $0 }.count
            #expect(succeeded < 32)
            #expect(store.head == Position(1 + succeeded))
            let events = try store.read(from: 1, limit: 100)
            #expect(events.map(\.position) == Array(1...Position(1 + succeeded)))
            #expect(try store.verify().isIntact)
        }
    }
}
