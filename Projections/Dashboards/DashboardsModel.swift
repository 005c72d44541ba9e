import ProjectionKit
import TribeDomain

/// A tribe's dashboard.
public struct TribeDashboard: Codable, Sendable, Hashable {
    public var tribe: String
    public var name: String
    public var privacy: String
    public var members: Int
    public var admins: Int
    public var pendingApplications: Int
    public var activePartups: Int
    public var dissolvedPartups: Int
    /// Mean over every part-up launched of its largest number of simultaneous partners;
    /// nil before the first part-up.
    public var averageTeamSize: Double?
    /// Mean time from launch to dissolution of the dissolved part-ups, in seconds; nil
    /// before the first dissolution.
    public var averageLifetimeSeconds: Double?
    /// Members admitted per ISO week (the founder is not admitted, so not counted), oldest
    /// first; weeks without admissions are left out.
    public var joinsPerWeek: [WeekJoins]
    /// Current members by the number of the tribe's events they acted in, most first.
    public var mostActiveMembers: [ActiveMember]
    /// Skills of current members (lowercased), by how many members have them.
    public var topSkills: [SkillCount]
    /// Current members who are partner in at least one active part-up of the tribe.
    public var utilisedMembers: Int
    /// `utilisedMembers / members` (0 without members).
    public var talentUtilisation: Double
}

public struct WeekJoins: Codable, Sendable, Hashable {
    /// ISO 8601 week, e.g. "2023-W46".
    public var week: String
    /// Its Monday, e.g. "2023-11-13".
    public var weekStart: String
    public var joins: Int
}

public struct ActiveMember: Codable, Sendable, Hashable {
    public var member: String
    public var actions: Int
}

public struct SkillCount: Codable, Sendable, Hashable {
    public var skill: String
    public var members: Int
}

/// A member's dashboard.
public struct MemberDashboard: Codable, Sendable, Hashable {
    public struct Tribe: Codable, Sendable, Hashable {
        public var tribe: String
        public var isAdmin: Bool
    }

    public struct Partup: Codable, Sendable, Hashable {
        public var partup: String
        public var tribe: String
    }

    public var member: String
    public var name: String
    public var skills: [String]
    public var tribes: [Tribe]
    /// Part-ups the member is partner in now.
    public var activePartups: [Partup]
    /// Part-ups the member was partner in and left, or that dissolved.
    public var pastPartups: [Partup]
    /// Everyone who was partner in a part-up at the same time as the member, by id.
    public var partnersWorkedWith: [String]
}

/// Reads the dashboards model.
public enum DashboardsModel {
    /// How many entries the "most active" and "top skills" lists hold.
    public static let topCount = 10

    /// nil for a tribe the model has not seen.
    public static func tribe(_ model: ModelReader, tribe: TribeID) throws -> TribeDashboard? {
        guard let totals = try model.get(DashboardsKeys.tribe(tribe), as: TribeTotals.self) else { return nil }
        let members = Int(totals.members)
        let launched = totals.activePartups + totals.dissolvedPartups
        return TribeDashboard(
            tribe: tribe.rawValue, name: totals.name, privacy: totals.privacy, members: members,
            admins: Int(totals.admins), pendingApplications: Int(totals.pendingApplications),
            activePartups: Int(totals.activePartups), dissolvedPartups: Int(totals.dissolvedPartups),
            averageTeamSize: launched == 0 ? nil : Double(totals.peakTeamSizes) / Double(launched),
            averageLifetimeSeconds: totals.dissolvedPartups == 0
                ? nil : Double(totals.lifetimeMicroseconds) / Double(totals.dissolvedPartups) / 1_000_000,
            joinsPerWeek: try joinsPerWeek(model, tribe),
            mostActiveMembers: try mostActiveMembers(model, tribe),
            topSkills: try topSkills(model, tribe),
            utilisedMembers: Int(totals.utilisedMembers),
            talentUtilisation: members == 0 ? 0 : Double(totals.utilisedMembers) / Double(members))
    }

    /// nil for a member the model has not seen.
    public static func member(_ model: ModelReader, member: MemberID) throws -> MemberDashboard? {
        guard let profile = try model.get(DashboardsKeys.member(member), as: MemberProfile.self) else { return nil }
        let tribes = try profile.tribes.sorted().map { tribe in
            let state = try model.get(DashboardsKeys.memberIn(tribe, member.rawValue), as: TribeMemberState.self)
            return MemberDashboard.Tribe(tribe: tribe.rawValue, isAdmin: state?.isAdmin ?? false)
        }
        var active: [MemberDashboard.Partup] = []
        var past: [MemberDashboard.Partup] = []
        let partups = DashboardsKeys.memberPartups(member)
        try model.scan(prefix: partups) { key, value in
            var cursor = KeyCursor(key, after: partups)
            let stored = try MemberPartup.decode(modelBytes: Array(value), key: partups)
            let entry = MemberDashboard.Partup(partup: cursor.string() ?? "", tribe: stored.tribe.rawValue)
            if stored.isActive { active.append(entry) } else { past.append(entry) }
            return true
        }
        return MemberDashboard(member: member.rawValue, name: profile.name, skills: profile.skills, tribes: tribes,
                               activePartups: active, pastPartups: past,
                               partnersWorkedWith: try model.keyStrings(under: DashboardsKeys.workedWith(member)))
    }

    private static func joinsPerWeek(_ model: ModelReader, _ tribe: TribeID) throws -> [WeekJoins] {
        var weeks: [WeekJoins] = []
        try model.scanCounts(under: DashboardsKeys.weeks(tribe)) { cursor, joins in
            guard let week = cursor.number().map(ISOWeek.init(keyNumber:)) else { return }
            weeks.append(WeekJoins(week: week.label, weekStart: week.startDate, joins: Int(joins)))
        }
        return weeks
    }

    /// Ranks the tribe's current members by their actions (people who act in the tribe
    /// without being members, such as outside partners or former members, are left out);
    /// ties go to the lower member id.
    private static func mostActiveMembers(_ model: ModelReader, _ tribe: TribeID) throws -> [ActiveMember] {
        var members: [ActiveMember] = []
        let prefix = DashboardsKeys.memberIn(tribe)
        try model.scan(prefix: prefix) { key, value in
            var cursor = KeyCursor(key, after: prefix)
            guard let member = cursor.string() else { return true }
            let state = try TribeMemberState.decode(modelBytes: Array(value), key: prefix)
            if state.isMember && state.actions > 0 { members.append(ActiveMember(member: member, actions: Int(state.actions))) }
            return true
        }
        return Array(members.sorted { ($1.actions, $0.member) < ($0.actions, $1.member) }.prefix(topCount))
    }

    /// A tribe has at most a few hundred distinct skills: reading them all and sorting is
    /// cheaper than keeping a second, ranked copy up to date on every profile change.
    private static func topSkills(_ model: ModelReader, _ tribe: TribeID) throws -> [SkillCount] {
        var skills: [SkillCount] = []
        try model.scanCounts(under: DashboardsKeys.skills(tribe)) { cursor, count in
            skills.append(SkillCount(skill: cursor.string() ?? "", members: Int(count)))
        }
        // Ties in key order, which is the order they were read in: a stable sort keeps it.
        return Array(skills.enumerated().sorted { ($1.element.members, $0.offset) < ($0.element.members, $1.offset) }
            .map(\.element).prefix(topCount))
    }
}
