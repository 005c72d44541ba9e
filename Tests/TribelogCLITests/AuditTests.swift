import EventLog
import Foundation
import Testing
import TribeDomain

@Suite struct AuditTests {
    struct Snapshot: Decodable, Equatable {
        struct Partup: Decodable, Equatable {
            let partup: String, privacy: String, dissolved: Bool, outcome: String?, partners: [String]
        }
        let name: String, privacy: String, members: [String], admins: [String], pendingInvitations: [String]
        let partups: [Partup]
    }

    struct Report: Decodable {
        struct Entry: Decodable { let position: Position; let summary: String; let actor: String? }
        let timeline: [Entry]
        let state: Snapshot?
    }

    /// An invite-only tribe: Ann invites Bob (who joins and becomes admin) and Cy (who does
    /// not answer), launches a partners-only part-up Bob joins. Then Bob is demoted and
    /// removed (which ends his partnership) and the part-up is dissolved.
    private func history(_ data: String) async throws -> (staffed: Position, day: String) {
        let h = try History(data: data)
        defer { h.close() }
        for member in ["ann", "bob", "cy"] as [MemberID] { try await h.run(RegisterMember(member: member, name: member.rawValue.capitalized), as: member) }
        try await h.run(CreateTribe(tribe: "club", name: "Club", privacy: .invite, rules: "invited only"), as: "ann")
        try await h.run(InviteMember(tribe: "club", member: "bob"), as: "ann")
        try await h.run(ApplyToTribe(tribe: "club"), as: "bob")
        try await h.run(InviteMember(tribe: "club", member: "cy"), as: "ann")
        try await h.run(GrantAdmin(tribe: "club", member: "bob"), as: "ann")
        try await h.run(LaunchPartup(tribe: "club", partup: "p1", title: "Secret", privacy: .partnersOnly), as: "ann")
        let staffed = try await h.run(JoinPartup(tribe: "club", partup: "p1"), as: "bob")
        let day = h.lastDay
        try await h.run(RevokeAdmin(tribe: "club", member: "bob"), as: "ann")
        try await h.run(RemoveMember(tribe: "club", member: "bob", reason: "left the country"), as: "ann")
        try await h.run(DissolvePartup(tribe: "club", partup: "p1", outcome: .abandoned), as: "ann")
        return (staffed, day)
    }

    private func audit(_ arguments: [String]) async throws -> Report {
        let run = try await CLI.run(["audit"] + arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Report.self, from: Data(run.stdout.utf8))
    }

    @Test func theStateAtAMomentIsTheOneWorkedOutByHand() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let (staffed, day) = try await history(data)

        let then = try await audit(["--data", data, "--tribe", "club", "--at", "\(staffed)"])
        #expect(then.state == Snapshot(name: "Club", privacy: "invite", members: ["ann", "bob"], admins: ["ann", "bob"],
                                       pendingInvitations: ["cy"],
                                       partups: [.init(partup: "p1", privacy: "partners", dissolved: false, outcome: nil, partners: ["ann", "bob"])]))
        #expect(then.timeline.last?.position == staffed && then.timeline.allSatisfy { $0.position <= staffed })
        // The same moment given as a time: the end of that day.
        #expect(try await audit(["--data", data, "--tribe", "club", "--at", day]).state == then.state)

        let now = try await audit(["--data", data, "--tribe", "club"])
        #expect(now.state == Snapshot(name: "Club", privacy: "invite", members: ["ann"], admins: ["ann"], pendingInvitations: ["cy"],
                                      partups: [.init(partup: "p1", privacy: "partners", dissolved: true, outcome: "abandoned", partners: ["ann"])]))
        #expect(now.timeline.contains { $0.summary.contains("removed") && $0.actor == "ann" })
    }

    @Test func aMemberTimelineHasWhatTheyDidAndWhatWasDoneToThem() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        _ = try await history(data)
        let bob = try await audit(["--data", data, "--member", "bob"])
        #expect(bob.timeline.contains { $0.actor == "bob" })  // he applied, joined
        #expect(bob.timeline.contains { $0.actor == "ann" && $0.summary.contains("removed") })  // done to him
        let unknown = try await CLI.run(["audit", "--data", data, "--tribe", "nope"])
        #expect(unknown.status != 0 && unknown.stderr.contains("tribe nope did not exist"))
    }
}
