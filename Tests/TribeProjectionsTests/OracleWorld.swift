import EventLog
import TribeDomain

/// The read models' answers recomputed the plainest way: fold the whole event list into
/// sets and counters, with none of the projections' keys, values or shortcuts. Oracle
/// tests compare the models with this.
struct OracleWorld {
    struct Tribe {
        var privacy: TribePrivacy
        var members: Set<String> = []
        var admins: Set<String> = []
        var pending: Set<String> = []
        var barred: Set<String> = []
    }

    struct Partup {
        var tribe: String
        var privacy: PartupPrivacy
        var wanted: Set<String>
        var partners: Set<String>
        var largestTeam = 1
        var launchedAt: Int64
        var dissolvedAt: Int64?
    }

    struct Pair: Hashable, Comparable {
        let a: String, b: String
        init(_ x: String, _ y: String) { (a, b) = x < y ? (x, y) : (y, x) }
        static func < (l: Pair, r: Pair) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }

    var registered: Set<String> = []
    var skills: [String: Set<String>] = [:]
    var tribes: [String: Tribe] = [:]
    var partups: [String: Partup] = [:]
    var edges: [Pair: Int] = [:]
    var tribeEdges: [String: [Pair: Int]] = [:]
    private var counted: Set<String> = []

    init(_ events: [RecordedEvent]) throws {
        for recorded in events { try fold(DomainEvent(recorded: recorded), at: recorded.recordedAt.microseconds) }
    }

    private mutating func fold(_ event: DomainEvent, at time: Int64) {
        switch event {
        case .memberRegistered(let e): registered.insert(e.member.rawValue)
        case .memberProfileUpdated(let e): skills[e.member.rawValue] = Set(e.skills.map { $0.lowercased() })
        case .tribeCreated(let e):
            tribes[e.tribe.rawValue] = Tribe(privacy: e.privacy, members: [e.founder.rawValue], admins: [e.founder.rawValue])
        case .tribePrivacyChanged(let e): tribes[e.tribe.rawValue]?.privacy = e.privacy
        case .memberApplied(let e): tribes[e.tribe.rawValue]?.pending.insert(e.member.rawValue)
        case .memberInvited(let e): tribes[e.tribe.rawValue]?.barred.remove(e.member.rawValue)
        case .memberAdmitted(let e):
            tribes[e.tribe.rawValue]?.members.insert(e.member.rawValue)
            tribes[e.tribe.rawValue]?.pending.remove(e.member.rawValue)
        case .memberRejected(let e): tribes[e.tribe.rawValue]?.pending.remove(e.member.rawValue)
        case .memberLeft(let e): leave(e.member.rawValue, e.tribe.rawValue, barred: false)
        case .memberRemoved(let e): leave(e.member.rawValue, e.tribe.rawValue, barred: true)
        case .roleGranted(let e): tribes[e.tribe.rawValue]?.admins.insert(e.member.rawValue)
        case .roleRevoked(let e): tribes[e.tribe.rawValue]?.admins.remove(e.member.rawValue)
        case .partupLaunched(let e):
            partups[e.partup.rawValue] = Partup(tribe: e.tribe.rawValue, privacy: e.privacy, wanted: Set(e.wantedSkills.map { $0.lowercased() }),
                                               partners: [e.launcher.rawValue], launchedAt: time)
        case .partupUpdated(let e):
            if let privacy = e.privacy { partups[e.partup.rawValue]?.privacy = privacy }
            if let wanted = e.wantedSkills { partups[e.partup.rawValue]?.wanted = Set(wanted.map { $0.lowercased() }) }
        case .partnerJoined(let e): join(e.member.rawValue, e.partup.rawValue)
        case .partnerLeft(let e): partups[e.partup.rawValue]?.partners.remove(e.member.rawValue)
        case .partupDissolved(let e): partups[e.partup.rawValue]?.dissolvedAt = time
        case .tribeRulesChanged, .supporterJoined, .notificationsRead: break
        }
    }

    private mutating func leave(_ member: String, _ tribe: String, barred: Bool) {
        tribes[tribe]?.members.remove(member)
        tribes[tribe]?.admins.remove(member)
        tribes[tribe]?.pending.remove(member)
        if barred { tribes[tribe]?.barred.insert(member) }
    }

    /// An edge for every part-up two members were partners in at the same time, once.
    private mutating func join(_ member: String, _ partup: String) {
        guard var record = partups[partup] else { return }
        for other in record.partners where other != member && counted.insert("\(partup) \(Pair(member, other))").inserted {
            edges[Pair(member, other), default: 0] += 1
            tribeEdges[record.tribe, default: [:]][Pair(member, other), default: 0] += 1
        }
        record.partners.insert(member)
        record.largestTeam = max(record.largestTeam, record.partners.count)
        partups[partup] = record
    }

    // MARK: Answers

    func activePartups(of tribe: String) -> [Partup] {
        partups.values.filter { $0.tribe == tribe && $0.dissolvedAt == nil }
    }

    /// Current members partner in at least one active part-up of the tribe, over members.
    func utilisation(of tribe: String) -> Double {
        guard let members = tribes[tribe]?.members, !members.isEmpty else { return 0 }
        let busy = Set(activePartups(of: tribe).flatMap(\.partners)).intersection(members)
        return Double(busy.count) / Double(members.count)
    }

    /// Who may be proposed for an active part-up: not a partner; a member of the tribe
    /// (partners-only part-ups: its admins only) or an outsider to a public part-up of an
    /// open tribe that has not barred them; sharing a wanted skill, or any member when the
    /// part-up wants none.
    func candidates(for id: String) -> Set<String> {
        guard let partup = partups[id], partup.dissolvedAt == nil, let tribe = tribes[partup.tribe] else { return [] }
        return registered.filter { member in
            guard !partup.partners.contains(member) else { return false }
            let inTribe = tribe.members.contains(member)
            let mayJoin = inTribe
                ? partup.privacy != .partnersOnly || tribe.admins.contains(member)
                : tribe.privacy == .open && partup.privacy == .public && !tribe.barred.contains(member)
            let relevant = !(skills[member] ?? []).isDisjoint(with: partup.wanted) || (partup.wanted.isEmpty && inTribe)
            return mayJoin && relevant
        }
    }
}
