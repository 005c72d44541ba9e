import PropertyBased
import TribeDomain

/// Random commands from a small cast (6 members, 2 tribes, 4 part-ups), so that commands
/// meet each other often: the same tribes, the same part-ups, the same members. A plan
/// starts with a sequential setup (everyone registered, both tribes founded) so that the
/// concurrent steps reach deep states; steps that need an admin mostly come from the
/// founder. Many steps are still refused: the point is what the accepted ones leave.
enum RandomCommands {
    struct Step: Sendable {
        var actor: MemberID
        var command: any Command
    }

    struct Plan: Sendable {
        var setup: [Step]
        var steps: [Step]
    }

    static let members: [MemberID] = ["m0", "m1", "m2", "m3", "m4", "m5"]
    static let tribes: [TribeID] = ["t0", "t1"]
    static let partups: [PartupID] = ["p0", "p1", "p2", "p3"]

    static func plans(steps: Int) -> Generator<Plan, Shrink.None<Plan>> {
        Generator { rng in
            var founders: [MemberID] = []
            var setup = members.map { Step(actor: $0, command: RegisterMember(member: $0, name: "Member \($0)")) }
            for tribe in tribes {
                let founder = members[Int.random(in: 0..<members.count, using: &rng)]
                founders.append(founder)
                let privacy = TribePrivacy.allCases[Int.random(in: 0..<3, using: &rng)]
                let create = CreateTribe(tribe: tribe, name: "Tribe \(tribe)", privacy: privacy, onlyAdminsLaunch: Int.random(in: 0..<3, using: &rng) == 0)
                setup.append(Step(actor: founder, command: create))
            }
            return Plan(setup: setup, steps: (0..<steps).map { _ in step(&rng, founders: founders) })
        }
    }

    static func step(_ rng: inout some RandomNumberGenerator, founders: [MemberID]) -> Step {
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        let tribeIndex = Int.random(in: 0..<tribes.count, using: &rng)
        let partupIndex = Int.random(in: 0..<partups.count, using: &rng)
        let (tribe, partup, other) = (tribes[tribeIndex], partups[partupIndex], pick(members))
        // A part-up's commands name its home tribe, now and then the other one.
        let home = Int.random(in: 0..<10, using: &rng) == 0 ? tribe : tribes[partupIndex % tribes.count]
        let anyone = pick(members)
        let admin = Int.random(in: 0..<5, using: &rng) < 3 ? founders[tribeIndex] : anyone
        let steward = Int.random(in: 0..<2, using: &rng) == 0 ? founders[partupIndex % tribes.count] : anyone
        switch Int.random(in: 0..<28, using: &rng) {
        case 0: return Step(actor: anyone, command: RegisterMember(member: other, name: "Again"))
        case 1: return Step(actor: anyone, command: UpdateProfile(skills: [pick(["swift", "design", "welding"])], regions: [pick(["north", "south"])]))
        case 2: return Step(actor: anyone, command: CreateTribe(tribe: tribe, name: "Again", privacy: .open))
        case 3: return Step(actor: admin, command: ChangeTribeRules(tribe: tribe, rules: pick(["a", "b"]), onlyAdminsLaunch: Bool.random(using: &rng)))
        case 4: return Step(actor: admin, command: ChangeTribePrivacy(tribe: tribe, privacy: pick(TribePrivacy.allCases)))
        case 5, 6, 7: return Step(actor: anyone, command: ApplyToTribe(tribe: tribe))
        case 8, 9: return Step(actor: admin, command: InviteMember(tribe: tribe, member: other))
        case 10, 11: return Step(actor: admin, command: AdmitMember(tribe: tribe, member: other))
        case 12: return Step(actor: admin, command: RejectApplication(tribe: tribe, member: other))
        case 13: return Step(actor: anyone, command: LeaveTribe(tribe: tribe))
        case 14: return Step(actor: admin, command: RemoveMember(tribe: tribe, member: other))
        case 15: return Step(actor: admin, command: GrantAdmin(tribe: tribe, member: other))
        case 16: return Step(actor: admin, command: RevokeAdmin(tribe: tribe, member: other))
        case 17, 18: return Step(actor: anyone, command: LaunchPartup(tribe: home, partup: partup, title: "Part-up \(partup)", privacy: pick(PartupPrivacy.allCases)))
        case 19: return Step(actor: steward, command: UpdatePartup(tribe: home, partup: partup, privacy: pick(PartupPrivacy.allCases)))
        case 20, 21, 22, 23, 26: return Step(actor: anyone, command: JoinPartup(tribe: home, partup: partup))
        case 24: return Step(actor: anyone, command: LeavePartup(tribe: home, partup: partup))
        case 25: return Step(actor: anyone, command: SupportPartup(tribe: home, partup: partup))
        default: return Step(actor: steward, command: DissolvePartup(tribe: home, partup: partup, outcome: pick(PartupOutcome.allCases)))
        }
    }
}
