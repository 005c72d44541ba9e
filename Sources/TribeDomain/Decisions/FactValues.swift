import EventLog

public struct RegistrationFacts: FactValue, Hashable {
    public internal(set) var isRegistered = false

    mutating func apply(_ event: DomainEvent) {
        if case .memberRegistered = event { isRegistered = true }
    }
}

public struct ProfileFacts: FactValue, Hashable {
    public internal(set) var skills: [String] = []
    public internal(set) var regions: [String] = []

    mutating func apply(_ event: DomainEvent) {
        if case .memberProfileUpdated(let e) = event { (skills, regions) = (e.skills, e.regions) }
    }
}

public struct TribeFacts: FactValue, Hashable {
    public internal(set) var exists = false
    public internal(set) var name = ""
    public internal(set) var privacy = TribePrivacy.open
    public internal(set) var rules = ""
    public internal(set) var onlyAdminsLaunch = false

    mutating func apply(_ event: DomainEvent) {
        switch event {
        case .tribeCreated(let e): (exists, name, privacy, rules, onlyAdminsLaunch) = (true, e.name, e.privacy, e.rules, e.onlyAdminsLaunch)
        case .tribeRulesChanged(let e): (rules, onlyAdminsLaunch) = (e.rules, e.onlyAdminsLaunch)
        case .tribePrivacyChanged(let e): privacy = e.privacy
        default: break
        }
    }
}

public struct MembershipFacts: FactValue, Hashable {
    public internal(set) var isMember = false
    public internal(set) var isAdmin = false
    public internal(set) var hasPendingApplication = false
    public internal(set) var hasPendingInvitation = false
    /// Removed by an admin and not invited back since: may not take part in the tribe.
    public internal(set) var isBarred = false

    mutating func apply(_ event: DomainEvent) {
        switch event {
        case .tribeCreated: (isMember, isAdmin) = (true, true)
        case .memberApplied: hasPendingApplication = true
        case .memberInvited: (hasPendingInvitation, isBarred) = (true, false)
        case .memberAdmitted: (isMember, hasPendingApplication, hasPendingInvitation, isBarred) = (true, false, false, false)
        case .memberRejected: hasPendingApplication = false
        case .memberLeft: (isMember, isAdmin) = (false, false)
        case .memberRemoved: self = MembershipFacts(isBarred: true)
        case .roleGranted: isAdmin = true
        case .roleRevoked: isAdmin = false
        default: break
        }
    }
}

public struct AdminRoster: FactValue, Hashable {
    public internal(set) var admins: Set<MemberID> = []

    mutating func apply(_ event: DomainEvent) {
        switch event {
        case .tribeCreated(let e): admins.insert(e.founder)
        case .roleGranted(let e): admins.insert(e.member)
        case .roleRevoked(let e): admins.remove(e.member)
        case .memberLeft(let e): admins.remove(e.member)
        case .memberRemoved(let e): admins.remove(e.member)
        default: break
        }
    }
}

public struct PartupFacts: FactValue, Hashable {
    /// nil until launched.
    public internal(set) var launched: PartupLaunched?
    public internal(set) var privacy = PartupPrivacy.public
    public internal(set) var isDissolved = false

    mutating func apply(_ event: DomainEvent) {
        switch event {
        case .partupLaunched(let e): (launched, privacy) = (e, e.privacy)
        case .partupUpdated(let e): privacy = e.privacy ?? privacy
        case .partupDissolved: isDissolved = true
        default: break
        }
    }
}

public struct ParticipationFacts: FactValue, Hashable {
    public internal(set) var isPartner = false
    public internal(set) var isSupporter = false

    mutating func apply(_ event: DomainEvent) {
        switch event {
        case .partupLaunched, .partnerJoined: isPartner = true
        case .partnerLeft: isPartner = false
        case .supporterJoined: isSupporter = true
        default: break
        }
    }
}

public struct TribePartnerships: FactValue, Hashable {
    private var partnerIn: Set<PartupID> = []
    private var dissolved: Set<PartupID> = []

    /// Part-ups of the tribe the member is partner of and that are not dissolved, in id
    /// order so that the events a decision derives from them come out the same every time.
    public var openPartups: [PartupID] { partnerIn.subtracting(dissolved).sorted() }

    mutating func apply(_ event: DomainEvent) {
        switch event {
        case .partupLaunched(let e): partnerIn.insert(e.partup)
        case .partnerJoined(let e): partnerIn.insert(e.partup)
        case .partnerLeft(let e): partnerIn.remove(e.partup)
        case .partupDissolved(let e): dissolved.insert(e.partup)
        default: break
        }
    }
}
