import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct MatchingTests {
    /// Open tribe o (founded by ann): bob has both skills p1 wants, cat one of them and a
    /// completed part-up behind her, dan none, eve both but is partner already; fay is a
    /// registered outsider with one of the skills.
    private func openTribeWithPartup() async throws -> Scenario {
        let scenario = try Scenario([MatchingProjection()])
        try await scenario.register(["ann"], skills: ["lead"])
        try await scenario.register(["bob", "eve"], skills: ["Swift", "iOS"])
        try await scenario.register(["cat"], skills: ["swift"])
        try await scenario.register(["dan"], skills: ["cooking"])
        try await scenario.register(["fay"], skills: ["ios"])
        try await scenario.run(CreateTribe(tribe: "o", name: "Open", privacy: .open), as: "ann")
        for member: MemberID in ["bob", "cat", "dan", "eve"] { try await scenario.run(ApplyToTribe(tribe: "o"), as: member) }
        try await scenario.run(LaunchPartup(tribe: "o", partup: "p0", title: "Warm-up", wantedSkills: ["swift"]), as: "ann")
        try await scenario.run(JoinPartup(tribe: "o", partup: "p0"), as: "cat")
        try await scenario.run(DissolvePartup(tribe: "o", partup: "p0", outcome: .completed), as: "ann")
        try await scenario.run(LaunchPartup(tribe: "o", partup: "p1", title: "App", wantedSkills: ["swift", "ios"]), as: "ann")
        try await scenario.run(JoinPartup(tribe: "o", partup: "p1"), as: "eve")
        return scenario
    }

    private func candidates(_ scenario: Scenario, _ partup: PartupID) throws -> [Candidate]? {
        try scenario.host.read("matching") { try MatchingModel.candidates($0, partup: partup, limit: 10) }
    }

    private func partups(_ scenario: Scenario, _ member: MemberID) throws -> [PartupMatch] {
        try scenario.host.read("matching") { try MatchingModel.partups($0, member: member, limit: 10) }
    }

    @Test func candidatesAreRankedBySkillsThenParticipationWithTheirParts() async throws {
        // Given an open tribe's public part-up wanting swift and ios
        let scenario = try await openTribeWithPartup()

        // When
        let ranked = try #require(try candidates(scenario, "p1"))

        // Then bob (both skills) leads; cat's completed part-up puts her above fay (one skill
        // each); dan shares no skill; ann and eve are partners already
        #expect(ranked.map(\.member) == ["bob", "cat", "fay"])
        let bob = ranked[0].score
        #expect(bob.skillOverlap == 1)
        #expect(bob.matchedSkills == ["ios", "swift"])
        #expect((bob.joined, bob.completed) == (0, 0))
        #expect(bob.recency > 0 && bob.recency <= 1)
        #expect(abs(bob.total - (0.6 + 0.2 * bob.recency)) < 1e-9)
        let cat = ranked[1].score
        #expect((cat.skillOverlap, cat.matchedSkills, cat.joined, cat.completed) == (0.5, ["swift"], 1, 1))
        #expect(ranked.map(\.isTribeMember) == [true, true, false])
    }

    @Test func outsidersAreCandidatesOnlyForPublicPartupsOfOpenTribes() async throws {
        // Given fay, an outsider, is a candidate for the open tribe's public part-up
        let scenario = try await openTribeWithPartup()
        #expect(try candidates(scenario, "p1")?.contains { $0.member == "fay" } == true)
        #expect(try partups(scenario, "fay").map(\.partup) == ["p1"])

        // When the part-up becomes tribe-only
        try await scenario.run(UpdatePartup(tribe: "o", partup: "p1", privacy: .tribeMembers), as: "ann")

        // Then fay is no candidate and does not see it
        #expect(try candidates(scenario, "p1")?.map(\.member) == ["bob", "cat"])
        #expect(try partups(scenario, "fay").isEmpty)

        // And public part-ups of invite-only or closed tribes have no outside candidates either
        for (tribe, privacy) in [("i", TribePrivacy.invite), ("c", .closed)] {
            let tribeID = try TribeID(tribe), partup = try PartupID("q-\(tribe)")
            try await scenario.run(CreateTribe(tribe: tribeID, name: "Tribe \(tribe)", privacy: privacy), as: "ann")
            try await scenario.run(LaunchPartup(tribe: tribeID, partup: partup, title: "Q", wantedSkills: ["swift"]), as: "ann")
            #expect(try candidates(scenario, partup) == [])
        }
    }

    @Test func aMembersPartupsLeaveOutDissolvedAndInvisibleOnes() async throws {
        // Given a partners-only part-up besides p1 (and the dissolved p0)
        let scenario = try await openTribeWithPartup()
        try await scenario.run(LaunchPartup(tribe: "o", partup: "p5", title: "Secret", wantedSkills: ["swift"], privacy: .partnersOnly),
                               as: "ann")

        // Then bob sees p1 only; an admin sees the partners-only one too
        #expect(try partups(scenario, "bob").map(\.partup) == ["p1"])
        try await scenario.run(GrantAdmin(tribe: "o", member: "bob"), as: "ann")
        let forBob = try partups(scenario, "bob")
        #expect(forBob.map(\.partup) == ["p1", "p5"])  // p1 wants 2 of bob's skills, p5 one of them
        #expect(forBob[0].score.matchedSkills == ["ios", "swift"])
        #expect(try candidates(scenario, "p5")?.map(\.member) == ["bob"])

        // And a member sees no part-up of the tribe once the tribe is no longer open to them
        try await scenario.run(ChangeTribePrivacy(tribe: "o", privacy: .closed), as: "ann")
        #expect(try partups(scenario, "fay").isEmpty)
    }

    /// An outsider's part-ups follow every change of who may join: the part-up's privacy
    /// and wanted skills (kept in the skill index's marks) and the tribe's privacy (looked
    /// up when read), back and forth, and the model then equals a rebuild.
    @Test func anOutsidersPartupsFollowPrivacyAndSkillChangesBothWays() async throws {
        // Given fay (ios) sees the open tribe's public p1
        let scenario = try await openTribeWithPartup()
        #expect(try partups(scenario, "fay").map(\.partup) == ["p1"])

        // When the tribe closes and opens again
        try await scenario.run(ChangeTribePrivacy(tribe: "o", privacy: .closed), as: "ann")
        #expect(try partups(scenario, "fay").isEmpty)
        try await scenario.run(ChangeTribePrivacy(tribe: "o", privacy: .open), as: "ann")
        #expect(try partups(scenario, "fay").map(\.partup) == ["p1"])

        // When p1 is made tribe-only, and public again
        try await scenario.run(UpdatePartup(tribe: "o", partup: "p1", privacy: .tribeMembers), as: "ann")
        #expect(try partups(scenario, "fay").isEmpty)
        try await scenario.run(UpdatePartup(tribe: "o", partup: "p1", privacy: .public), as: "ann")
        #expect(try partups(scenario, "fay").map(\.partup) == ["p1"])

        // When p1 no longer wants ios, then wants it again while tribe-only, then goes public
        try await scenario.run(UpdatePartup(tribe: "o", partup: "p1", wantedSkills: ["swift"]), as: "ann")
        #expect(try partups(scenario, "fay").isEmpty)
        try await scenario.run(UpdatePartup(tribe: "o", partup: "p1", wantedSkills: ["swift", "iOS"], privacy: .tribeMembers), as: "ann")
        #expect(try partups(scenario, "fay").isEmpty)
        try await scenario.run(UpdatePartup(tribe: "o", partup: "p1", privacy: .public), as: "ann")
        #expect(try partups(scenario, "fay").map(\.partup) == ["p1"])

        // Then the followed model is the one a rebuild makes
        let models = try scenario.rebuildAndRead("matching") { try ModelDump($0, spaces: MatchingKeys.spaces) }
        #expect(models.followed.entries.count == models.followed.total)
        #expect(models.rebuilt == models.followed)
    }

    @Test func partupsWantingNoSkillsAreProposedToEveryTribeMember() async throws {
        let scenario = try await openTribeWithPartup()
        try await scenario.run(LaunchPartup(tribe: "o", partup: "p6", title: "Anything"), as: "dan")
        #expect(try candidates(scenario, "p6")?.map(\.member).sorted() == ["ann", "bob", "cat", "eve"])
        #expect(try candidates(scenario, "p6")?.allSatisfy { $0.score.skillOverlap == 0 } == true)
        #expect(try candidates(scenario, "unknown") == nil)
        #expect(try candidates(scenario, "p0") == [])  // dissolved
    }
}
