import EventLog
import Testing

/// Expected versions: noStream, exact, any; a conflict writes nothing.
@Suite(.timeLimit(.minutes(1))) struct ExpectedVersionContractTests {
    @Test(arguments: Engine.all) func expectedVersionsDecideAgainstTheStreamsLastVersion(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            let first = try await log.add([Fixtures.event(), Fixtures.event()], to: "member-1", expected: .noStream)
            #expect(first == AppendResult(positions: [1, 2], streamVersion: 2, alreadyStored: false))

            await #expect(throws: AppendConflict.self) { try await log.add([Fixtures.event()], to: "member-1", expected: .noStream) }
            do {
                try await log.add([Fixtures.event()], to: "member-1", expected: .exact(1))
                Issue.record("an append expecting version 1 of a stream at 2 went through")
            } catch let conflict as AppendConflict {
                #expect(conflict.actualVersion == .some(2))
            }
            do {
                try await log.add([Fixtures.event()], to: "nobody", expected: .exact(3))
                Issue.record("an append expecting version 3 of a missing stream went through")
            } catch let conflict as AppendConflict {
                #expect(conflict.actualVersion == .some(nil))
            }
            #expect(try await log.all().count == 2, "refused appends wrote nothing")
            #expect(log.head == 2)

            let exact = try await log.add([Fixtures.event()], to: "member-1", expected: .exact(2))
            #expect(exact.positions == [3] && exact.streamVersion == 3)
            let other = try await log.add([Fixtures.event()], to: "member-2", expected: .noStream)
            #expect(other.positions == [4] && other.streamVersion == 1)
            let any = try await log.add([Fixtures.event(), Fixtures.event()], to: "member-1", expected: .any)
            #expect(any.positions == [5, 6] && any.streamVersion == 5)

            let stream = try await log.events(inStream: "member-1", fromVersion: 1, limit: .max)
            #expect(stream.map(\.position) == [1, 2, 3, 5, 6])
            #expect(stream.map(\.streamVersion) == [1, 2, 3, 4, 5])
            #expect(try await log.events(inStream: "member-1", fromVersion: 4, limit: 1).map(\.position) == [5])
            #expect(try await log.events(inStream: "nobody", fromVersion: 1, limit: .max).isEmpty)
        }
    }

    /// Concurrent appends expecting the same version: one goes through, the others see it.
    @Test(arguments: Engine.all) func concurrentExactVersionsLetExactlyOneThrough(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            try await log.add([Fixtures.event()], to: "partup-1", expected: .noStream)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { (try? await log.add([Fixtures.event()], to: "partup-1", expected: .exact(1))) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await log.events(inStream: "partup-1", fromVersion: 1, limit: .max).map(\.streamVersion) == [1, 2])
        }
    }
}
