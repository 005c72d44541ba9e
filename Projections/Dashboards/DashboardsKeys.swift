import ProjectionKit
import TribeDomain

/// Where the dashboards model keeps what. Every figure a dashboard shows is either a
/// counter kept up to date event by event, or a short prefix scan at read time; applying an
/// event only ever reads and writes single keys.
///
/// | key                                   | value             |
/// |---------------------------------------|-------------------|
/// | `tribe/<tribe>`                       | TribeTotals       |
/// | `member-in/<tribe>/<member>`          | TribeMemberState  |
/// | `skill/<tribe>/<skill>`               | count of current members with the skill |
/// | `week/<tribe>/<ISO week monday>`      | members admitted that week |
/// | `partup/<partup>`                     | PartupTeam        |
/// | `member/<member>`                     | MemberProfile     |
/// | `member-partup/<member>/<partup>`     | MemberPartup      |
/// | `worked-with/<member>/<other>`        | empty: distinct co-partners |
enum DashboardsKeys {
    /// Every key space above, for tools and tests that look at the whole model.
    static let spaces = ["tribe", "member-in", "skill", "week", "partup", "member", "member-partup", "worked-with"]

    static func tribe(_ tribe: TribeID) -> ModelKey { ModelKey("tribe").with(tribe.rawValue) }

    static func memberIn(_ tribe: TribeID) -> ModelKey { ModelKey("member-in").with(tribe.rawValue) }

    static func memberIn(_ tribe: TribeID, _ member: String) -> ModelKey {
        ModelKey("member-in").with(tribe.rawValue).with(member)
    }

    static func skills(_ tribe: TribeID) -> ModelKey { ModelKey("skill").with(tribe.rawValue) }
    static func skill(_ tribe: TribeID, _ skill: String) -> ModelKey { skills(tribe).with(skill) }

    static func weeks(_ tribe: TribeID) -> ModelKey { ModelKey("week").with(tribe.rawValue) }
    static func week(_ tribe: TribeID, _ week: ISOWeek) -> ModelKey { weeks(tribe).with(week.keyNumber) }


    static func partup(_ partup: PartupID) -> ModelKey { ModelKey("partup").with(partup.rawValue) }

    static func member(_ member: MemberID) -> ModelKey { ModelKey("member").with(member.rawValue) }

    static func memberPartups(_ member: MemberID) -> ModelKey { ModelKey("member-partup").with(member.rawValue) }
    static func memberPartup(_ member: MemberID, _ partup: PartupID) -> ModelKey {
        memberPartups(member).with(partup.rawValue)
    }

    static func workedWith(_ member: MemberID) -> ModelKey { ModelKey("worked-with").with(member.rawValue) }
    static func workedWith(_ member: MemberID, _ other: MemberID) -> ModelKey { workedWith(member).with(other.rawValue) }
}
