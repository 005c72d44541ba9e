import Testing
import TribeDomain

@Suite struct MembershipDeciderTests {
    typealias E = Events
    let people = [E.registered("m1"), E.registered("m2"), E.registered("m3")]

    func tribe(_ privacy: TribePrivacy) -> [DomainEvent] { people + [E.tribe("t1", founder: "m1", privacy: privacy)] }

    @Test func applyingToAnOpenTribeAdmitsAtOnce() {
        given(tribe(.open)).when(ApplyToTribe(tribe: "t1", motivation: "I build things"), by: "m2")
            .then(MemberApplied(tribe: "t1", member: "m2", motivation: "I build things").event, E.admitted("t1", "m2", by: "m2"))
    }

    @Test func applyingToAnInviteOnlyTribeNeedsAnInvitation() {
        given(tribe(.invite)).when(ApplyToTribe(tribe: "t1"), by: "m2")
            .thenRejects(.forbidden, "tribe t1 is invite-only: ask one of its admins for an invitation")
        given(tribe(.invite) + [E.invited("t1", "m2", by: "m1")]).when(ApplyToTribe(tribe: "t1"), by: "m2")
            .then(E.applied("t1", "m2"), E.admitted("t1", "m2", by: "m2"))
    }

    @Test func applyingToAClosedTribeWaitsForAnAdmin() {
        given(tribe(.closed)).when(ApplyToTribe(tribe: "t1"), by: "m2").then(E.applied("t1", "m2"))
        given(tribe(.closed) + [E.invited("t1", "m2", by: "m1")]).when(ApplyToTribe(tribe: "t1"), by: "m2").then(E.applied("t1", "m2"))
        given(tribe(.closed) + [E.applied("t1", "m2")]).when(ApplyToTribe(tribe: "t1"), by: "m2")
            .thenRejects(.conflict, "member m2 has already applied to tribe t1: wait for an admin's decision")
        given(tribe(.closed) + [E.applied("t1", "m2"), E.rejected("t1", "m2", by: "m1")]).when(ApplyToTribe(tribe: "t1"), by: "m2")
            .then(E.applied("t1", "m2"))
    }

    @Test func applyingIsRefusedToMembersStrangersAndRemovedMembers() {
        given(tribe(.open)).when(ApplyToTribe(tribe: "t1"), by: "m1")
            .thenRejects(.conflict, "member m1 is already a member of tribe t1: nothing to do")
        given(tribe(.open)).when(ApplyToTribe(tribe: "t9"), by: "m2")
            .thenRejects(.notFound, "tribe t9 does not exist: check the id or create the tribe first")
        given(tribe(.open)).when(ApplyToTribe(tribe: "t1"), by: "m7")
            .thenRejects(.notFound, "member m7 is not registered: register the member first")
        let removed = tribe(.open) + [E.applied("t1", "m2"), E.admitted("t1", "m2", by: "m2"), E.removed("t1", "m2", by: "m1")]
        given(removed).when(ApplyToTribe(tribe: "t1"), by: "m2")
            .thenRejects(.forbidden, "member m2 was removed from tribe t1: an admin must invite them again before they can take part")
        given(removed + [E.invited("t1", "m2", by: "m1")]).when(ApplyToTribe(tribe: "t1"), by: "m2")
            .then(E.applied("t1", "m2"), E.admitted("t1", "m2", by: "m2"))
        given(removed).when(ApplyToTribe(tribe: "t1", motivation: String(repeating: "x", count: 10_001)), by: "m2")
            .thenRejects(.invalidInput, "the motivation has 10001 characters: shorten it to at most 10000")
    }

    @Test func inviteMember() {
        given(tribe(.invite)).when(InviteMember(tribe: "t1", member: "m2"), by: "m1").then(E.invited("t1", "m2", by: "m1"))
        given(tribe(.invite) + [E.invited("t1", "m3", by: "m1"), E.applied("t1", "m3"), E.admitted("t1", "m3", by: "m3")])
            .when(InviteMember(tribe: "t1", member: "m2"), by: "m3")
            .thenRejects(.forbidden, "member m3 is not an admin of tribe t1: only admins may invite members; ask an admin of the tribe")
        given(tribe(.invite)).when(InviteMember(tribe: "t1", member: "m9"), by: "m1")
            .thenRejects(.notFound, "member m9 is not registered: register the member first")
        given(tribe(.invite)).when(InviteMember(tribe: "t1", member: "m1"), by: "m1")
            .thenRejects(.conflict, "member m1 is already a member of tribe t1: nothing to do")
        given(tribe(.invite) + [E.invited("t1", "m2", by: "m1")]).when(InviteMember(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 is already invited to tribe t1: wait for them to accept")
        given(tribe(.closed) + [E.applied("t1", "m2")]).when(InviteMember(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 has already applied to tribe t1: admit the application instead of inviting")
    }

    @Test func admitMember() {
        let pending = tribe(.closed) + [E.applied("t1", "m2")]
        given(pending).when(AdmitMember(tribe: "t1", member: "m2"), by: "m1").then(E.admitted("t1", "m2", by: "m1"))
        given(tribe(.closed)).when(AdmitMember(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 has no pending application to tribe t1: only a pending application can be admitted or rejected")
        given(pending + [E.applied("t1", "m3")]).when(AdmitMember(tribe: "t1", member: "m3"), by: "m2")
            .thenRejects(.forbidden, "member m2 is not a member of tribe t1: apply to the tribe first")
        given(pending + [E.admitted("t1", "m2", by: "m1")]).when(AdmitMember(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 is already a member of tribe t1: nothing to do")
    }

    @Test func rejectApplication() {
        let pending = tribe(.closed) + [E.applied("t1", "m2")]
        given(pending).when(RejectApplication(tribe: "t1", member: "m2", reason: "not now"), by: "m1")
            .then(E.rejected("t1", "m2", by: "m1", reason: "not now"))
        given(pending + [E.rejected("t1", "m2", by: "m1")]).when(RejectApplication(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 has no pending application to tribe t1: only a pending application can be admitted or rejected")
        given(pending + [E.applied("t1", "m3"), E.admitted("t1", "m3", by: "m1")]).when(RejectApplication(tribe: "t1", member: "m2"), by: "m3")
            .thenRejects(.forbidden, "member m3 is not an admin of tribe t1: only admins may reject applications; ask an admin of the tribe")
    }
}
