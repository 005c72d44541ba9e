import Testing
import TribeDomain

@Suite struct ParticipationDeciderTests {
    typealias E = Events

    /// t1 (given privacy) founded by m1 with member m2; m3 is registered outside it; m1 launched p1.
    func partup(tribe privacy: TribePrivacy = .open, partup partupPrivacy: PartupPrivacy = .public) -> [DomainEvent] {
        E.tribeWithMember(privacy: privacy) + [E.launched("p1", in: "t1", by: "m1", privacy: partupPrivacy)]
    }

    @Test func membersJoinAnyPartupOfTheirTribe() {
        for privacy in PartupPrivacy.allCases {
            given(partup(tribe: .closed, partup: privacy)).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m2").then(E.joined("p1", in: "t1", "m2"))
        }
    }

    @Test func externalsJoinOnlyPublicPartupsOfOpenTribes() {
        given(partup()).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m3").then(E.joined("p1", in: "t1", "m3"))
        given(partup(tribe: .invite)).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m3")
            .thenRejects(.forbidden, "member m3 is not a member of tribe t1, and outsiders may join only public part-ups of open tribes (tribe t1 is invite-only, part-up p1 is public): apply to tribe t1 first")
        given(partup(partup: .tribeMembers)).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m3")
            .thenRejects(.forbidden, "member m3 is not a member of tribe t1, and outsiders may join only public part-ups of open tribes (tribe t1 is open, part-up p1 is tribe members only): apply to tribe t1 first")
        given(partup() + [PartupUpdated(partup: "p1", tribe: "t1", by: "m1", privacy: .partnersOnly).event])
            .when(JoinPartup(tribe: "t1", partup: "p1"), by: "m3")
            .thenRejects(.forbidden, "member m3 is not a member of tribe t1, and outsiders may join only public part-ups of open tribes (tribe t1 is open, part-up p1 is partners only): apply to tribe t1 first")
        given(partup() + [TribePrivacyChanged(tribe: "t1", privacy: .closed).event]).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m3")
            .thenRejects(.forbidden, "member m3 is not a member of tribe t1, and outsiders may join only public part-ups of open tribes (tribe t1 is closed, part-up p1 is public): apply to tribe t1 first")
    }

    @Test func joiningIsRefusedTwiceAfterDissolutionAndAfterRemoval() {
        given(partup() + [E.joined("p1", in: "t1", "m2")]).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.conflict, "member m2 is already a partner of part-up p1: nothing to do")
        given(partup()).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m1")
            .thenRejects(.conflict, "member m1 is already a partner of part-up p1: nothing to do")
        given(partup() + [E.dissolved("p1", in: "t1", by: "m1")]).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.conflict, "part-up p1 is dissolved: nothing can change in it any more; look for an active part-up instead")
        given(partup() + [E.removed("t1", "m2", by: "m1")]).when(JoinPartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.forbidden, "member m2 was removed from tribe t1: an admin must invite them again before they can take part")
        given(partup()).when(JoinPartup(tribe: "t1", partup: "p2"), by: "m2")
            .thenRejects(.notFound, "part-up p2 does not exist: check the id")
        given(partup() + [E.joined("p1", in: "t1", "m2"), E.partnerLeft("p1", in: "t1", "m2", .left)])
            .when(JoinPartup(tribe: "t1", partup: "p1"), by: "m2").then(E.joined("p1", in: "t1", "m2"))
    }

    @Test func leavePartup() {
        given(partup() + [E.joined("p1", in: "t1", "m2")]).when(LeavePartup(tribe: "t1", partup: "p1"), by: "m2")
            .then(E.partnerLeft("p1", in: "t1", "m2", .left))
        given(partup()).when(LeavePartup(tribe: "t1", partup: "p1"), by: "m1").then(E.partnerLeft("p1", in: "t1", "m1", .left))
        given(partup()).when(LeavePartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.conflict, "member m2 is not a partner of part-up p1: there is nothing to leave")
        given(partup() + [E.joined("p1", in: "t1", "m2"), E.dissolved("p1", in: "t1", by: "m1")]).when(LeavePartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.conflict, "part-up p1 is dissolved: nothing can change in it any more; look for an active part-up instead")
    }

    @Test func supportPartup() {
        given(partup(partup: .partnersOnly)).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m2").then(E.supported("p1", in: "t1", "m2"))
        given(partup(tribe: .closed)).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m3").then(E.supported("p1", in: "t1", "m3"))
        given(partup(partup: .tribeMembers)).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m3")
            .thenRejects(.forbidden, "part-up p1 is for tribe members only and m3 is not a member of tribe t1: apply to tribe t1 first")
        given(partup() + [E.supported("p1", in: "t1", "m2")]).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.conflict, "member m2 already supports part-up p1: nothing to do")
        given(partup()).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m1")
            .thenRejects(.conflict, "member m1 is a partner of part-up p1: partners back it already")
        given(partup() + [E.dissolved("p1", in: "t1", by: "m1")]).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.conflict, "part-up p1 is dissolved: nothing can change in it any more; look for an active part-up instead")
        given(partup() + [E.removed("t1", "m2", by: "m1")]).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.forbidden, "member m2 was removed from tribe t1: an admin must invite them again before they can take part")
        given(partup()).when(SupportPartup(tribe: "t1", partup: "p1"), by: "m8")
            .thenRejects(.notFound, "member m8 is not registered: register the member first")
    }
}
