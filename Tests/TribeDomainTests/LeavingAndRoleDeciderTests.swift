import Testing
import TribeDomain

@Suite struct LeavingAndRoleDeciderTests {
    typealias E = Events

    /// m2 launched p1, joined p2 (m1's), left p3, and p4 is dissolved; p5 is in another tribe.
    var busyMember: [DomainEvent] {
        E.tribeWithMember() + [
            E.launched("p1", in: "t1", by: "m2"),
            E.launched("p2", in: "t1", by: "m1"), E.joined("p2", in: "t1", "m2"),
            E.launched("p3", in: "t1", by: "m1"), E.joined("p3", in: "t1", "m2"), E.partnerLeft("p3", in: "t1", "m2", .left),
            E.launched("p4", in: "t1", by: "m1"), E.joined("p4", in: "t1", "m2"), E.dissolved("p4", in: "t1", by: "m1"),
            E.tribe("t2", founder: "m2"), E.launched("p5", in: "t2", by: "m2"),
        ]
    }

    @Test func leavingATribeEndsPartnershipsInItsActivePartups() {
        given(busyMember).when(LeaveTribe(tribe: "t1"), by: "m2")
            .then(E.left("t1", "m2"), E.partnerLeft("p1", in: "t1", "m2", .leftTribe), E.partnerLeft("p2", in: "t1", "m2", .leftTribe))
        given(busyMember).when(LeaveTribe(tribe: "t1"), by: "m3")
            .thenRejects(.conflict, "member m3 is not a member of tribe t1: there is nothing to leave")
        given(busyMember).when(LeaveTribe(tribe: "t1"), by: "m9")
            .thenRejects(.notFound, "member m9 is not registered: register the member first")
    }

    @Test func theLastAdminCannotLeave() {
        given(E.tribeWithMember()).when(LeaveTribe(tribe: "t1"), by: "m1")
            .thenRejects(.conflict, "member m1 is the last admin of tribe t1: grant admin to another member before leaving")
        given(E.tribeWithMember() + [E.granted("t1", "m2", by: "m1")]).when(LeaveTribe(tribe: "t1"), by: "m1").then(E.left("t1", "m1"))
        given(E.tribeWithMember() + [E.granted("t1", "m2", by: "m1"), E.left("t1", "m2")]).when(LeaveTribe(tribe: "t1"), by: "m1")
            .thenRejects(.conflict, "member m1 is the last admin of tribe t1: grant admin to another member before leaving")
    }

    @Test func removeMember() {
        given(busyMember).when(RemoveMember(tribe: "t1", member: "m2", reason: "spam"), by: "m1")
            .then(E.removed("t1", "m2", by: "m1", reason: "spam"), E.partnerLeft("p1", in: "t1", "m2", .removedFromTribe),
                  E.partnerLeft("p2", in: "t1", "m2", .removedFromTribe))
        given(busyMember).when(RemoveMember(tribe: "t1", member: "m1"), by: "m2")
            .thenRejects(.forbidden, "member m2 is not an admin of tribe t1: only admins may remove members; ask an admin of the tribe")
        given(busyMember).when(RemoveMember(tribe: "t1", member: "m1"), by: "m1")
            .thenRejects(.invalidInput, "member m1 cannot remove themselves from tribe t1: leave the tribe instead")
        given(busyMember).when(RemoveMember(tribe: "t1", member: "m3"), by: "m1")
            .thenRejects(.conflict, "member m3 is not a member of tribe t1: nothing to remove (reject a pending application instead)")
    }

    @Test func grantAdmin() {
        given(E.tribeWithMember()).when(GrantAdmin(tribe: "t1", member: "m2"), by: "m1").then(E.granted("t1", "m2", by: "m1"))
        given(E.tribeWithMember()).when(GrantAdmin(tribe: "t1", member: "m3"), by: "m1")
            .thenRejects(.conflict, "member m3 is not a member of tribe t1: only members can become admins; admit them first")
        given(E.tribeWithMember() + [E.granted("t1", "m2", by: "m1")]).when(GrantAdmin(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 is already an admin of tribe t1: nothing to do")
        given(E.tribeWithMember()).when(GrantAdmin(tribe: "t1", member: "m2"), by: "m2")
            .thenRejects(.forbidden, "member m2 is not an admin of tribe t1: only admins may grant admin; ask an admin of the tribe")
        given(E.tribeWithMember() + [E.granted("t1", "m2", by: "m1"), E.revoked("t1", "m2", by: "m1")])
            .when(GrantAdmin(tribe: "t1", member: "m1"), by: "m2")
            .thenRejects(.forbidden, "member m2 is not an admin of tribe t1: only admins may grant admin; ask an admin of the tribe")
    }

    @Test func revokeAdmin() {
        let twoAdmins = E.tribeWithMember() + [E.granted("t1", "m2", by: "m1")]
        given(twoAdmins).when(RevokeAdmin(tribe: "t1", member: "m2"), by: "m1").then(E.revoked("t1", "m2", by: "m1"))
        given(twoAdmins).when(RevokeAdmin(tribe: "t1", member: "m1"), by: "m1").then(E.revoked("t1", "m1", by: "m1"))
        given(E.tribeWithMember()).when(RevokeAdmin(tribe: "t1", member: "m1"), by: "m1")
            .thenRejects(.conflict, "member m1 is the last admin of tribe t1: grant admin to another member first")
        given(twoAdmins + [E.removed("t1", "m2", by: "m1")]).when(RevokeAdmin(tribe: "t1", member: "m1"), by: "m1")
            .thenRejects(.conflict, "member m1 is the last admin of tribe t1: grant admin to another member first")
        given(E.tribeWithMember()).when(RevokeAdmin(tribe: "t1", member: "m2"), by: "m1")
            .thenRejects(.conflict, "member m2 is not an admin of tribe t1: nothing to revoke")
        given(E.tribeWithMember()).when(RevokeAdmin(tribe: "t1", member: "m1"), by: "m2")
            .thenRejects(.forbidden, "member m2 is not an admin of tribe t1: only admins may revoke admin; ask an admin of the tribe")
    }
}
