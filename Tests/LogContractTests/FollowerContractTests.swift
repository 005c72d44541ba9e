import EventLog
import Testing

/// A follower reads what is stored, then each new commit as it comes: with appends racing
/// it, it sees every position exactly once, in order.
@Suite(.timeLimit(.minutes(1))) struct FollowerContractTests {
    @Test(arguments: Engine.all) func followerCatchesUpThenFollowsLiveWithoutGapOrDuplicate(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            // Enough stored to take several reads to catch up (the follower reads 512 at a time).
            for chunk in 0..<3 {
                try await log.add((0..<400).map { Fixtures.event(note: "stored \(chunk)-\($0)") }, to: "stored-\(chunk)")
            }
            let stored = Int(log.head)
            let (writers, appendsEach) = (8, 30)
            var expectedTotal = stored
            for writer in 0..<writers { for append in 0..<appendsEach { expectedTotal += 1 + (writer + append) % 3 } }
            let total = expectedTotal

            let follower = Task {
                var seen: [Position] = []
                for try await event in log.follow(from: 1) {
                    seen.append(event.position)
                    if seen.count == total { break }
                }
                return seen
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for append in 0..<appendsEach {
                            let events = (0...((writer + append) % 3)).map { Fixtures.event(note: "live \(writer)-\(append)-\($0)") }
                            try await log.add(events, to: "writer-\(writer)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(log.head == Position(total))
            let seen = try await follower.value
            #expect(seen == Array(1...Position(total)))
        }
    }

    /// A wait is woken by the next commit, and ends (false) when its task is cancelled.
    @Test(arguments: Engine.all) func waitForCommitWakesOnCommitAndHonoursCancellation(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            let waiter = Task { await log.waitForCommit(after: 0) }
            try await log.add([Fixtures.event()])
            #expect(await waiter.value)

            let cancelled = Task { await log.waitForCommit(after: 100) }
            cancelled.cancel()
            #expect(await cancelled.value == false)
        }
    }
}
