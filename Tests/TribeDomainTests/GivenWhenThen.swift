import Testing
import TribeDomain

// given([events]).when(command, by: actor).then([events]) / .thenRejects(message):
// the decider is fed exactly what the store would give it, i.e. only the given events
// its facts cover, so a fact missing from a command's query shows up as a wrong decision.

struct Given {
    let history: [DomainEvent]

    func when<C: Command>(_ command: C, by actor: MemberID) -> When<C> {
        When(command: command, actor: actor, state: command.initialState(actor: actor).evolved(by: history))
    }
}

func given(_ history: DomainEvent...) -> Given { Given(history: history) }
func given(_ history: [DomainEvent]) -> Given { Given(history: history) }

struct When<C: Command> {
    let command: C
    let actor: MemberID
    let state: DecisionState

    private var result: Result<[DomainEvent], DomainError> {
        Result { () throws(DomainError) in try command.decide(state, actor: actor) }
    }

    func then(_ expected: DomainEvent..., sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result == .success(expected), sourceLocation: sourceLocation)
    }

    func thenRejects(_ kind: DomainError.Kind, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result == .failure(DomainError(kind: kind, message)), sourceLocation: sourceLocation)
    }
}

/// Short builders for the events the scenarios are made of.
enum Events {
    static func registered(_ member: MemberID) -> DomainEvent { MemberRegistered(member: member, name: "Member \(member)").event }

    static func tribe(_ tribe: TribeID, founder: MemberID, privacy: TribePrivacy = .open, onlyAdminsLaunch: Bool = false) -> DomainEvent {
        TribeCreated(tribe: tribe, name: "Tribe \(tribe)", founder: founder, privacy: privacy, rules: "be kind",
                     onlyAdminsLaunch: onlyAdminsLaunch).event
    }

    static func applied(_ tribe: TribeID, _ member: MemberID) -> DomainEvent {
        MemberApplied(tribe: tribe, member: member, motivation: "").event
    }

    static func invited(_ tribe: TribeID, _ member: MemberID, by: MemberID) -> DomainEvent {
        MemberInvited(MembershipDecision(tribe: tribe, member: member, by: by)).event
    }

    static func admitted(_ tribe: TribeID, _ member: MemberID, by: MemberID) -> DomainEvent {
        MemberAdmitted(MembershipDecision(tribe: tribe, member: member, by: by)).event
    }

    static func rejected(_ tribe: TribeID, _ member: MemberID, by: MemberID, reason: String = "") -> DomainEvent {
        MemberRejected(MembershipDecision(tribe: tribe, member: member, by: by, reason: reason)).event
    }

    static func left(_ tribe: TribeID, _ member: MemberID) -> DomainEvent {
        MemberLeft(MembershipDecision(tribe: tribe, member: member, by: member)).event
    }

    static func removed(_ tribe: TribeID, _ member: MemberID, by: MemberID, reason: String = "") -> DomainEvent {
        MemberRemoved(MembershipDecision(tribe: tribe, member: member, by: by, reason: reason)).event
    }

    static func granted(_ tribe: TribeID, _ member: MemberID, by: MemberID) -> DomainEvent {
        RoleGranted(RoleChange(tribe: tribe, member: member, by: by)).event
    }

    static func revoked(_ tribe: TribeID, _ member: MemberID, by: MemberID) -> DomainEvent {
        RoleRevoked(RoleChange(tribe: tribe, member: member, by: by)).event
    }

    static func launched(_ partup: PartupID, in tribe: TribeID, by launcher: MemberID, privacy: PartupPrivacy = .public) -> DomainEvent {
        PartupLaunched(partup: partup, tribe: tribe, launcher: launcher, title: "Part-up \(partup)", goal: "",
                       wantedSkills: [], privacy: privacy, endDate: nil).event
    }

    static func joined(_ partup: PartupID, in tribe: TribeID, _ member: MemberID) -> DomainEvent {
        PartnerJoined(Participation(partup: partup, tribe: tribe, member: member)).event
    }

    static func partnerLeft(_ partup: PartupID, in tribe: TribeID, _ member: MemberID, _ reason: PartnerLeaveReason) -> DomainEvent {
        PartnerLeft(Participation(partup: partup, tribe: tribe, member: member), reason: reason).event
    }

    static func supported(_ partup: PartupID, in tribe: TribeID, _ member: MemberID) -> DomainEvent {
        SupporterJoined(Participation(partup: partup, tribe: tribe, member: member)).event
    }

    static func dissolved(_ partup: PartupID, in tribe: TribeID, by: MemberID, _ outcome: PartupOutcome = .completed) -> DomainEvent {
        PartupDissolved(partup: partup, tribe: tribe, outcome: outcome, by: by).event
    }

    /// m1 founded t1 (with the given privacy); m2, m3 registered; m2 is a member.
    static func tribeWithMember(privacy: TribePrivacy = .open, onlyAdminsLaunch: Bool = false) -> [DomainEvent] {
        [registered("m1"), registered("m2"), registered("m3"), tribe("t1", founder: "m1", privacy: privacy, onlyAdminsLaunch: onlyAdminsLaunch),
         applied("t1", "m2"), admitted("t1", "m2", by: "m2")]
    }
}
