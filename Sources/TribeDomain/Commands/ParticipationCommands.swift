/// The acting member becomes a partner of an active part-up. Members of its tribe may
/// join any of its part-ups; registered members outside the tribe ("externals") only
/// public part-ups of open tribes; members removed from the tribe none.
public struct JoinPartup: PartupCommand {
    public var tribe: TribeID
    public var partup: PartupID

    public init(tribe: TribeID, partup: PartupID) {
        self.tribe = tribe
        self.partup = partup
    }

    public func facts(actor: MemberID) -> [Fact] {
        [.registration(actor), .tribe(tribe), .membership(tribe, actor), .partup(partup), .participation(partup, actor)]
    }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        let facts = try state.requireActivePartup(partup, in: tribe)
        if state.participation(partup, actor).isPartner {
            throw .conflict("member \(actor) is already a partner of part-up \(partup): nothing to do")
        }
        if !state.membership(tribe, actor).isMember {
            try state.requireNotBarred(actor, from: tribe)
            let tribePrivacy = state.tribe(tribe).privacy
            guard tribePrivacy == .open && facts.privacy == .public else {
                throw .forbidden("member \(actor) is not a member of tribe \(tribe), and outsiders may join only public part-ups of open tribes (tribe \(tribe) is \(tribePrivacy), part-up \(partup) is \(facts.privacy)): apply to tribe \(tribe) first")
            }
        }
        return [PartnerJoined(Participation(partup: partup, tribe: tribe, member: actor)).event]
    }
}

/// The acting member stops being a partner of an active part-up.
public struct LeavePartup: PartupCommand {
    public var tribe: TribeID
    public var partup: PartupID

    public init(tribe: TribeID, partup: PartupID) {
        self.tribe = tribe
        self.partup = partup
    }

    public func facts(actor: MemberID) -> [Fact] { [.registration(actor), .partup(partup), .participation(partup, actor)] }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        try state.requireActivePartup(partup, in: tribe)
        guard state.participation(partup, actor).isPartner else {
            throw .conflict("member \(actor) is not a partner of part-up \(partup): there is nothing to leave")
        }
        return [PartnerLeft(Participation(partup: partup, tribe: tribe, member: actor), reason: .left).event]
    }
}

/// The acting member backs an active part-up without working in it. Members of its tribe
/// may support any of its part-ups; others only public ones (supporting is following, so
/// the tribe's privacy does not matter); members removed from the tribe none.
public struct SupportPartup: PartupCommand {
    public var tribe: TribeID
    public var partup: PartupID

    public init(tribe: TribeID, partup: PartupID) {
        self.tribe = tribe
        self.partup = partup
    }

    public func facts(actor: MemberID) -> [Fact] {
        [.registration(actor), .membership(tribe, actor), .partup(partup), .participation(partup, actor)]
    }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        let facts = try state.requireActivePartup(partup, in: tribe)
        let participation = state.participation(partup, actor)
        if participation.isSupporter { throw .conflict("member \(actor) already supports part-up \(partup): nothing to do") }
        if participation.isPartner {
            throw .conflict("member \(actor) is a partner of part-up \(partup): partners back it already")
        }
        if !state.membership(tribe, actor).isMember {
            try state.requireNotBarred(actor, from: tribe)
            guard facts.privacy == .public else {
                throw .forbidden("part-up \(partup) is for \(facts.privacy) and \(actor) is not a member of tribe \(tribe): apply to tribe \(tribe) first")
            }
        }
        return [SupporterJoined(Participation(partup: partup, tribe: tribe, member: actor)).event]
    }
}
