/// An admin makes another member of the tribe an admin.
public struct GrantAdmin: TribeCommand {
    public var tribe: TribeID
    public var member: MemberID

    public init(tribe: TribeID, member: MemberID) {
        self.tribe = tribe
        self.member = member
    }

    public func facts(actor: MemberID) -> [Fact] { [.registration(actor), .membership(tribe, actor), .membership(tribe, member)] }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        try state.requireAdmin(actor, of: tribe, to: "grant admin")
        let standing = state.membership(tribe, member)
        guard standing.isMember else {
            throw .conflict("member \(member) is not a member of tribe \(tribe): only members can become admins; admit them first")
        }
        guard !standing.isAdmin else { throw .conflict("member \(member) is already an admin of tribe \(tribe): nothing to do") }
        return [RoleGranted(RoleChange(tribe: tribe, member: member, by: actor)).event]
    }
}

/// An admin takes the admin role from a member (themselves included), unless that
/// member is the tribe's last admin.
public struct RevokeAdmin: TribeCommand {
    public var tribe: TribeID
    public var member: MemberID

    public init(tribe: TribeID, member: MemberID) {
        self.tribe = tribe
        self.member = member
    }

    public func facts(actor: MemberID) -> [Fact] {
        [.registration(actor), .membership(tribe, actor), .membership(tribe, member), .admins(tribe)]
    }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        try state.requireAdmin(actor, of: tribe, to: "revoke admin")
        guard state.membership(tribe, member).isAdmin else {
            throw .conflict("member \(member) is not an admin of tribe \(tribe): nothing to revoke")
        }
        if state.admins(tribe).admins == [member] {
            throw .conflict("member \(member) is the last admin of tribe \(tribe): grant admin to another member first")
        }
        return [RoleRevoked(RoleChange(tribe: tribe, member: member, by: actor)).event]
    }
}
