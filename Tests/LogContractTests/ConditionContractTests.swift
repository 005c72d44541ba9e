import EventLog
import Testing
import TribelogSupport

/// DCB conditions: evaluated against the log at the moment of the append, including
/// appends that race with it.
@Suite(.timeLimit(.minutes(1))) struct ConditionContractTests {
    @Test(arguments: Engine.all) func aConditionFailsOnAMatchAfterItsPosition(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            try await log.add([Fixtures.event("TribeFounded", tags: ["tribe:t1"])], to: "tribe-t1")
            try await log.add([Fixtures.event("MemberJoined", tags: ["tribe:t1", "member:m1"])], to: "member-m1")
            try await log.add([Fixtures.event("MemberJoined", tags: ["tribe:t2", "member:m1"])], to: "member-m1")

            /// The positions a conflict may name: every event after `after` that matches
            /// (engines name different ones: LMDB its last-seen position of a tag, PostgreSQL
            /// the first). Nil when the probe went through.
            func conflict(_ query: Query, after: Position?) async throws -> Set<Position>? {
                let candidates = try await log.all().filter { $0.position > (after ?? 0) && referenceMatches(query, $0) }
                do {
                    try await log.add([Fixtures.event("Probe")], to: "probes",
                                      condition: AppendCondition(failIfEventsMatch: query, after: after))
                    return nil
                } catch let conflict as AppendConflict {
                    let match: Position = try #require(conflict.conditionMatch, "a condition conflict names its match")
                    #expect(candidates.contains { $0.position == match }, "the conflict names \(match), which does not match")
                    return Set(candidates.map(\.position))
                }
            }
            // Tags only, types only, both, OR-ed items; `after` nil means "anything at all".
            #expect(try await conflict(.tags("tribe:t1"), after: nil) == [1, 2])
            #expect(try await conflict(.tags("tribe:t1"), after: 1) == [2])
            #expect(try await conflict(.tags("tribe:t1", "member:m1"), after: 0) == [2])
            #expect(try await conflict(Query([QueryItem(types: ["MemberJoined"])]), after: 2) == [3])
            #expect(try await conflict(.tags("member:m1", types: ["TribeFounded"]), after: 0) == nil)
            #expect(try await conflict(Query([QueryItem(tags: ["tribe:t9"]), QueryItem(tags: ["tribe:t2"])]), after: 0) == [3])
            let count = try await log.all().count  // the probe that went through is an event now
            #expect(count == 4)
            #expect(try await conflict(.tags("tribe:t2"), after: 3) == nil, "nothing after the match itself")
            // A query without items, or with an empty item, matches every event.
            #expect(try await conflict(Query.all, after: Position(count + 1)) == nil)
            #expect(try await conflict(Query.all, after: 4) == [5, 6])
            #expect(try await conflict(Query([QueryItem(tags: ["tribe:none"]), QueryItem()]), after: 0) == Set(1...6))
        }
    }

    /// 16 deciders read the same state and append under the same condition at once: exactly
    /// one wins, the others are told, and the losers wrote nothing. Twice, so the second
    /// round races on a log that already holds the first winner.
    @Test(arguments: Engine.all) func sixteenRacersOneWinner(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            try await log.add([Fixtures.event("PartupOpened", tags: ["partup:p1"])], to: "partup-p1")
            for round in 0..<2 {
                let seen = log.head
                let condition = AppendCondition(failIfEventsMatch: Query([QueryItem(types: ["SeatTaken"], tags: ["partup:p1"])]),
                                                after: seen)
                let results = await withTaskGroup(of: Result<AppendResult, any Error>.self) { group in
                    for racer in 0..<16 {
                        group.addTask {
                            await Result {
                                try await log.add([Fixtures.event("SeatTaken", tags: ["partup:p1", "member:r\(round)-\(racer)"])],
                                                  to: "racer-\(round)-\(racer)", condition: condition)
                            }
                        }
                    }
                    return await group.reduce(into: [Result<AppendResult, any Error>]()) { $0.append($1) }
                }
                let winners = results.compactMap { try? $0.get() }
                #expect(winners.count == 1, "round \(round): \(winners.count) winners")
                let conflicts = results.filter { if case .failure(let error) = $0 { return error is AppendConflict }; return false }
                #expect(conflicts.count == 15, "round \(round): the losers hear a conflict")
                let seats = try await log.events(matching: Query([QueryItem(types: ["SeatTaken"])]), after: seen, limit: .max)
                #expect(seats.map(\.position) == winners.flatMap(\.positions))
                #expect(log.head == seen + 1)
            }
        }
    }
}
