import EventLog
import TribeDomain

/// Scripted histories, run through the real command service, that several suites read.
enum Stories {
    /// The scenario clock's start: Tuesday 2023-11-14 22:13:20 UTC, ISO week 2023-W46.
    static let start: Int64 = 1_700_000_000_000_000

    static func day(_ days: Double) -> Timestamp {
        Timestamp(microseconds: start + Int64(days * 86_400_000_000))
    }

    /// A closed tribe t1 founded by ann. Ends with members ann, bob (admin) and cat; dan
    /// applied; p1 (peak 3 partners) launched on day 1 and dissolved on day 3; p2 active
    /// with bob and cat.
    static func closedTribe(_ scenario: Scenario) async throws {
        try await scenario.register(["ann"], skills: ["Swift", "Design"])
        try await scenario.register(["bob"], skills: ["swift"])
        try await scenario.register(["cat"], skills: ["Go", "Swift"])
        try await scenario.register(["dan"], skills: ["design"])
        try await scenario.run(CreateTribe(tribe: "t1", name: "Builders", privacy: .closed), as: "ann")
        for member: MemberID in ["bob", "cat", "dan"] { try await scenario.run(ApplyToTribe(tribe: "t1"), as: member) }
        try await scenario.run(AdmitMember(tribe: "t1", member: "bob"), as: "ann")
        try await scenario.run(AdmitMember(tribe: "t1", member: "cat"), as: "ann")
        try await scenario.run(GrantAdmin(tribe: "t1", member: "bob"), as: "ann")
        try await scenario.run(LaunchPartup(tribe: "t1", partup: "p1", title: "App", wantedSkills: ["swift"]), as: "ann", at: day(1))
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p1"), as: "bob")
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p1"), as: "cat")
        try await scenario.run(LaunchPartup(tribe: "t1", partup: "p2", title: "Brand", wantedSkills: ["design"]), as: "bob")
        try await scenario.run(LeavePartup(tribe: "t1", partup: "p1"), as: "bob")
        try await scenario.run(DissolvePartup(tribe: "t1", partup: "p1", outcome: .completed), as: "ann", at: day(3))
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p2"), as: "cat")
    }

    /// Continues `closedTribe` a week later: dan is admitted (week 2023-W47), then cat
    /// leaves the tribe, which ends cat's partnership in p2.
    static func closedTribeLater(_ scenario: Scenario) async throws {
        try await scenario.run(AdmitMember(tribe: "t1", member: "dan"), as: "ann", at: day(7))
        try await scenario.run(LeaveTribe(tribe: "t1"), as: "cat")
    }

    /// An open tribe t2 founded by eve, which bob and dan join; fay stays outside and joins
    /// its public part-up p3 as an outsider; p4 is for tribe members only.
    static func openTribe(_ scenario: Scenario) async throws {
        try await scenario.register(["eve"], skills: ["research"])
        try await scenario.register(["fay"], skills: ["research", "swift"])
        try await scenario.run(CreateTribe(tribe: "t2", name: "Commons", privacy: .open), as: "eve")
        try await scenario.run(ApplyToTribe(tribe: "t2"), as: "bob")
        try await scenario.run(ApplyToTribe(tribe: "t2"), as: "dan")
        try await scenario.run(LaunchPartup(tribe: "t2", partup: "p3", title: "Study", wantedSkills: ["research", "swift"]), as: "eve")
        try await scenario.run(JoinPartup(tribe: "t2", partup: "p3"), as: "bob")
        try await scenario.run(JoinPartup(tribe: "t2", partup: "p3"), as: "fay")
        try await scenario.run(LaunchPartup(tribe: "t2", partup: "p4", title: "Garden", privacy: .tribeMembers), as: "dan")
        try await scenario.run(SupportPartup(tribe: "t2", partup: "p4"), as: "eve")
    }
}
