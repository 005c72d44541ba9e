/// Founds a tribe; the acting member becomes its first member and admin.
public struct CreateTribe: TribeCommand {
    public var tribe: TribeID
    public var name: String
    public var privacy: TribePrivacy
    public var rules: String
    public var onlyAdminsLaunch: Bool

    public init(tribe: TribeID, name: String, privacy: TribePrivacy, rules: String = "", onlyAdminsLaunch: Bool = false) {
        self.tribe = tribe
        self.name = name
        self.privacy = privacy
        self.rules = rules
        self.onlyAdminsLaunch = onlyAdminsLaunch
    }

    public func facts(actor: MemberID) -> [Fact] { [.registration(actor), .tribe(tribe)] }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let name = try TextRules.name(name, field: "name")
        let rules = try TextRules.text(rules, field: "rules")
        try state.requireRegistered(actor)
        guard !state.tribe(tribe).exists else { throw .conflict("tribe \(tribe) already exists: choose another id") }
        return [TribeCreated(tribe: tribe, name: name, founder: actor, privacy: privacy, rules: rules, onlyAdminsLaunch: onlyAdminsLaunch).event]
    }
}

/// The facts an admin's change to a tribe's settings depends on.
private func tribeSettingFacts(_ tribe: TribeID, actor: MemberID) -> [Fact] {
    [.registration(actor), .tribe(tribe), .membership(tribe, actor)]
}

/// Checks that `actor` may change the settings of `tribe`; returns the current settings.
private func currentSettings(_ state: DecisionState, _ tribe: TribeID, actor: MemberID, action: String) throws(DomainError) -> TribeFacts {
    try state.requireRegistered(actor)
    let facts = try state.requireTribe(tribe)
    try state.requireAdmin(actor, of: tribe, to: action)
    return facts
}

/// Replaces a tribe's rules text and its "only admins launch part-ups" setting.
public struct ChangeTribeRules: TribeCommand {
    public var tribe: TribeID
    public var rules: String
    /// nil keeps the tribe's current setting (from the log's facts).
    public var onlyAdminsLaunch: Bool?

    public init(tribe: TribeID, rules: String, onlyAdminsLaunch: Bool? = nil) {
        self.tribe = tribe
        self.rules = rules
        self.onlyAdminsLaunch = onlyAdminsLaunch
    }

    public func facts(actor: MemberID) -> [Fact] { tribeSettingFacts(tribe, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let rules = try TextRules.text(rules, field: "rules")
        let current = try currentSettings(state, tribe, actor: actor, action: "change the tribe's rules")
        let onlyAdminsLaunch = self.onlyAdminsLaunch ?? current.onlyAdminsLaunch
        guard current.rules != rules || current.onlyAdminsLaunch != onlyAdminsLaunch else {
            throw .conflict("tribe \(tribe) already has these rules: nothing to change")
        }
        return [TribeRulesChanged(tribe: tribe, rules: rules, onlyAdminsLaunch: onlyAdminsLaunch).event]
    }
}

/// Makes a tribe open, invite-only or closed. Pending applications stay pending and
/// existing partners stay: the new privacy applies to decisions from now on.
public struct ChangeTribePrivacy: TribeCommand {
    public var tribe: TribeID
    public var privacy: TribePrivacy

    public init(tribe: TribeID, privacy: TribePrivacy) {
        self.tribe = tribe
        self.privacy = privacy
    }

    public func facts(actor: MemberID) -> [Fact] { tribeSettingFacts(tribe, actor: actor) }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let current = try currentSettings(state, tribe, actor: actor, action: "change the tribe's privacy")
        guard current.privacy != privacy else { throw .conflict("tribe \(tribe) is already \(privacy): nothing to change") }
        return [TribePrivacyChanged(tribe: tribe, privacy: privacy).event]
    }
}
