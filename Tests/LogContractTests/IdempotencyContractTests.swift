import EventLog
import Foundation
import Testing

/// Caller-chosen ids make appends safe to resend: a caller that lost an answer sends the
/// same events again and hears where they are.
@Suite(.timeLimit(.minutes(1))) struct IdempotencyContractTests {
    @Test(arguments: Engine.all) func resendingStoredIdsReturnsTheOriginalPositions(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            try await log.add([Fixtures.event()], to: "before")
            let events = (0..<3).map { Fixtures.event(tags: ["member:m\($0)"], note: "\($0)") }
            let first = try await log.add(events, to: "members", expected: .noStream)
            #expect(first.positions == [2, 3, 4] && !first.alreadyStored)
            try await log.add([Fixtures.event()], to: "after")

            // The resend even passes an expected version that no longer holds: it is the
            // same append, already decided.
            let again = try await log.add(events, to: "members", expected: .noStream)
            #expect(again.positions == [2, 3, 4] && again.alreadyStored && again.streamVersion == 3)
            #expect(log.head == 5)
            #expect(try await log.storedPosition(of: events[1].id) == 3)
            #expect(try await log.storedPosition(of: UUID()) == nil)

            // Some stored and some new is not a resend: refused, nothing written.
            await #expect(throws: InvalidAppend.self) {
                try await log.add([events[0], Fixtures.event()], to: "members")
            }
            #expect(try await log.all().count == 5)
        }
    }

    /// Two copies of one append in flight at once (a client retrying before the first
    /// answer came): one writes, both hear the same positions.
    @Test(arguments: Engine.all) func concurrentCopiesOfOneAppendWriteOnce(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            for round in 0..<5 {
                let events = (0..<2).map { Fixtures.event(note: "\(round)-\($0)") }
                let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                    for _ in 0..<4 { group.addTask { try await log.add(events, to: "retried-\(round)") } }
                    return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
                }
                #expect(Set(results.map(\.positions)).count == 1)
                #expect(results.filter { !$0.alreadyStored }.count == 1)
            }
            #expect(try await log.all().count == 10)
        }
    }
}
