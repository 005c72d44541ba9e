import EventLog
import Testing
import TribeDomain

@Suite struct PartupDeciderTests {
    typealias E = Events

    @Test func launchPartup() {
        let command = LaunchPartup(tribe: "t1", partup: "p1", title: " Bike repair café ", goal: "Fix 100 bikes",
                                   wantedSkills: ["welding", "Welding", "hosting"], privacy: .tribeMembers,
                                   endDate: Timestamp(microseconds: 1_800_000_000_000_000))
        given(E.tribeWithMember()).when(command, by: "m2")
            .then(PartupLaunched(partup: "p1", tribe: "t1", launcher: "m2", title: "Bike repair café", goal: "Fix 100 bikes",
                                 wantedSkills: ["welding", "hosting"], privacy: .tribeMembers,
                                 endDate: Timestamp(microseconds: 1_800_000_000_000_000)).event)
        given(E.tribeWithMember()).when(command, by: "m3")
            .thenRejects(.forbidden, "member m3 is not a member of tribe t1: apply to the tribe first")
        given(E.tribeWithMember() + [E.launched("p1", in: "t1", by: "m1")]).when(command, by: "m2")
            .thenRejects(.conflict, "part-up p1 already exists: choose another id")
        given(E.tribeWithMember()).when(LaunchPartup(tribe: "t1", partup: "p1", title: ""), by: "m2")
            .thenRejects(.invalidInput, "the title is empty: give it a title")
        given(E.tribeWithMember()).when(LaunchPartup(tribe: "t9", partup: "p1", title: "x"), by: "m2")
            .thenRejects(.notFound, "tribe t9 does not exist: check the id or create the tribe first")
        given(E.tribeWithMember() + [E.removed("t1", "m2", by: "m1")]).when(command, by: "m2")
            .thenRejects(.forbidden, "member m2 was removed from tribe t1: an admin must invite them again before they can take part")
    }

    @Test func onlyAdminsLaunchWhereTheTribeSaysSo() {
        let strict = E.tribeWithMember(onlyAdminsLaunch: true)
        given(strict).when(LaunchPartup(tribe: "t1", partup: "p1", title: "x"), by: "m2")
            .thenRejects(.forbidden, "tribe t1 lets only its admins launch part-ups and m2 is not one: ask an admin of the tribe to launch it")
        given(strict).when(LaunchPartup(tribe: "t1", partup: "p1", title: "x"), by: "m1")
            .then(PartupLaunched(partup: "p1", tribe: "t1", launcher: "m1", title: "x", goal: "", wantedSkills: [], privacy: .public, endDate: nil).event)
        given(E.tribeWithMember() + [TribeRulesChanged(tribe: "t1", rules: "", onlyAdminsLaunch: true).event])
            .when(LaunchPartup(tribe: "t1", partup: "p1", title: "x"), by: "m2")
            .thenRejects(.forbidden, "tribe t1 lets only its admins launch part-ups and m2 is not one: ask an admin of the tribe to launch it")
    }

    @Test func updatePartup() {
        let history = E.tribeWithMember() + [E.registered("m4"), E.applied("t1", "m4"), E.admitted("t1", "m4", by: "m4"),
                                             E.launched("p1", in: "t1", by: "m2")]
        given(history).when(UpdatePartup(tribe: "t1", partup: "p1", title: "New title", privacy: .partnersOnly), by: "m2")
            .then(PartupUpdated(partup: "p1", tribe: "t1", by: "m2", title: "New title", privacy: .partnersOnly).event)
        given(history).when(UpdatePartup(tribe: "t1", partup: "p1", goal: "More"), by: "m1")
            .then(PartupUpdated(partup: "p1", tribe: "t1", by: "m1", goal: "More").event)
        given(history).when(UpdatePartup(tribe: "t1", partup: "p1", goal: "More"), by: "m4")
            .thenRejects(.forbidden, "only the launcher of part-up p1 or an admin of tribe t1 may update it: ask them")
        given(history).when(UpdatePartup(tribe: "t1", partup: "p1"), by: "m2")
            .thenRejects(.invalidInput, "nothing to update: give at least one of title, goal, wanted skills, privacy or end date")
        given(history + [E.left("t1", "m2")]).when(UpdatePartup(tribe: "t1", partup: "p1", goal: "More"), by: "m2")
            .thenRejects(.forbidden, "member m2 is not a member of tribe t1: apply to the tribe first")
        given(history + [E.dissolved("p1", in: "t1", by: "m2")]).when(UpdatePartup(tribe: "t1", partup: "p1", goal: "More"), by: "m2")
            .thenRejects(.conflict, "part-up p1 is dissolved: nothing can change in it any more; look for an active part-up instead")
        given(history).when(UpdatePartup(tribe: "t2", partup: "p1", goal: "More"), by: "m2")
            .thenRejects(.invalidInput, "part-up p1 belongs to tribe t1, not t2: send the command for tribe t1")
    }

    @Test func dissolvePartup() {
        let history = E.tribeWithMember() + [E.launched("p1", in: "t1", by: "m2")]
        given(history).when(DissolvePartup(tribe: "t1", partup: "p1", outcome: .abandoned, note: "funding fell through"), by: "m2")
            .then(PartupDissolved(partup: "p1", tribe: "t1", outcome: .abandoned, by: "m2", note: "funding fell through").event)
        given(history).when(DissolvePartup(tribe: "t1", partup: "p1", outcome: .completed), by: "m1")
            .then(E.dissolved("p1", in: "t1", by: "m1"))
        given(history + [E.dissolved("p1", in: "t1", by: "m2")]).when(DissolvePartup(tribe: "t1", partup: "p1", outcome: .completed), by: "m1")
            .thenRejects(.conflict, "part-up p1 is dissolved: nothing can change in it any more; look for an active part-up instead")
        given(history).when(DissolvePartup(tribe: "t1", partup: "p1", outcome: .completed), by: "m3")
            .thenRejects(.forbidden, "only the launcher of part-up p1 or an admin of tribe t1 may dissolve it: ask them")
        given(history).when(DissolvePartup(tribe: "t1", partup: "p9", outcome: .completed), by: "m1")
            .thenRejects(.notFound, "part-up p9 does not exist: check the id")
    }
}
