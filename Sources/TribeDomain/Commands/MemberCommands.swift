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
    /// nil keeps what the member's profile holds: read from the log's facts, never from a
    /// read model, which may lag behind another server's writes.
    public var skills: [String]?
    public var regions: [String]?

    public init(skills: [String]? = nil, regions: [String]? = nil) {
        self.skills = skills
        self.regions = regions
    }

    public func facts(actor: MemberID) -> [Fact] {
        skills == nil || regions == nil ? [.registration(actor), .profile(actor)] : [.registration(actor)]
    }

    public func stream(actor: MemberID) -> String { actor.stream }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        guard skills != nil || regions != nil else { throw .invalidInput("give skills, regions or both (lists of strings)") }
        let skills = try TextRules.list(self.skills ?? state.profile(actor).skills, field: "skills")
        let regions = try TextRules.list(self.regions ?? state.profile(actor).regions, field: "regions")
        try state.requireRegistered(actor)
        return [MemberProfileUpdated(member: actor, skills: skills, regions: regions).event]
    }
}
