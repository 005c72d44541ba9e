import EventLog
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct DirectoryTests {
    let ann: MemberID = "ann", bob: MemberID = "bob", cy: MemberID = "cy", dee: MemberID = "dee"
    let makers: TribeID = "makers", vault: TribeID = "vault", club: TribeID = "club"

    /// Ann founds an open, a closed and an invite-only tribe; Bob joins the open one and a
    /// part-up in it; Cy applies to the closed one; Dee stays outside.
    private func given() async throws -> Scenario {
        let s = try Scenario([DirectoryProjection()])
        try await s.register([ann, bob, cy, dee], skills: ["swift"])
        try await s.run(CreateTribe(tribe: makers, name: "Makers", privacy: .open, rules: "be kind"), as: ann)
        try await s.run(CreateTribe(tribe: vault, name: "Vault", privacy: .closed), as: ann)
        try await s.run(CreateTribe(tribe: club, name: "Club", privacy: .invite, rules: "invited only"), as: ann)
        try await s.run(ApplyToTribe(tribe: makers), as: bob)
        try await s.run(ApplyToTribe(tribe: vault), as: cy)
        try await s.run(LaunchPartup(tribe: makers, partup: "p1", title: "Build a shed", wantedSkills: ["wood"]), as: ann)
        try await s.run(LaunchPartup(tribe: makers, partup: "secret", title: "Surprise", privacy: .partnersOnly), as: ann)
        try await s.run(JoinPartup(tribe: makers, partup: "p1"), as: bob)
        return s
    }

    private func read<T>(_ s: Scenario, _ body: (ModelReader) throws -> T) throws -> T {
        try s.host.read(DirectoryModel.projection, body)
    }

    @Test func tribesMembershipsAndPartupsAreAsTheCommandsLeftThem() async throws {
        let s = try await given()
        let tribe = try #require(try read(s) { try DirectoryModel.tribe($0, makers) })
        #expect(tribe.name == "Makers" && tribe.members == 2 && tribe.admins == 1 && tribe.activePartups == 2 && tribe.rules == "be kind")
        #expect(try read(s) { try DirectoryModel.membership($0, vault, cy)?.status } == .applied)
        #expect(try read(s) { try DirectoryModel.tribes(of: ann, in: $0).map(\.tribe) } == ["club", "makers", "vault"])
        let partup = try #require(try read(s) { try DirectoryModel.partup($0, "p1") })
        #expect(partup.partners == ["ann", "bob"] && partup.wantedSkills == ["wood"] && !partup.isDissolved)
        #expect(try read(s) { try DirectoryModel.partups($0, of: makers, after: "p1", limit: 10).map(\.id) } == ["secret"])
    }

    @Test func leavingTheTribeEndsMembershipAndThePartnership() async throws {
        let s = try await given()
        try await s.run(LeaveTribe(tribe: makers), as: bob)
        #expect(try read(s) { try DirectoryModel.membership($0, makers, bob)?.status } == .left)
        #expect(try read(s) { try DirectoryModel.tribe($0, makers)?.members } == 1)
        #expect(try read(s) { try DirectoryModel.partup($0, "p1")?.partners } == ["ann"])
        #expect(try read(s) { try DirectoryModel.tribes(of: bob, in: $0) }.isEmpty)
    }

    @Test func privacyRulesFollowTribeAndPartupSettings() async throws {
        let s = try await given()
        try read(s) { model in
            let tribes = try DirectoryModel.tribes(model, visibleTo: dee, after: nil, limit: 10).map(\.id)
            #expect(tribes == ["club", "makers"])  // the closed vault does not exist for Dee
            #expect(try DirectoryModel.tribes(model, visibleTo: ann, after: "club", limit: 1).map(\.id) == ["makers"])
            let club = try #require(try DirectoryModel.tribe(model, self.club))
            #expect(try DirectoryModel.visibility(of: club, to: dee, in: model) == .summary)
            #expect(try DirectoryModel.visibility(of: club, to: ann, in: model) == .full)
            let p1 = try #require(try DirectoryModel.partup(model, "p1"))
            let secret = try #require(try DirectoryModel.partup(model, "secret"))
            #expect(try DirectoryModel.canSee(p1, viewer: dee, in: model))  // public part-up of an open tribe
            #expect(try DirectoryModel.canSee(p1, viewer: nil, in: model))
            #expect(try !DirectoryModel.canSee(secret, viewer: bob, in: model))  // member, but not a partner
            #expect(try DirectoryModel.canSee(secret, viewer: ann, in: model))  // its launcher
        }
        // A removed member loses access at once.
        try await s.run(LaunchPartup(tribe: makers, partup: "inner", title: "Members only", privacy: .tribeMembers), as: ann)
        #expect(try read(s) { try DirectoryModel.canSee(try #require(try DirectoryModel.partup($0, "inner")), viewer: bob, in: $0) })
        try await s.run(RemoveMember(tribe: makers, member: bob, reason: "spam"), as: ann)
        #expect(try read(s) { try !DirectoryModel.canSee(try #require(try DirectoryModel.partup($0, "inner")), viewer: bob, in: $0) })
    }

    @Test func aRebuiltDirectoryEqualsTheFollowedOne() async throws {
        let s = try await given()
        try await s.run(DissolvePartup(tribe: makers, partup: "p1", outcome: .completed), as: ann)
        try await s.run(GrantAdmin(tribe: makers, member: bob), as: ann)
        let dump: (ModelReader) throws -> [[UInt8]] = { model in
            var all: [[UInt8]] = []
            for space in ["tribe", "membership", "member-of", "member", "partup", "tribe-partup"] {
                try model.scan(prefix: ModelKey(space)) { key, value in all.append(Array(key) + [0xFF] + Array(value)); return true }
            }
            return all
        }
        let (followed, rebuilt) = try s.rebuildAndRead(DirectoryModel.projection, dump)
        #expect(followed == rebuilt && !followed.isEmpty)
        let tribe = try #require(try read(s) { try DirectoryModel.tribe($0, makers) })
        #expect(tribe.admins == 2 && tribe.activePartups == 1 && tribe.dissolvedPartups == 1)
    }
}
