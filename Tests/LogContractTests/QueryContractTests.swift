import EventLog
import Testing

/// Reads by query and conditions agree with the reference matcher on a generated log.
@Suite(.timeLimit(.minutes(1))) struct QueryContractTests {
    static let types = ["TribeFounded", "MemberJoined", "MemberLeft", "PartupOpened"]
    static let tags = ["tribe:t1", "tribe:t2", "member:m1", "member:m2", "member:m3", "partup:p1", "caf\u{E9}:1"]

    /// Types only, tags only, both, several items, an empty item, no items, names nobody uses.
    static let queries: [Query] = [
        Query.all,
        Query([QueryItem()]),
        Query([QueryItem(types: ["MemberJoined"])]),
        Query([QueryItem(types: ["MemberJoined", "MemberLeft"])]),
        .tags("tribe:t1"),
        .tags("tribe:t1", "member:m1"),
        .tags("tribe:t2", "member:m2", "partup:p1"),
        .tags("tribe:t1", types: ["MemberJoined"]),
        .tags("member:m3", types: ["MemberJoined", "PartupOpened"]),
        Query([QueryItem(tags: ["tribe:t1"]), QueryItem(types: ["PartupOpened"])]),
        Query([QueryItem(tags: ["member:m1", "member:m2"]), QueryItem(types: ["TribeFounded"], tags: ["tribe:t2"])]),
        Query([QueryItem(tags: ["nobody:uses-this"])]),
        Query([QueryItem(types: ["NoSuchType"])]),
        Query([QueryItem(types: ["NoSuchType"]), QueryItem()]),
        // Spelled decomposed: the log brings names to NFC, so it is the same tag.
        .tags("cafe\u{301}:1"),
    ]

    @Test(arguments: Engine.all) func readsMatchTheReference(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            var random = SplitMix64(seed: 42)
            for batch in 0..<30 {
                let events = (0..<Int.random(in: 1...8, using: &random)).map { _ in
                    Fixtures.event(Self.types.randomElement(using: &random)!,
                                   tags: Array(Self.tags.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))))
                }
                try await log.add(events, to: "stream-\(batch % 7)")
            }
            let all = try await log.all()
            #expect(all.count > 60)
            for (index, query) in Self.queries.enumerated() {
                for after in [0, all.count / 2, all.count] {
                    let expected = all.filter { $0.position > Position(after) && referenceMatches(query, $0) }
                    let found = try await log.events(matching: query, after: Position(after), limit: .max)
                    #expect(found == expected, "query \(index) after \(after)")
                    let firstFive = try await log.events(matching: query, after: Position(after), limit: 5)
                    #expect(firstFive == Array(expected.prefix(5)), "query \(index) after \(after), limit 5")
                }
            }
            for stream in 0..<7 {
                let expected = all.filter { $0.stream == "stream-\(stream)" }
                #expect(try await log.events(inStream: "stream-\(stream)", fromVersion: 1, limit: .max) == expected)
                #expect(try await log.events(inStream: "stream-\(stream)", fromVersion: 3, limit: 2) == Array(expected.dropFirst(2).prefix(2)))
            }
            #expect(try await log.events(from: 10, limit: 7) == Array(all[9..<16]))
        }
    }

    /// A condition conflicts exactly when the reference finds a match after its position,
    /// and names one of the matches (which one is the engine's choice: LMDB names the last
    /// position it saw a tag at, PostgreSQL the first match).
    @Test(arguments: Engine.all) func conditionsMatchTheReference(_ engine: Engine) async throws {
        try await withLog(engine) { t in
            let log = t.log
            var random = SplitMix64(seed: 7)
            for batch in 0..<15 {
                let events = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                    Fixtures.event(Self.types.randomElement(using: &random)!,
                                   tags: Array(Self.tags.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))))
                }
                try await log.add(events, to: "stream-\(batch % 4)")
            }
            for (index, query) in Self.queries.enumerated() {
                let all = try await log.all()
                for after in [nil, Position(all.count / 3), Position(all.count - 1)] {
                    let matches = Set(all.filter { $0.position > (after ?? 0) && referenceMatches(query, $0) }.map(\.position))
                    var match: Position?
                    do {
                        // A probe no query here selects (no tags, a type of its own) unless
                        // it matches everything, which the reference then sees next time.
                        try await log.add([Fixtures.event("Probe")], to: "probes",
                                          condition: AppendCondition(failIfEventsMatch: query, after: after))
                    } catch let conflict as AppendConflict {
                        match = conflict.conditionMatch
                    }
                    if let match {
                        #expect(matches.contains(match), "query \(index) after \(String(describing: after)): \(match) does not match")
                    } else {
                        #expect(matches.isEmpty, "query \(index) after \(String(describing: after)): no conflict, but \(matches.sorted()) match")
                        break  // the probe changed the log: next query
                    }
                }
            }
        }
    }
}
