import Testing
import TribeDomain

@Suite struct MemberAndTribeDeciderTests {
    typealias E = Events

    @Test func registerMember() {
        given().when(RegisterMember(member: "m1", name: "  Ada  "), by: "m1")
            .then(MemberRegistered(member: "m1", name: "Ada").event)
        given(E.registered("m1")).when(RegisterMember(member: "m1", name: "Ada"), by: "m1")
            .thenRejects(.conflict, "member m1 is already registered: choose another id, or update the member's profile instead")
        given().when(RegisterMember(member: "m1", name: " "), by: "m1")
            .thenRejects(.invalidInput, "the name is empty: give it a name")
    }

    @Test func updateProfile() {
        given(E.registered("m1")).when(UpdateProfile(skills: ["Swift", " swift ", "Design"], regions: ["Utrecht"]), by: "m1")
            .then(MemberProfileUpdated(member: "m1", skills: ["Swift", "Design"], regions: ["Utrecht"]).event)
        given().when(UpdateProfile(skills: ["Swift"], regions: []), by: "m1")
            .thenRejects(.notFound, "member m1 is not registered: register the member first")
        given(E.registered("m1")).when(UpdateProfile(skills: ["Swift", ""], regions: []), by: "m1")
            .thenRejects(.invalidInput, "one of the skills is empty: remove it")
    }

    /// A list left out keeps the profile's, as the log's facts hold it (not a read model's).
    @Test func updateProfileKeepsWhatItLeavesOut() {
        let profiled = [E.registered("m1"), MemberProfileUpdated(member: "m1", skills: ["Swift"], regions: ["Utrecht"]).event]
        given(profiled).when(UpdateProfile(regions: ["Lisbon"]), by: "m1")
            .then(MemberProfileUpdated(member: "m1", skills: ["Swift"], regions: ["Lisbon"]).event)
        given(profiled).when(UpdateProfile(skills: ["Go"]), by: "m1")
            .then(MemberProfileUpdated(member: "m1", skills: ["Go"], regions: ["Utrecht"]).event)
        given(E.registered("m1")).when(UpdateProfile(skills: ["Go"]), by: "m1")
            .then(MemberProfileUpdated(member: "m1", skills: ["Go"], regions: []).event)
        given(profiled).when(UpdateProfile(), by: "m1")
            .thenRejects(.invalidInput, "give skills, regions or both (lists of strings)")
    }

    @Test func markNotificationsRead() {
        given(E.registered("m1")).when(MarkNotificationsRead(upTo: 17), by: "m1")
            .then(NotificationsRead(member: "m1", upTo: 17).event)
        given().when(MarkNotificationsRead(upTo: 17), by: "m1")
            .thenRejects(.notFound, "member m1 is not registered: register the member first")
    }

    @Test func createTribe() {
        given(E.registered("m1")).when(CreateTribe(tribe: "t1", name: "Makers", privacy: .closed, rules: "share", onlyAdminsLaunch: true), by: "m1")
            .then(TribeCreated(tribe: "t1", name: "Makers", founder: "m1", privacy: .closed, rules: "share", onlyAdminsLaunch: true).event)
        given().when(CreateTribe(tribe: "t1", name: "Makers", privacy: .open), by: "m1")
            .thenRejects(.notFound, "member m1 is not registered: register the member first")
        given(E.registered("m1"), E.registered("m2"), E.tribe("t1", founder: "m2")).when(CreateTribe(tribe: "t1", name: "Makers", privacy: .open), by: "m1")
            .thenRejects(.conflict, "tribe t1 already exists: choose another id")
        given(E.registered("m1")).when(CreateTribe(tribe: "t1", name: "", privacy: .open), by: "m1")
            .thenRejects(.invalidInput, "the name is empty: give it a name")
    }

    @Test func changeTribeRules() {
        let history = E.tribeWithMember()
        given(history).when(ChangeTribeRules(tribe: "t1", rules: "ship weekly", onlyAdminsLaunch: true), by: "m1")
            .then(TribeRulesChanged(tribe: "t1", rules: "ship weekly", onlyAdminsLaunch: true).event)
        given(history).when(ChangeTribeRules(tribe: "t1", rules: "ship weekly", onlyAdminsLaunch: true), by: "m2")
            .thenRejects(.forbidden, "member m2 is not an admin of tribe t1: only admins may change the tribe's rules; ask an admin of the tribe")
        given(history).when(ChangeTribeRules(tribe: "t1", rules: "ship weekly", onlyAdminsLaunch: true), by: "m3")
            .thenRejects(.forbidden, "member m3 is not a member of tribe t1: apply to the tribe first")
        given(history).when(ChangeTribeRules(tribe: "t1", rules: "be kind", onlyAdminsLaunch: false), by: "m1")
            .thenRejects(.conflict, "tribe t1 already has these rules: nothing to change")
        given(history).when(ChangeTribeRules(tribe: "t9", rules: "x", onlyAdminsLaunch: false), by: "m1")
            .thenRejects(.notFound, "tribe t9 does not exist: check the id or create the tribe first")
        // Left out, onlyAdminsLaunch keeps the tribe's setting as the log holds it.
        given(history + [TribeRulesChanged(tribe: "t1", rules: "be kind", onlyAdminsLaunch: true).event])
            .when(ChangeTribeRules(tribe: "t1", rules: "ship weekly"), by: "m1")
            .then(TribeRulesChanged(tribe: "t1", rules: "ship weekly", onlyAdminsLaunch: true).event)
    }

    @Test func changeTribePrivacy() {
        let history = E.tribeWithMember()
        given(history).when(ChangeTribePrivacy(tribe: "t1", privacy: .invite), by: "m1")
            .then(TribePrivacyChanged(tribe: "t1", privacy: .invite).event)
        given(history).when(ChangeTribePrivacy(tribe: "t1", privacy: .open), by: "m1")
            .thenRejects(.conflict, "tribe t1 is already open: nothing to change")
        given(history).when(ChangeTribePrivacy(tribe: "t1", privacy: .closed), by: "m2")
            .thenRejects(.forbidden, "member m2 is not an admin of tribe t1: only admins may change the tribe's privacy; ask an admin of the tribe")
        given(history + [E.granted("t1", "m2", by: "m1")]).when(ChangeTribePrivacy(tribe: "t1", privacy: .closed), by: "m2")
            .then(TribePrivacyChanged(tribe: "t1", privacy: .closed).event)
    }
}
