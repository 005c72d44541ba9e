import EventLog
import Foundation
import Testing
import TribelogSupport

/// Shutting down finishes the appends in flight: each caller hears committed or refused,
/// and whatever was acknowledged is in the log when it is opened again.
@Suite(.timeLimit(.minutes(1))) struct ShutdownContractTests {
    @Test(arguments: Engine.all) func shutdownFinishesAppendsInFlight(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            let appends = Task {
                await withTaskGroup(of: (UUID, Result<AppendResult, any Error>).self) { group in
                    for writer in 0..<32 {
                        group.addTask {
                            let event = Fixtures.event(note: "\(writer)")
                            return (event.id, await Result { try await log.add([event], to: "w-\(writer)") })
                        }
                    }
                    return await group.reduce(into: [(UUID, Result<AppendResult, any Error>)]()) { $0.append($1) }
                }
            }
            #expect(await log.waitForCommit(after: 0), "some append commits before the shutdown")
            await log.shutdown()
            #expect(await log.waitForCommit(after: log.head) == false, "a wait on a shut-down log ends at once")
            let outcomes = await appends.value
            var acknowledged: [(UUID, Position)] = []
            for (id, outcome) in outcomes {
                switch outcome {
                case .success(let result): acknowledged.append((id, result.positions[0]))
                case .failure(let error): #expect(error is EventStoreUnavailable, "\(error)")
                }
            }
            #expect(!acknowledged.isEmpty)
            await #expect(throws: EventStoreUnavailable.self) { try await log.add([Fixtures.event()]) }

            let reopened = try await t.reopen()
            let stored = try await reopened.all()
            #expect(stored.count == acknowledged.count, "exactly the acknowledged appends are stored")
            for (id, position) in acknowledged {
                #expect(stored.first { $0.position == position }?.id == id)
            }
            await reopened.shutdown()
        }
    }
}
