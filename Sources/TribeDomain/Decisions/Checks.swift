/// The checks many commands share, each with the message that tells the member what to do.
extension DecisionState {
    func requireRegistered(_ member: MemberID) throws(DomainError) {
        guard registration(member).isRegistered else {
            throw .notFound("member \(member) is not registered: register the member first")
        }
    }

    @discardableResult
    func requireTribe(_ tribe: TribeID) throws(DomainError) -> TribeFacts {
        let facts = self.tribe(tribe)
        guard facts.exists else { throw .notFound("tribe \(tribe) does not exist: check the id or create the tribe first") }
        return facts
    }

    /// The member must be admitted to the tribe now.
    @discardableResult
    func requireMember(_ member: MemberID, of tribe: TribeID) throws(DomainError) -> MembershipFacts {
        let facts = membership(tribe, member)
        if facts.isMember { return facts }
        throw Self.notMember(member, of: tribe, facts)
    }

    static func notMember(_ member: MemberID, of tribe: TribeID, _ facts: MembershipFacts) -> DomainError {
        if facts.isBarred {
            return .forbidden("member \(member) was removed from tribe \(tribe): an admin must invite them again before they can take part")
        }
        return .forbidden("member \(member) is not a member of tribe \(tribe): apply to the tribe first")
    }

    /// The member must be an admin of the tribe to do `action` (e.g. "invite members").
    func requireAdmin(_ member: MemberID, of tribe: TribeID, to action: String) throws(DomainError) {
        guard try requireMember(member, of: tribe).isAdmin else {
            throw .forbidden("member \(member) is not an admin of tribe \(tribe): only admins may \(action); ask an admin of the tribe")
        }
    }

    /// The part-up must exist and belong to `tribe` (commands name both, see `PartupCommand`).
    @discardableResult
    func requirePartup(_ partup: PartupID, in tribe: TribeID) throws(DomainError) -> PartupFacts {
        let facts = self.partup(partup)
        guard let launched = facts.launched else {
            throw .notFound("part-up \(partup) does not exist: check the id")
        }
        guard launched.tribe == tribe else {
            throw .invalidInput("part-up \(partup) belongs to tribe \(launched.tribe), not \(tribe): send the command for tribe \(launched.tribe)")
        }
        return facts
    }

    /// The part-up must exist in `tribe` and not be dissolved.
    @discardableResult
    func requireActivePartup(_ partup: PartupID, in tribe: TribeID) throws(DomainError) -> PartupFacts {
        let facts = try requirePartup(partup, in: tribe)
        guard !facts.isDissolved else {
            throw .conflict("part-up \(partup) is dissolved: nothing can change in it any more; look for an active part-up instead")
        }
        return facts
    }

    /// The member may take part in the tribe's part-ups from outside only if they were not
    /// removed from it; insiders always may.
    func requireNotBarred(_ member: MemberID, from tribe: TribeID) throws(DomainError) {
        let facts = membership(tribe, member)
        if facts.isBarred { throw Self.notMember(member, of: tribe, facts) }
    }
}

extension DecisionState {
    /// Only the part-up's launcher (while still a member of its tribe) or an admin of the
    /// tribe may `action` it (e.g. "update"). The part-up must be active.
    func requireSteward(_ actor: MemberID, of partup: PartupID, in tribe: TribeID, to action: String) throws(DomainError) {
        let facts = try requireActivePartup(partup, in: tribe)
        let standing = membership(tribe, actor)
        if standing.isAdmin { return }
        guard let launcher = facts.launched?.launcher, launcher == actor else {
            throw .forbidden("only the launcher of part-up \(partup) or an admin of tribe \(tribe) may \(action) it: ask them")
        }
        if !standing.isMember { throw Self.notMember(actor, of: tribe, standing) }
    }
}
