/// The acting member asks to join a tribe. What happens depends on the tribe's privacy:
/// open → MemberApplied + MemberAdmitted at once; invite-only → the same if the member was
/// invited, refused otherwise; closed → MemberApplied, pending an admin's decision (even
/// for an invited member: in a closed tribe only an admin admits). A member removed from
/// the tribe may apply again only after a new invitation.
public struct ApplyToTribe: TribeCommand {
    public var tribe: TribeID
    public var motivation: String

    public init(tribe: TribeID, motivation: String = "") {
        self.tribe = tribe
        self.motivation = motivation
    }

    public func facts(actor: MemberID) -> [Fact] { [.registration(actor), .tribe(tribe), .membership(tribe, actor)] }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let motivation = try TextRules.text(motivation, field: "motivation")
        try state.requireRegistered(actor)
        let privacy = try state.requireTribe(tribe).privacy
        let standing = state.membership(tribe, actor)
        if standing.isMember { throw .conflict("member \(actor) is already a member of tribe \(tribe): nothing to do") }
        if standing.isBarred { throw DecisionState.notMember(actor, of: tribe, standing) }
        if standing.hasPendingApplication {
            throw .conflict("member \(actor) has already applied to tribe \(tribe): wait for an admin's decision")
        }
        let applied = MemberApplied(tribe: tribe, member: actor, motivation: motivation).event
        let admitted = MemberAdmitted(MembershipDecision(tribe: tribe, member: actor, by: actor)).event
        switch privacy {
        case .open:
            return [applied, admitted]
        case .invite:
            guard standing.hasPendingInvitation else {
                throw .forbidden("tribe \(tribe) is invite-only: ask one of its admins for an invitation")
            }
            return [applied, admitted]
        case .closed:
            return [applied]
        }
    }
}

/// The facts an admin's decision about another member's membership depends on.
private func admissionFacts(_ tribe: TribeID, _ member: MemberID, actor: MemberID) -> [Fact] {
    [.registration(actor), .registration(member), .tribe(tribe), .membership(tribe, actor), .membership(tribe, member)]
}

/// Checks that `actor` is an admin who may decide about `member`, who is not a member yet;
/// returns the member's standing.
private func standingForAdmission(_ state: DecisionState, _ tribe: TribeID, _ member: MemberID, actor: MemberID,
                                  action: String) throws(DomainError) -> MembershipFacts {
    try state.requireRegistered(actor)
    try state.requireTribe(tribe)
    try state.requireAdmin(actor, of: tribe, to: action)
    try state.requireRegistered(member)
    let standing = state.membership(tribe, member)
    if standing.isMember { throw .conflict("member \(member) is already a member of tribe \(tribe): nothing to do") }
    return standing
}

/// An admin invites a registered member. The invitation lifts an earlier removal.
public struct InviteMember: TribeCommand {
    public var tribe: TribeID
    public var member: MemberID

    public init(tribe: TribeID, member: MemberID) {
        self.tribe = tribe
        self.member = member
    }

    public func facts(actor: MemberID) -> [Fact] { admissionFacts(tribe, member, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let standing = try standingForAdmission(state, tribe, member, actor: actor, action: "invite members")
        if standing.hasPendingInvitation {
            throw .conflict("member \(member) is already invited to tribe \(tribe): wait for them to accept")
        }
        if standing.hasPendingApplication {
            throw .conflict("member \(member) has already applied to tribe \(tribe): admit the application instead of inviting")
        }
        return [MemberInvited(MembershipDecision(tribe: tribe, member: member, by: actor)).event]
    }
}

/// An admin's decision on a pending application: admit or reject.
private func decideApplication(_ state: DecisionState, _ tribe: TribeID, _ member: MemberID, actor: MemberID,
                               verb: String) throws(DomainError) -> MembershipDecision {
    let standing = try standingForAdmission(state, tribe, member, actor: actor, action: "\(verb) applications")
    guard standing.hasPendingApplication else {
        throw .conflict("member \(member) has no pending application to tribe \(tribe): only a pending application can be admitted or rejected")
    }
    return MembershipDecision(tribe: tribe, member: member, by: actor)
}

/// An admin admits a member with a pending application (the only way into a closed tribe).
public struct AdmitMember: TribeCommand {
    public var tribe: TribeID
    public var member: MemberID

    public init(tribe: TribeID, member: MemberID) {
        self.tribe = tribe
        self.member = member
    }

    public func facts(actor: MemberID) -> [Fact] { admissionFacts(tribe, member, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        [MemberAdmitted(try decideApplication(state, tribe, member, actor: actor, verb: "admit")).event]
    }
}

/// An admin turns a pending application down; the member may apply again later.
public struct RejectApplication: TribeCommand {
    public var tribe: TribeID
    public var member: MemberID
    public var reason: String

    public init(tribe: TribeID, member: MemberID, reason: String = "") {
        self.tribe = tribe
        self.member = member
        self.reason = reason
    }

    public func facts(actor: MemberID) -> [Fact] { admissionFacts(tribe, member, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let reason = try TextRules.text(reason, field: "reason")
        var decision = try decideApplication(state, tribe, member, actor: actor, verb: "reject")
        decision.reason = reason
        return [MemberRejected(decision).event]
    }
}
