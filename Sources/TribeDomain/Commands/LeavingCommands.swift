/// The PartnerLeft events that end `member`'s partnerships in the tribe's part-ups that
/// are not dissolved. They go into the same append as MemberLeft / MemberRemoved, so
/// the log never shows someone outside a tribe still working in its part-ups, not even
/// after a crash between two appends.
private func endPartnerships(_ state: DecisionState, _ tribe: TribeID, _ member: MemberID,
                             reason: PartnerLeaveReason) -> [DomainEvent] {
    state.partnershipsInTribe(tribe, member).openPartups.map { partup in
        PartnerLeft(Participation(partup: partup, tribe: tribe, member: member), reason: reason).event
    }
}

/// The acting member leaves a tribe, and with it the tribe's active part-ups they work in.
/// The last admin cannot leave (the tribe would have nobody to run it).
public struct LeaveTribe: TribeCommand {
    public var tribe: TribeID

    public init(tribe: TribeID) { self.tribe = tribe }

    public func facts(actor: MemberID) -> [Fact] {
        [.registration(actor), .membership(tribe, actor), .admins(tribe), .partnershipsInTribe(tribe, actor)]
    }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        guard state.membership(tribe, actor).isMember else {
            throw .conflict("member \(actor) is not a member of tribe \(tribe): there is nothing to leave")
        }
        if state.admins(tribe).admins == [actor] {
            throw .conflict("member \(actor) is the last admin of tribe \(tribe): grant admin to another member before leaving")
        }
        let left = MemberLeft(MembershipDecision(tribe: tribe, member: actor, by: actor)).event
        return [left] + endPartnerships(state, tribe, actor, reason: .leftTribe)
    }
}

/// An admin removes another member from a tribe, ending their partnerships in its active
/// part-ups. A removed member takes no part in the tribe (not even from outside) until an
/// admin invites them again. Admins leave with LeaveTribe, not by removing themselves, so
/// the remover always stays admin and no admin count is needed here.
public struct RemoveMember: TribeCommand {
    public var tribe: TribeID
    public var member: MemberID
    public var reason: String

    public init(tribe: TribeID, member: MemberID, reason: String = "") {
        self.tribe = tribe
        self.member = member
        self.reason = reason
    }

    public func facts(actor: MemberID) -> [Fact] {
        [.registration(actor), .membership(tribe, actor), .membership(tribe, member), .partnershipsInTribe(tribe, member)]
    }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let reason = try TextRules.text(reason, field: "reason")
        try state.requireRegistered(actor)
        try state.requireAdmin(actor, of: tribe, to: "remove members")
        guard member != actor else {
            throw .invalidInput("member \(actor) cannot remove themselves from tribe \(tribe): leave the tribe instead")
        }
        guard state.membership(tribe, member).isMember else {
            throw .conflict("member \(member) is not a member of tribe \(tribe): nothing to remove (reject a pending application instead)")
        }
        let removed = MemberRemoved(MembershipDecision(tribe: tribe, member: member, by: actor, reason: reason)).event
        return [removed] + endPartnerships(state, tribe, member, reason: .removedFromTribe)
    }
}
