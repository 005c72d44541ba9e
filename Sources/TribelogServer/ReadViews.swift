import EventLog
import Foundation
import TribeProjections

/// What reads answer: the read models' records as the API shows them.

struct TribeView: Encodable {
    var id: String
    var name: String
    var privacy: String
    var rules: String
    /// "summary" (an invite-only tribe to a non-member: name, privacy and rules only) or "full".
    var visibility: String
    var founder: String?
    var onlyAdminsLaunch: Bool?
    var createdAt: String?
    var members: UInt64?
    var admins: UInt64?
    var activePartups: UInt64?
    var dissolvedPartups: UInt64?
    /// The viewer's standing in the tribe, when signed in and having one.
    var yourStatus: String?

    init(_ record: TribeRecord, visibility: TribeVisibility, standing: MembershipRecord?) {
        id = record.id
        name = record.name
        privacy = record.privacy
        rules = record.rules
        self.visibility = visibility == .full ? "full" : "summary"
        yourStatus = standing?.status.rawValue
        guard visibility == .full else { return }
        founder = record.founder
        onlyAdminsLaunch = record.onlyAdminsLaunch
        createdAt = TimeText.iso(Timestamp(microseconds: record.createdAt))
        members = record.members
        admins = record.admins
        activePartups = record.activePartups
        dissolvedPartups = record.dissolvedPartups
    }
}

struct MembershipView: Encodable {
    var tribe: String
    var member: String
    var status: String
    var since: String
    var position: Position

    init(_ record: MembershipRecord) {
        tribe = record.tribe
        member = record.member
        status = record.status.rawValue
        since = TimeText.iso(Timestamp(microseconds: record.since))
        position = record.position
    }
}

struct MemberView: Encodable {
    var id: String
    var name: String
    var skills: [String]
    var regions: [String]
    var registeredAt: String
    /// The member's tribes that the viewer may know of.
    var tribes: [MembershipView]
}

struct PartupView: Encodable {
    var id: String
    var tribe: String
    var launcher: String
    var title: String
    var goal: String
    var wantedSkills: [String]
    var privacy: String
    var endDate: String?
    var launchedAt: String
    var partners: [String]
    var supporters: [String]
    var outcome: String?
    var dissolvedAt: String?

    init(_ record: PartupRecord) {
        id = record.id
        tribe = record.tribe
        launcher = record.launcher
        title = record.title
        goal = record.goal
        wantedSkills = record.wantedSkills
        privacy = record.privacy
        endDate = record.endDate.map { TimeText.iso(Timestamp(microseconds: $0)) }
        launchedAt = TimeText.iso(Timestamp(microseconds: record.launchedAt))
        partners = record.partners
        supporters = record.supporters
        outcome = record.outcome
        dissolvedAt = record.dissolvedAt.map { TimeText.iso(Timestamp(microseconds: $0)) }
    }
}

struct Page<Item: Encodable>: Encodable {
    var items: [Item]
    /// Pass as `cursor` for the next page; absent on the last page.
    var next: String?
}
