import ProjectionKit
import TribeDomain

/// A member proposed for a part-up.
public struct Candidate: Codable, Sendable, Hashable {
    public var member: String
    /// False for an outsider (a registered member outside an open tribe, for a public part-up).
    public var isTribeMember: Bool
    public var score: MatchScore
}

/// A part-up proposed to a member.
public struct PartupMatch: Codable, Sendable, Hashable {
    public var partup: String
    public var tribe: String
    public var title: String
    public var score: MatchScore
}

/// Reads the matching model. Both directions apply the same rules and the same score, so a
/// member listed for a part-up finds that part-up in their own list with the same score.
public enum MatchingModel {
    /// Best candidates first (ties by member id); nil for an unknown part-up, empty for a
    /// dissolved one.
    public static func candidates(_ model: ModelReader, partup: PartupID, limit: Int) throws -> [Candidate]? {
        guard let stored = try model.get(MatchingKeys.partup(partup), as: MatchPartup.self) else { return nil }
        guard !stored.isDissolved, limit > 0 else { return [] }
        let privacy = try model.get(MatchingKeys.tribe(stored.tribe), as: MatchTribe.self)?.privacy
        var ids = Set<String>()
        if stored.wantedSkills.isEmpty {
            ids.formUnion(try model.keyStrings(under: MatchingKeys.tribeMembers(stored.tribe)))
        }
        for skill in stored.wantedSkills {
            ids.formUnion(try model.keyStrings(under: MatchingKeys.skillMembers(skill)))
        }
        var found: [Candidate] = []
        for raw in ids {
            guard let id = try? MemberID(raw), let member = try model.get(MatchingKeys.member(raw), as: MatchMember.self),
                  MatchRules.mayJoin(member, id, stored, tribePrivacy: privacy) else { continue }
            let score = MatchScore(member, stored)
            guard MatchRules.isRelevant(score, member, stored) else { continue }
            found.append(Candidate(member: raw, isTribeMember: member.tribes.contains(stored.tribe), score: score))
        }
        return Array(found.sorted { ranksBefore($0.score, $0.member, $1.score, $1.member) }.prefix(limit))
    }

    /// Best part-ups first (ties by part-up id): active part-ups of the member's tribes and
    /// public part-ups of open tribes that want one of the member's skills.
    public static func partups(_ model: ModelReader, member: MemberID, limit: Int) throws -> [PartupMatch] {
        guard let stored = try model.get(MatchingKeys.member(member.rawValue), as: MatchMember.self), limit > 0 else { return [] }
        var ids = Set<String>()
        for tribe in stored.tribes { ids.formUnion(try model.keyStrings(under: MatchingKeys.tribePartups(tribe))) }
        try addOutsiderPartups(model, wanting: stored.skills, by: stored, to: &ids)
        var found: [PartupMatch] = []
        for raw in ids {
            guard let id = try? PartupID(raw), let partup = try model.get(MatchingKeys.partup(id), as: MatchPartup.self) else { continue }
            let privacy = try model.get(MatchingKeys.tribe(partup.tribe), as: MatchTribe.self)?.privacy
            guard MatchRules.mayJoin(stored, member, partup, tribePrivacy: privacy) else { continue }
            let score = MatchScore(stored, partup)
            guard MatchRules.isRelevant(score, stored, partup) else { continue }
            found.append(PartupMatch(partup: raw, tribe: partup.tribe.rawValue, title: partup.title, score: score))
        }
        return Array(found.sorted { ranksBefore($0.score, $0.partup, $1.score, $1.partup) }.prefix(limit))
    }

    /// The part-ups of other tribes that want one of `skills` and that the member may join
    /// as an outsider: public ones of open tribes that did not remove them. Decided from the
    /// index's marks and the tribes' privacy (one read per tribe), without reading the
    /// part-ups: on a platform ten times the demo, most part-ups wanting a skill are of
    /// tribes that are not open, or not public, and reading each one was most of the request.
    private static func addOutsiderPartups(_ model: ModelReader, wanting skills: [String], by member: MatchMember,
                                           to ids: inout Set<String>) throws {
        var tribeIsOpen: [TribeID: Bool] = [:]
        for skill in skills {
            let prefix = MatchingKeys.skillPartups(skill)
            try model.scan(prefix: prefix) { key, value in
                var cursor = KeyCursor(key, after: prefix)
                guard let partup = cursor.string() else { return true }
                let mark = try SkillPartupMark.decode(stored: value)
                guard mark.privacy == .public, !member.tribes.contains(mark.tribe), !member.barredFrom.contains(mark.tribe) else { return true }
                let open = try tribeIsOpen[mark.tribe] ?? {
                    let open = try model.get(MatchingKeys.tribe(mark.tribe), as: MatchTribe.self)?.privacy == .open
                    tribeIsOpen[mark.tribe] = open
                    return open
                }()
                if open { ids.insert(partup) }
                return true
            }
        }
    }

    private static func ranksBefore(_ a: MatchScore, _ aID: String, _ b: MatchScore, _ bID: String) -> Bool {
        a.total != b.total ? a.total > b.total : KeyOrder.precedes(aID, bID)
    }
}
