import EventLog

/// One thing a decision depends on. A command lists its facts; their query items, OR-ed,
/// are both what the command reads and its append condition (DCB), so an event that
/// would change any of them, appended concurrently, makes the append conflict and the
/// command decide again.
public enum Fact: Sendable, Hashable {
    /// Whether the member is registered.
    case registration(MemberID)
    /// The member's skills and regions as last set (for a profile update that changes one
    /// and keeps the other).
    case profile(MemberID)
    /// Whether the tribe exists, its privacy and rules.
    case tribe(TribeID)
    /// One member's standing in one tribe: member, admin, pending application or
    /// invitation, removed. Includes TribeCreated because it makes the founder a member.
    case membership(TribeID, MemberID)
    /// Who the tribe's admins are (for "the last admin cannot leave or be demoted").
    case admins(TribeID)
    /// Whether the part-up exists, its tribe, launcher, privacy, and whether it is dissolved.
    case partup(PartupID)
    /// Whether one member is partner or supporter of one part-up.
    case participation(PartupID, MemberID)
    /// The part-ups of a tribe in which a member is partner and which are not dissolved:
    /// what leaving or being removed from the tribe must end.
    case partnershipsInTribe(TribeID, MemberID)

    /// The query items that select exactly the events this fact is folded from.
    public var items: [QueryItem] {
        switch self {
        case .registration(let member):
            [QueryItem(types: [MemberRegistered.typeName], tags: [member.tag])]
        case .profile(let member):
            [QueryItem(types: [MemberProfileUpdated.typeName], tags: [member.tag])]
        case .tribe(let tribe):
            [QueryItem(types: [TribeCreated.typeName, TribeRulesChanged.typeName, TribePrivacyChanged.typeName], tags: [tribe.tag])]
        case .membership(let tribe, let member):
            [QueryItem(types: Self.membershipTypes, tags: [tribe.tag, member.tag])]
        case .admins(let tribe):
            [QueryItem(types: [TribeCreated.typeName, RoleGranted.typeName, RoleRevoked.typeName, MemberLeft.typeName, MemberRemoved.typeName],
                       tags: [tribe.tag])]
        case .partup(let partup):
            [QueryItem(types: [PartupLaunched.typeName, PartupUpdated.typeName, PartupDissolved.typeName], tags: [partup.tag])]
        case .participation(let partup, let member):
            [QueryItem(types: [PartupLaunched.typeName, PartnerJoined.typeName, PartnerLeft.typeName, SupporterJoined.typeName],
                       tags: [partup.tag, member.tag])]
        case .partnershipsInTribe(let tribe, let member):
            [QueryItem(types: [PartupLaunched.typeName, PartnerJoined.typeName, PartnerLeft.typeName], tags: [tribe.tag, member.tag]),
             // Not narrowed to the member: a dissolution carries no member tag.
             QueryItem(types: [PartupDissolved.typeName], tags: [tribe.tag])]
        }
    }

    private static let membershipTypes = [
        TribeCreated.typeName, MemberApplied.typeName, MemberInvited.typeName, MemberAdmitted.typeName,
        MemberRejected.typeName, MemberLeft.typeName, MemberRemoved.typeName, RoleGranted.typeName, RoleRevoked.typeName,
    ]

    /// Whether the event is one this fact is folded from.
    func covers(_ event: DomainEvent) -> Bool {
        let (type, tags) = (event.typeName, event.tags)
        return items.contains { item in item.types.contains(type) && item.tags.allSatisfy(tags.contains) }
    }

    /// The fact before any event.
    func initialValue() -> any FactValue {
        switch self {
        case .registration: RegistrationFacts()
        case .profile: ProfileFacts()
        case .tribe: TribeFacts()
        case .membership: MembershipFacts()
        case .admins: AdminRoster()
        case .partup: PartupFacts()
        case .participation: ParticipationFacts()
        case .partnershipsInTribe: TribePartnerships()
        }
    }
}

/// A fact's value, folded from the events the fact covers (and only those: the state
/// routes each event to the facts whose items match it, so `apply` need not check ids).
protocol FactValue: Sendable {
    mutating func apply(_ event: DomainEvent)
}
