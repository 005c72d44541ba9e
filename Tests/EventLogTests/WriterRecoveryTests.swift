import Foundation
import Testing
@testable import EventLog

/// After a failed commit the writer reloads its state from disk. When even that fails,
/// the writer must not stay stopped: the requests of that moment are refused with
/// EventStoreUnavailable, and the next append tries the reload again and goes on.
@Suite struct WriterRecoveryTests {
    struct DiskFull: Error {}
    struct ReadFailed: Error {}

    @Test(.timeLimit(.minutes(1))) func aFailedReloadIsTriedAgainWithTheNextAppend() async throws {
        try await Fixtures.withStore { store, _ in
            #expect(try await store.append([Fixtures.event()], to: "s").positions == [1])
            let writer = try #require(store.writer)
            writer.committer.failNextCommit.withLock { $0 = DiskFull() }
            writer.failReloads.withLock { $0 = ReadFailed() }

            await #expect(throws: DiskFull.self) { try await store.append([Fixtures.event()], to: "s") }
            let refused = await #expect(throws: EventStoreUnavailable.self) { try await store.append([Fixtures.event()], to: "s") }
            #expect(refused?.description.contains("could not recover from a storage failure") == true, "\(String(describing: refused))")
            #expect(refused?.description.contains("ReadFailed") == true)
            #expect(store.head == 1)

            writer.failReloads.withLock { $0 = nil }  // the cause went away
            let again = Fixtures.event()
            #expect(try await store.append([again], to: "s", expected: .exact(1)).positions == [2])
            #expect(try store.read(from: 2, limit: 1).map(\.id) == [again.id])
            #expect(try store.verify().isIntact)
        }
    }

    /// An import's batches: after one fails, the later ones of its sequence are refused
    /// even once the writer has recovered, while other appends go on.
    @Test(.timeLimit(.minutes(1))) func aSequenceStopsAtItsFirstFailedAppend() async throws {
        try await Fixtures.withStore { store, _ in
            let sequence = AppendSequence()
            #expect(try await store.submit([Fixtures.event()], to: "s", sequence: sequence).result().positions == [1])
            try #require(store.writer).committer.failNextCommit.withLock { $0 = DiskFull() }
            let failed = try store.submit([Fixtures.event()], to: "s", sequence: sequence)
            await #expect(throws: DiskFull.self) { try await failed.result() }
            #expect(try await store.append([Fixtures.event()], to: "other").positions == [2], "the writer recovered")
            let later = try store.submit([Fixtures.event()], to: "s", sequence: sequence)
            await #expect(throws: DiskFull.self) { try await later.result() }
            #expect(sequence.firstFailure is DiskFull)
            #expect(store.head == 2)
        }
    }

    /// A commit is acknowledged only after the flush that carries its meta page. When that
    /// flush fails, the events are in the log but the caller hears that the disk did not
    /// confirm them; a retry with the same ids finds them, and appends go on.
    @Test(.timeLimit(.minutes(1))) func anUnconfirmedFlushIsReportedAndARetryFindsTheEvents() async throws {
        var durable = Fixtures.options()
        durable.durability = .durable
        try await Fixtures.withStore(durable) { store, _ in
            let writer = try #require(store.writer)
            writer.committer.failNextFlush.withLock { $0 = ReadFailed() }
            let event = Fixtures.event()
            let unconfirmed = await #expect(throws: AppendNotConfirmed.self) { try await store.append([event], to: "s") }
            #expect(unconfirmed?.description.contains("retry with the same event ids") == true)
            #expect(try store.read(from: 1, limit: 1).map(\.id) == [event.id], "written, only not confirmed")

            let retried = try await store.append([event], to: "s")
            #expect(retried.positions == [1] && retried.alreadyStored)
            #expect(try await store.append([Fixtures.event()], to: "s", expected: .exact(1)).positions == [2])
            #expect(try store.verify().isIntact)
        }
    }
}
