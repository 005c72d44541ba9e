import EventLog
import TribeDomain

/// A tribe as it was at one moment of its history.
public struct TribeSnapshot: Codable, Sendable, Hashable {
    public var tribe: String
    public var name: String
    /// "open", "invite" or "closed" (the stored raw values).
    public var privacy: String
    public var rules: String
    public var onlyAdminsLaunch: Bool
    public var founder: String
    /// The last event of the tribe folded in: the snapshot is the state right after it.
    public var position: Position
    public var time: String
    /// Member ids in id order, as are admins and pending ones.
    public var members: [String]
    public var admins: [String]
    public var pendingApplications: [String]
    public var pendingInvitations: [String]
    /// In the order they were launched.
    public var partups: [PartupSnapshot]
}

public struct PartupSnapshot: Codable, Sendable, Hashable {
    public var partup: String
    public var title: String
    /// "public", "tribe" or "partners" (the stored raw values).
    public var privacy: String
    public var launcher: String
    public var launchedAt: Position
    public var dissolved: Bool
    /// "completed" or "abandoned" once dissolved.
    public var outcome: String?
    public var partners: [String]
    public var supporters: [String]
}

/// Folds a tribe's timeline records, oldest first, into its state. Mirrors the domain's
/// own facts (TribeFacts, MembershipFacts, PartupFacts) so the audit shows what the
/// deciders saw.
struct TribeFold {
    private var tribe: TribeID
    private var name = ""
    private var privacy = TribePrivacy.open
    private var rules = ""
    private var onlyAdminsLaunch = false
    private var founder: MemberID?
    private var last: EventRecord?
    private var members = Set<MemberID>()
    private var admins = Set<MemberID>()
    private var applications = Set<MemberID>()
    private var invitations = Set<MemberID>()
    private var partups: [PartupID: PartupFold] = [:]

    private struct PartupFold {
        var title: String
        var privacy: PartupPrivacy
        var launcher: MemberID
        var launchedAt: Position
        var outcome: PartupOutcome?
        var partners: Set<MemberID>
        var supporters = Set<MemberID>()
    }

    init(_ tribe: TribeID) { self.tribe = tribe }

    mutating func apply(_ record: EventRecord) {
        last = record
        let member = record.member
        switch record.kind {
        case .tribeCreated:
            (name, rules, founder) = (record.text ?? "", record.rules ?? "", member)
            (privacy, onlyAdminsLaunch) = (record.tribePrivacy ?? .open, record.onlyAdminsLaunch ?? false)
            if let member { members.insert(member); admins.insert(member) }
        case .tribeRulesChanged: (rules, onlyAdminsLaunch) = (record.rules ?? "", record.onlyAdminsLaunch ?? false)
        case .tribePrivacyChanged: privacy = record.tribePrivacy ?? privacy
        case .memberApplied: if let member { applications.insert(member) }
        case .memberInvited: if let member { invitations.insert(member) }
        case .memberAdmitted:
            if let member { members.insert(member); applications.remove(member); invitations.remove(member) }
        case .memberRejected: if let member { applications.remove(member) }
        case .memberLeft: if let member { members.remove(member); admins.remove(member) }
        case .memberRemoved:
            // A removal ends everything: membership, role, pending application and invitation.
            if let member { members.remove(member); admins.remove(member); applications.remove(member); invitations.remove(member) }
        case .roleGranted: if let member { admins.insert(member) }
        case .roleRevoked: if let member { admins.remove(member) }
        case .partupLaunched:
            guard let partup = record.partup, let launcher = record.member else { return }
            partups[partup] = PartupFold(title: record.text ?? "", privacy: record.partupPrivacy ?? .public, launcher: launcher,
                                         launchedAt: record.position, partners: [launcher])
        case .partupUpdated:
            changePartup(record) { partup in
                partup.title = record.text ?? partup.title
                partup.privacy = record.partupPrivacy ?? partup.privacy
            }
        case .partnerJoined: changePartup(record) { if let member { $0.partners.insert(member) } }
        case .partnerLeft: changePartup(record) { if let member { $0.partners.remove(member) } }
        case .supporterJoined: changePartup(record) { if let member { $0.supporters.insert(member) } }
        case .partupDissolved: changePartup(record) { $0.outcome = record.outcome ?? .completed }
        case .memberRegistered, .memberProfileUpdated, .notificationsRead: break
        }
    }

    private mutating func changePartup(_ record: EventRecord, _ change: (inout PartupFold) -> Void) {
        guard let id = record.partup, var partup = partups[id] else { return }
        change(&partup)
        partups[id] = partup
    }

    /// nil until the tribe was created.
    var snapshot: TribeSnapshot? {
        guard let last, let founder else { return nil }
        func ids(_ set: Set<MemberID>) -> [String] { set.sorted().map(\.rawValue) }
        let partups = partups.sorted { $0.value.launchedAt < $1.value.launchedAt }.map { id, p in
            PartupSnapshot(partup: id.rawValue, title: p.title, privacy: p.privacy.rawValue, launcher: p.launcher.rawValue,
                           launchedAt: p.launchedAt, dissolved: p.outcome != nil, outcome: p.outcome?.rawValue,
                           partners: ids(p.partners), supporters: ids(p.supporters))
        }
        return TribeSnapshot(tribe: tribe.rawValue, name: name, privacy: privacy.rawValue, rules: rules,
                             onlyAdminsLaunch: onlyAdminsLaunch, founder: founder.rawValue, position: last.position,
                             time: TimeText.iso(last.time), members: ids(members), admins: ids(admins),
                             pendingApplications: ids(applications), pendingInvitations: ids(invitations), partups: partups)
    }
}
