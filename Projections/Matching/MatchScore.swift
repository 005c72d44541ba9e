import EventLog
import TribeDomain

/// How well a member fits a part-up, with every part a client needs to explain the rank
/// ("3 of 4 skills, active this week, 5 part-ups joined, 2 completed").
///
/// total = 0.6 · skillOverlap + 0.2 · recency + 0.1 · joined/(joined + 3) + 0.1 · completed/(completed + 2):
/// skills decide first, participation breaks near-ties; the count parts saturate so that a
/// veteran does not bury everyone else.
public struct MatchScore: Codable, Sendable, Hashable {
    public var total: Double
    /// Share of the part-up's wanted skills the member has (0 when it wants none).
    public var skillOverlap: Double
    /// Those skills, lowercased, sorted.
    public var matchedSkills: [String]
    /// 1 when the member acted at or after the part-up's latest event, halving after a week
    /// of the member being quiet before it: 1 / (1 + idle weeks).
    public var recency: Double
    /// Partnerships the member started (launches included).
    public var joined: Int
    /// Part-ups completed with the member as partner.
    public var completed: Int

    init(_ member: MatchMember, _ partup: MatchPartup) {
        let skills = Set(member.skills)
        matchedSkills = partup.wantedSkills.filter(skills.contains)
        skillOverlap = partup.wantedSkills.isEmpty ? 0 : Double(matchedSkills.count) / Double(partup.wantedSkills.count)
        let idle = max(0, partup.lastActivity.microseconds - member.lastActive.microseconds)
        recency = 1 / (1 + Double(idle) / Self.week)
        joined = Int(member.joined)
        completed = Int(member.completed)
        total = 0.6 * skillOverlap + 0.2 * recency + 0.1 * Double(joined) / Double(joined + 3)
            + 0.1 * Double(completed) / Double(completed + 2)
    }

    private static let week = 7 * 86_400 * 1_000_000.0
}

/// Who may be matched with what: the domain's joining rules, plus visibility.
enum MatchRules {
    /// The member could join the part-up now and can see it: tribe members see every
    /// part-up of their tribe but partners-only ones (those only its partners and the
    /// tribe's admins see); outsiders may join public part-ups of open tribes unless the
    /// tribe removed them. Current partners are no candidates.
    static func mayJoin(_ member: MatchMember, _ id: MemberID, _ partup: MatchPartup, tribePrivacy: TribePrivacy?) -> Bool {
        guard member.isRegistered, !partup.isDissolved, !partup.partners.contains(id) else { return false }
        if member.tribes.contains(partup.tribe) {
            return partup.privacy != .partnersOnly || member.adminOf.contains(partup.tribe)
        }
        return tribePrivacy == .open && partup.privacy == .public && !member.barredFrom.contains(partup.tribe)
    }

    /// A pair is worth proposing when they share a skill; a part-up that wants no skills in
    /// particular is proposed to every member of its tribe (ranked by participation alone).
    static func isRelevant(_ score: MatchScore, _ member: MatchMember, _ partup: MatchPartup) -> Bool {
        !score.matchedSkills.isEmpty || (partup.wantedSkills.isEmpty && member.tribes.contains(partup.tribe))
    }
}
