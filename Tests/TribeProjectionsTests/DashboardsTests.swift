import EventLog
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct DashboardsTests {
    private func tribe(_ scenario: Scenario, _ id: TribeID = "t1") throws -> TribeDashboard? {
        try scenario.host.read("dashboards") { try DashboardsModel.tribe($0, tribe: id) }
    }

    private func member(_ scenario: Scenario, _ id: MemberID) throws -> MemberDashboard? {
        try scenario.host.read("dashboards") { try DashboardsModel.member($0, member: id) }
    }

    @Test func aTribesFiguresFollowItsHistory() async throws {
        // Given a closed tribe with two admitted members, one pending, a dissolved and an active part-up
        let scenario = try Scenario([DashboardsProjection()])
        try await Stories.closedTribe(scenario)

        // Then
        let board = try #require(try tribe(scenario))
        #expect((board.name, board.privacy) == ("Builders", "closed"))
        #expect((board.members, board.admins, board.pendingApplications) == (3, 2, 1))
        #expect((board.activePartups, board.dissolvedPartups) == (1, 1))
        #expect(board.averageTeamSize == 2.5)  // p1 peaked at 3 partners, p2 at 2
        #expect(board.averageLifetimeSeconds == 172_800)  // two days
        #expect(board.joinsPerWeek == [WeekJoins(week: "2023-W46", weekStart: "2023-11-13", joins: 2)])
        #expect(board.topSkills == [SkillCount(skill: "swift", members: 3), SkillCount(skill: "design", members: 1),
                                    SkillCount(skill: "go", members: 1)])
        #expect(board.utilisedMembers == 2)  // bob and cat in p2; ann's p1 is dissolved
        #expect(abs(board.talentUtilisation - 2.0 / 3) < 1e-9)
    }

    @Test func leavingTheTribeEndsTheMembersPartnershipAndUtilisation() async throws {
        // Given the closed tribe
        let scenario = try Scenario([DashboardsProjection()])
        try await Stories.closedTribe(scenario)

        // When dan is admitted a week later and cat, partner in p2, leaves the tribe
        try await Stories.closedTribeLater(scenario)

        // Then cat counts neither as member nor as utilised talent, and cat's skills are gone
        let board = try #require(try tribe(scenario))
        #expect((board.members, board.admins, board.pendingApplications) == (3, 2, 0))
        #expect(board.utilisedMembers == 1)
        #expect(abs(board.talentUtilisation - 1.0 / 3) < 1e-9)
        #expect(board.joinsPerWeek.map(\.week) == ["2023-W46", "2023-W47"])
        #expect(board.joinsPerWeek.map(\.joins) == [2, 1])
        #expect(board.topSkills == [SkillCount(skill: "design", members: 2), SkillCount(skill: "swift", members: 2)])
        // cat acted 5 times but is no member any more
        #expect(board.mostActiveMembers == [ActiveMember(member: "ann", actions: 7), ActiveMember(member: "bob", actions: 4),
                                            ActiveMember(member: "dan", actions: 1)])
    }

    @Test func aMembersDashboardListsTribesPartupsAndCoPartners() async throws {
        // Given the whole closed-tribe history
        let scenario = try Scenario([DashboardsProjection()])
        try await Stories.closedTribe(scenario)
        try await Stories.closedTribeLater(scenario)

        // Then
        let bob = try #require(try member(scenario, "bob"))
        #expect(bob.name == "Member bob")
        #expect(bob.skills == ["swift"])
        #expect(bob.tribes == [MemberDashboard.Tribe(tribe: "t1", isAdmin: true)])
        #expect(bob.activePartups == [MemberDashboard.Partup(partup: "p2", tribe: "t1")])
        #expect(bob.pastPartups == [MemberDashboard.Partup(partup: "p1", tribe: "t1")])
        #expect(bob.partnersWorkedWith == ["ann", "cat"])

        let cat = try #require(try member(scenario, "cat"))
        #expect(cat.tribes.isEmpty)
        #expect(cat.activePartups.isEmpty)
        #expect(cat.pastPartups.map(\.partup) == ["p1", "p2"])
        #expect(cat.partnersWorkedWith == ["ann", "bob"])
    }

    @Test func unknownTribesAndMembersHaveNoDashboard() async throws {
        let scenario = try Scenario([DashboardsProjection()])
        try await scenario.register(["ann"])
        #expect(try tribe(scenario, "nowhere") == nil)
        #expect(try member(scenario, "nobody") == nil)
        #expect(try member(scenario, "ann")?.tribes == [])
    }

    @Test func isoWeeksFollowTheCalendar() {
        // 2021-01-03 (Sunday) belongs to 2020-W53; 2021-01-04 starts 2021-W01.
        let sunday = ISOWeek(Timestamp(microseconds: 1_609_632_000_000_000))
        let monday = ISOWeek(Timestamp(microseconds: 1_609_718_400_000_000))
        #expect((sunday.label, sunday.startDate) == ("2020-W53", "2020-12-28"))
        #expect((monday.label, monday.startDate) == ("2021-W01", "2021-01-04"))
        #expect(ISOWeek(keyNumber: monday.keyNumber) == monday)
        #expect(ISOWeek(Timestamp(microseconds: -1)).startDate == "1969-12-29")
    }
}
