import Foundation
import Synchronization
import Testing

@testable import EventLog

/// Catch-up then live: every event exactly once, in order, while appends keep coming.
@Suite struct SubscriptionTests {
    /// Collects the first `count` events of the subscription, bounded in time so that a
    /// subscription that stalls fails the test instead of hanging the suite. The bound is
    /// generous: on a loaded two-core machine the appends alone took over 8 s once.
    private static func collect(_ store: EventStore, from: Position, count: Int) async throws -> [RecordedEvent] {
        try await withTimeout(seconds: 60) {
            var events: [RecordedEvent] = []
            for try await event in store.subscribe(from: from) {
                events.append(event)
                if events.count == count { break }
            }
            return events
        }
    }

    @Test func catchUpTurnsLiveWithoutGapOrDuplicate() async throws {
        try await Fixtures.withStore { store, _ in
            for i in 0..<40 { try await store.put(tags: ["i:\(i)"], stream: "s\(i % 3)") }
            let total = 1_500

            // A subscriber that starts while appends are running...
            async let early = Self.collect(store, from: 1, count: total)
            // ...appenders: single events and batches, several tasks at once...
            let appending = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<4 {
                        group.addTask {
                            var done = 0
                            while done < (total - 40) / 4 {
                                let n = min(1 + (done % 7), (total - 40) / 4 - done)
                                _ = try await store.append((0..<n).map { _ in Fixtures.event(tags: ["w:\(writer)"]) }, to: "w\(writer)")
                                done += n
                                if done % 50 == 0 { await Task.yield() }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // ...and one that starts in the middle of them.
            try await Task.sleep(for: .milliseconds(20))
            let late = try await Self.collect(store, from: 500, count: total - 499)
            try await appending.value

            let events = try await early
            #expect(events.map(\.position) == Array(1...Position(total)))
            #expect(late.map(\.position) == Array(500...Position(total)))
            let stored = try store.all()
            #expect(events == stored, "the subscription hands out exactly what is stored")
            #expect(Array(stored[499...]) == late)
        }
    }

    @Test func subscriptionFromBeyondTheHeadWaitsForNewEvents() async throws {
        try await Fixtures.withStore { store, _ in
            for _ in 0..<5 { try await store.put() }
            async let next = Self.collect(store, from: 6, count: 3)
            try await Task.sleep(for: .milliseconds(50))
            for _ in 0..<3 { try await store.put(stream: "later") }
            #expect(try await next.map(\.position) == [6, 7, 8])
            #expect(try await next.allSatisfy { $0.stream == "later" })
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
    }

    /// Runs a subscriber in a task; `seen` tells how many events it has had so far.
    private static func reader(_ store: EventStore, seen: Counter) -> Task<Int, any Error> {
        Task {
            var count = 0
            do {
                for try await _ in store.subscribe() {
                    count += 1
                    seen.value.withLock { $0 = count }
                }
            } catch is CancellationError {}  // cancelled between two events: also an end
            return count
        }
    }

    private static func waitUntil(_ seen: Counter, reaches count: Int) async throws {
        let deadline = Date().addingTimeInterval(5)
        while seen.value.withLock({ $0 }) < count {
            guard Date() < deadline else { throw TimedOut(seconds: 5) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func subscriptionEndsWhenTheStoreCloses() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try EventStore.open(directory: folder.url, options: Fixtures.options())
        try await store.put()
        let seen = Counter()
        let reader = Self.reader(store, seen: seen)
        try await Self.waitUntil(seen, reaches: 1)
        try await Task.sleep(for: .milliseconds(20))  // now waiting for a commit
        store.close()
        let count = try await withTimeout(seconds: 5) {
            try await withTaskCancellationHandler { try await reader.value } onCancel: { reader.cancel() }
        }
        #expect(count == 1)
    }

    @Test func cancellingTheReadingTaskEndsTheSubscription() async throws {
        try await Fixtures.withStore { store, _ in
            try await store.put()
            let seen = Counter()
            let reader = Self.reader(store, seen: seen)
            try await Self.waitUntil(seen, reaches: 1)
            reader.cancel()
            let count = try await withTimeout(seconds: 5) {
                try await withTaskCancellationHandler { try await reader.value } onCancel: { reader.cancel() }
            }
            #expect(count == 1)
            try await store.put()  // the store goes on without it
            #expect(store.head == 2)
        }
    }
}
