/// Registers a member under a client-chosen id. Registering an id twice is refused, so
/// an id always means the same person.
public struct RegisterMember: Command {
    public var member: MemberID
    public var name: String

    public init(member: MemberID, name: String) {
        self.member = member
        self.name = name
    }

    public func facts(actor: MemberID) -> [Fact] { [.registration(member)] }
    public func stream(actor: MemberID) -> String { member.stream }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let name = try TextRules.name(name, field: "name")
        guard !state.registration(member).isRegistered else {
            throw .conflict("member \(member) is already registered: choose another id, or update the member's profile instead")
        }
        return [MemberRegistered(member: member, name: name).event]
    }
}

/// Replaces the acting member's skills and regions.
public struct UpdateProfile: Command {
    public var skills: [String]
    public var regions: [String]

    public init(skills: [String], regions: [String]) {
        self.skills = skills
        self.regions = regions
    }

    public func facts(actor: MemberID) -> [Fact] { [.registration(actor)] }
    public func stream(actor: MemberID) -> String { actor.stream }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let skills = try TextRules.list(skills, field: "skills")
        let regions = try TextRules.list(regions, field: "regions")
        try state.requireRegistered(actor)
        return [MemberProfileUpdated(member: actor, skills: skills, regions: regions).event]
    }
}
