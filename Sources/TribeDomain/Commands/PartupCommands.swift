import EventLog

/// A member of a tribe starts a part-up in it and becomes its first partner. Where the
/// tribe has `onlyAdminsLaunch`, only its admins may.
public struct LaunchPartup: PartupCommand {
    public var tribe: TribeID
    public var partup: PartupID
    public var title: String
    public var goal: String
    public var wantedSkills: [String]
    public var privacy: PartupPrivacy
    public var endDate: Timestamp?

    public init(tribe: TribeID, partup: PartupID, title: String, goal: String = "", wantedSkills: [String] = [],
                privacy: PartupPrivacy = .public, endDate: Timestamp? = nil) {
        self.tribe = tribe
        self.partup = partup
        self.title = title
        self.goal = goal
        self.wantedSkills = wantedSkills
        self.privacy = privacy
        self.endDate = endDate
    }

    public func facts(actor: MemberID) -> [Fact] {
        [.registration(actor), .tribe(tribe), .membership(tribe, actor), .partup(partup)]
    }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let title = try TextRules.name(title, field: "title")
        let goal = try TextRules.text(goal, field: "goal")
        let skills = try TextRules.list(wantedSkills, field: "wanted skills")
        try state.requireRegistered(actor)
        let settings = try state.requireTribe(tribe)
        let standing = try state.requireMember(actor, of: tribe)
        if settings.onlyAdminsLaunch && !standing.isAdmin {
            throw .forbidden("tribe \(tribe) lets only its admins launch part-ups and \(actor) is not one: ask an admin of the tribe to launch it")
        }
        guard state.partup(partup).launched == nil else { throw .conflict("part-up \(partup) already exists: choose another id") }
        let launched = PartupLaunched(partup: partup, tribe: tribe, launcher: actor, title: title, goal: goal,
                                      wantedSkills: skills, privacy: privacy, endDate: endDate)
        return [launched.event]
    }
}

/// The facts a steward's decision about a part-up depends on.
private func stewardFacts(_ tribe: TribeID, _ partup: PartupID, actor: MemberID) -> [Fact] {
    [.registration(actor), .membership(tribe, actor), .partup(partup)]
}

/// The launcher or a tribe admin changes some of an active part-up's details (nil = keep).
/// Partners who joined under a looser privacy stay partners.
public struct UpdatePartup: PartupCommand {
    public var tribe: TribeID
    public var partup: PartupID
    public var title: String?
    public var goal: String?
    public var wantedSkills: [String]?
    public var privacy: PartupPrivacy?
    public var endDate: Timestamp?

    public init(tribe: TribeID, partup: PartupID, title: String? = nil, goal: String? = nil, wantedSkills: [String]? = nil,
                privacy: PartupPrivacy? = nil, endDate: Timestamp? = nil) {
        self.tribe = tribe
        self.partup = partup
        self.title = title
        self.goal = goal
        self.wantedSkills = wantedSkills
        self.privacy = privacy
        self.endDate = endDate
    }

    public func facts(actor: MemberID) -> [Fact] { stewardFacts(tribe, partup, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        var update = PartupUpdated(partup: partup, tribe: tribe, by: actor, privacy: privacy, endDate: endDate)
        if let title { update.title = try TextRules.name(title, field: "title") }
        if let goal { update.goal = try TextRules.text(goal, field: "goal") }
        if let wantedSkills { update.wantedSkills = try TextRules.list(wantedSkills, field: "wanted skills") }
        guard update.title != nil || update.goal != nil || update.wantedSkills != nil || privacy != nil || endDate != nil else {
            throw .invalidInput("nothing to update: give at least one of title, goal, wanted skills, privacy or end date")
        }
        try state.requireRegistered(actor)
        try state.requireSteward(actor, of: partup, in: tribe, to: "update")
        return [update.event]
    }
}

/// The launcher or a tribe admin ends an active part-up with an outcome.
public struct DissolvePartup: PartupCommand {
    public var tribe: TribeID
    public var partup: PartupID
    public var outcome: PartupOutcome
    public var note: String

    public init(tribe: TribeID, partup: PartupID, outcome: PartupOutcome, note: String = "") {
        self.tribe = tribe
        self.partup = partup
        self.outcome = outcome
        self.note = note
    }

    public func facts(actor: MemberID) -> [Fact] { stewardFacts(tribe, partup, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let note = try TextRules.text(note, field: "note")
        try state.requireRegistered(actor)
        try state.requireSteward(actor, of: partup, in: tribe, to: "dissolve")
        return [PartupDissolved(partup: partup, tribe: tribe, outcome: outcome, by: actor, note: note).event]
    }
}
