import EventLog
import Foundation
import Testing
import TribeDomain

@Suite struct AnalyseTests {
    /// Ann, Bob and Cy work on p1; Bob, Dee and Ann on p2. Cy leaves p1 and comes back,
    /// which must not count twice. Returns the position right after p1 was staffed.
    private func history(_ data: String) async throws -> Position {
        let h = try History(data: data)
        defer { h.close() }
        for member in ["a", "b", "c", "d"] as [MemberID] { try await h.run(RegisterMember(member: member, name: "M \(member)"), as: member) }
        try await h.run(CreateTribe(tribe: "t1", name: "Makers", privacy: .open), as: "a")
        for member in ["b", "c", "d"] as [MemberID] { try await h.run(ApplyToTribe(tribe: "t1"), as: member) }
        try await h.run(LaunchPartup(tribe: "t1", partup: "p1", title: "Shed"), as: "a")
        try await h.run(JoinPartup(tribe: "t1", partup: "p1"), as: "b")
        let staffed = try await h.run(JoinPartup(tribe: "t1", partup: "p1"), as: "c")
        try await h.run(LeavePartup(tribe: "t1", partup: "p1"), as: "c")
        try await h.run(JoinPartup(tribe: "t1", partup: "p1"), as: "c")
        try await h.run(LaunchPartup(tribe: "t1", partup: "p2", title: "Roof"), as: "b")
        try await h.run(JoinPartup(tribe: "t1", partup: "p2"), as: "d")
        try await h.run(JoinPartup(tribe: "t1", partup: "p2"), as: "a")
        try await h.run(DissolvePartup(tribe: "t1", partup: "p1", outcome: .completed), as: "a")
        return staffed
    }

    @Test func theGraphIsTheEdgeListWorkedOutByHand() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        _ = try await history(data)
        let run = try await CLI.run(["analyse", "collaboration", "--data", data, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == """
            source,target,weight
            a,b,2
            a,c,1
            a,d,1
            b,c,1
            b,d,1

            """)
        let graphML = try await CLI.run(["analyse", "collaboration", "--data", data, "--tribe", "t1", "--format", "graphml"])
        #expect(graphML.stdout.contains(#"<edge source="a" target="b"><data key="weight">2</data></edge>"#), "\(graphML.stdout)")
    }

    @Test func replayThenAnalyseEqualsAnalyseUntil() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let staffed = try await history(data)
        let replay = try await CLI.run(["replay", "--data", data, "--until", "\(staffed)", "--out", scratch.path("replay")])
        #expect(replay.status == 0, "\(replay.stderr)")
        let fromReplay = try await CLI.run(["analyse", "collaboration", "--data", data, "--views", scratch.path("replay"), "--format", "csv"])
        let until = try await CLI.run(["analyse", "collaboration", "--data", data, "--until", "\(staffed)", "--format", "csv"])
        #expect(fromReplay.status == 0 && until.status == 0, "\(fromReplay.stderr) \(until.stderr)")
        #expect(fromReplay.stdout == until.stdout)
        #expect(until.stdout == "source,target,weight\na,b,1\na,c,1\nb,c,1\n")
    }

    @Test func theSummaryCountsCollaboratorsAndUtilisation() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        _ = try await history(data)
        let run = try await CLI.run(["analyse", "summary", "--data", data, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let tribe = try #require((summary?["tribes"] as? [[String: Any]])?.first)
        #expect(tribe["collaborators"] as? Int == 4 && tribe["components"] as? Int == 1 && tribe["members"] as? Int == 4)
        // After p1 dissolved only p2 is active: b, d and a are partners, c is not.
        #expect(tribe["talent_utilisation"] as? Double == 0.75)
    }
}
