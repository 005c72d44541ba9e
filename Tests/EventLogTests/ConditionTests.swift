import Foundation
import Testing

@testable import EventLog

/// DCB append conditions: an append fails when an event matching the condition's query
/// was recorded after `after`, and only then; racing conditional appends let exactly one
/// through; a rejected request never fails the others of its group commit.
@Suite struct ConditionTests {
    @Test func conditionByTag() async throws {
        try await Fixtures.withStore { store, _ in
            let p1 = try await store.put(tags: ["tribe:1", "member:a"])
            try await store.put(tags: ["tribe:2", "member:b"])
            let tribe1 = Query.tags("tribe:1")

            let conflict = try await store.probe(AppendCondition(failIfEventsMatch: tribe1, after: 0))
            #expect(conflict?.reason == .condition(after: 0, matchingPosition: p1))
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: tribe1, after: nil))?.conditionMatch == p1)
            #expect(store.head == 2, "a refused append writes nothing")

            // Only non-matching events after `after`.
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: tribe1, after: p1)) == nil)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: .tags("tribe:3"), after: nil)) == nil)

            let p5 = try await store.put(tags: ["tribe:1"])
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: tribe1, after: p1))?.conditionMatch == p5)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: tribe1, after: p5)) == nil)
        }
    }

    @Test func conditionByType() async throws {
        try await Fixtures.withStore { store, _ in
            let created = try await store.put("TribeCreated", tags: ["tribe:1"])
            try await store.put("MemberJoined", tags: ["tribe:1"])
            let query = Query([QueryItem(types: ["TribeCreated", "MemberLeft"])])

            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: 0))?.conditionMatch == created)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: created)) == nil)

            let left = try await store.put("MemberLeft", tags: ["tribe:9"])
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: created))?.conditionMatch == left)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: left)) == nil)
        }
    }

    /// Several tags and a type: the "last position" maps cannot decide when every tag was
    /// seen after `after` on different events, so the postings and the tail must.
    @Test func conditionByTypeAndSeveralTags() async throws {
        try await Fixtures.withStore { store, _ in
            let p1 = try await store.put("PartnerJoined", tags: ["partup:1", "member:a"])
            try await store.put("PartnerJoined", tags: ["partup:1", "member:b"])  // other member
            try await store.put("PartnerLeft", tags: ["partup:1", "member:a"])  // other type
            try await store.put("PartnerJoined", tags: ["partup:2", "member:a"])  // other part-up
            let query = Query.tags("partup:1", "member:a", types: ["PartnerJoined"])

            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: 0))?.conditionMatch == p1)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: p1)) == nil)

            // Tags in another order, plus one the query does not name, still match.
            let again = try await store.put("PartnerJoined", tags: ["member:a", "extra", "partup:1"])
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: p1))?.conditionMatch == again)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: query, after: again)) == nil)

            // Items are OR-ed: either one conflicts.
            let either = Query([QueryItem(types: ["Nothing"]), QueryItem(types: ["PartnerLeft"], tags: ["member:a"])])
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: either, after: p1))?.conditionMatch == 3)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: either, after: 3)) == nil)
        }
    }

    @Test func emptyQueryConflictsWithAnyLaterEvent() async throws {
        try await Fixtures.withStore { store, _ async throws in
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: .all, after: nil)) == nil)
            let head = store.head
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: .all, after: head)) == nil)
            #expect(try await store.probe(AppendCondition(failIfEventsMatch: .all, after: head))?.conditionMatch == head + 1)
        }
    }

    /// Two deciders read the same state and both try to take the same seat: whether their
    /// requests land in one batch or in two, exactly one append goes through.
    @Test func racingConditionalAppendsLetExactlyOneWin() async throws {
        try await Fixtures.withStore { store, _ in
            try await store.put(tags: ["table:1"])
            for round in 0..<40 {
                let after = store.head
                // Even rounds: one tag (decided from the maps); odd rounds: type and two
                // tags (decided from postings, the tail and the batch's earlier requests).
                let tags = round % 2 == 0 ? ["seat:\(round)"] : ["seat:\(round)", "table:1"]
                let query = round % 2 == 0 ? Query.tags(tags[0]) : Query.tags(tags[0], tags[1], types: ["SeatTaken"])
                let racers = round % 4 == 1 ? 4 : 2
                let winners = try await withThrowingTaskGroup(of: Position?.self) { group in
                    for _ in 0..<racers {
                        group.addTask {
                            do {
                                return try await store.append([Fixtures.event("SeatTaken", tags: tags)], to: "seats",
                                                              condition: AppendCondition(failIfEventsMatch: query, after: after)).positions[0]
                            } catch let conflict as AppendConflict {
                                #expect(conflict.conditionMatch == after + 1)
                                return nil
                            }
                        }
                    }
                    return try await group.reduce(into: [Position]()) { if let p = $1 { $0.append(p) } }
                }
                #expect(winners == [after + 1], "round \(round)")
                #expect(store.head == after + 1)
            }
            #expect(try store.read(matching: .tags("table:1", types: ["SeatTaken"])).count == 20)
        }
    }

    /// Many concurrent appends, some refused (failing condition or expected version): the
    /// others are written, with consecutive positions, as if the refused ones never came.
    @Test func refusedRequestsDoNotFailTheirBatch() async throws {
        try await Fixtures.withStore { store, _ in
            let seed = try await store.put("Seeded", tags: ["seed"], stream: "seeded")
            for round in 0..<5 {
                let base = store.head
                let outcomes = try await withThrowingTaskGroup(of: (Int, UUID, Result<Position, AppendConflict>).self) { group in
                    for i in 0..<48 {
                        group.addTask {
                            let event = Fixtures.event("Load", tags: ["load:\(round)-\(i)"])
                            let condition: AppendCondition?
                            var expected = ExpectedVersion.any
                            var stream = "load-\(i % 4)"
                            switch i % 4 {
                            case 0: condition = AppendCondition(failIfEventsMatch: .tags("seed"), after: 0)  // fails
                            case 1: condition = AppendCondition(failIfEventsMatch: .tags("seed"), after: seed)  // holds
                            case 2: condition = nil; expected = .noStream; stream = "seeded"  // fails
                            default: condition = nil
                            }
                            do {
                                let result = try await store.append([event], to: stream, expected: expected, condition: condition)
                                return (i, event.id, .success(result.positions[0]))
                            } catch let conflict as AppendConflict {
                                return (i, event.id, .failure(conflict))
                            }
                        }
                    }
                    return try await group.reduce(into: [(Int, UUID, Result<Position, AppendConflict>)]()) { $0.append($1) }
                }
                var written: [Position] = []
                for (i, id, outcome) in outcomes {
                    switch outcome {
                    case .success(let position):
                        #expect(i % 4 == 1 || i % 4 == 3, "request \(i) should have been refused")
                        #expect(try store.read(from: position, limit: 1).first?.id == id)
                        written.append(position)
                    case .failure(let conflict):
                        #expect(i % 4 == 0 || i % 4 == 2, "request \(i) should have gone through: \(conflict)")
                        #expect(try store.position(of: id) == nil)
                    }
                }
                #expect(written.sorted() == Array(base + 1...base + 24), "round \(round)")
                #expect(store.head == base + 24)
            }
            #expect(try store.verify().isIntact)
        }
    }
}
