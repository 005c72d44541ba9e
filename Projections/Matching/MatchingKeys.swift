import ProjectionKit
import TribeDomain

/// Where the matching model keeps what. The two skill indexes (one key per skill and
/// member, per skill and part-up) let a read look only at members or part-ups that share
/// at least one skill with what it matches, instead of at everyone.
///
/// | key                               | value          |
/// |-----------------------------------|----------------|
/// | `member/<member>`                 | MatchMember    |
/// | `skill-member/<skill>/<member>`   | empty          |
/// | `tribe/<tribe>`                   | privacy (raw string) |
/// | `tribe-member/<tribe>/<member>`   | empty: current members |
/// | `partup/<partup>`                 | MatchPartup    |
/// | `tribe-partup/<tribe>/<partup>`   | empty: active part-ups |
/// | `skill-partup/<skill>/<partup>`   | SkillPartupMark: active part-ups wanting the skill |
enum MatchingKeys {
    /// Every key space above, for tools and tests that look at the whole model.
    static let spaces = ["member", "skill-member", "tribe", "tribe-member", "partup", "tribe-partup", "skill-partup"]

    static func member(_ member: String) -> ModelKey { ModelKey("member").with(member) }

    static func skillMembers(_ skill: String) -> ModelKey { ModelKey("skill-member").with(skill) }
    static func skillMember(_ skill: String, _ member: MemberID) -> ModelKey { skillMembers(skill).with(member.rawValue) }

    static func tribe(_ tribe: TribeID) -> ModelKey { ModelKey("tribe").with(tribe.rawValue) }

    static func tribeMembers(_ tribe: TribeID) -> ModelKey { ModelKey("tribe-member").with(tribe.rawValue) }
    static func tribeMember(_ tribe: TribeID, _ member: MemberID) -> ModelKey { tribeMembers(tribe).with(member.rawValue) }

    static func partup(_ partup: PartupID) -> ModelKey { ModelKey("partup").with(partup.rawValue) }

    static func tribePartups(_ tribe: TribeID) -> ModelKey { ModelKey("tribe-partup").with(tribe.rawValue) }
    static func tribePartup(_ tribe: TribeID, _ partup: PartupID) -> ModelKey { tribePartups(tribe).with(partup.rawValue) }

    static func skillPartups(_ skill: String) -> ModelKey { ModelKey("skill-partup").with(skill) }
    static func skillPartup(_ skill: String, _ partup: PartupID) -> ModelKey { skillPartups(skill).with(partup.rawValue) }
}
