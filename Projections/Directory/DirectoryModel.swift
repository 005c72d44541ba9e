import EventLog
import ProjectionKit
import TribeDomain

/// How much of a tribe a viewer may see.
public enum TribeVisibility: Sendable, Hashable {
    /// Not even that it exists (a closed tribe to a non-member): answer 404.
    case hidden
    /// Its name and rules, not its feed, members or part-ups (an invite-only tribe to a
    /// non-member).
    case summary
    /// Everything.
    case full
}

/// Reads of the `directory` model, and the privacy rules the server applies with them.
public enum DirectoryModel {
    public static let projection = "directory"

    public static func tribe(_ model: ModelReader, _ tribe: TribeID) throws -> TribeRecord? {
        try model.get(DirectoryKey.tribe(tribe), as: TribeRecord.self)
    }

    /// Tribes in id order after `after`, at most `limit`, that `viewer` may know of.
    public static func tribes(_ model: ModelReader, visibleTo viewer: MemberID?, after: String?, limit: Int) throws -> [TribeRecord] {
        try tribeRecords(model, after: after, limit: limit) { try visibility(of: $0, to: viewer, in: model) != .hidden }
    }

    /// Every tribe in id order, closed ones included: for auditors and analysts working on
    /// the data folder itself, not for the API.
    public static func allTribes(_ model: ModelReader) throws -> [TribeRecord] {
        try tribeRecords(model, after: nil, limit: .max) { _ in true }
    }

    /// Up to `limit` tribes after `after` in id order that `keep` accepts.
    private static func tribeRecords(_ model: ModelReader, after: String?, limit: Int,
                                     keep: (TribeRecord) throws -> Bool) throws -> [TribeRecord] {
        var found: [TribeRecord] = []
        try scanAfter(model, prefix: ModelKey("tribe"), after: after) { _, value in
            let record = try TribeRecord.decode(modelBytes: value, key: ModelKey("tribe"))
            if try keep(record) { found.append(record) }
            return found.count < limit
        }
        return found
    }

    public static func membership(_ model: ModelReader, _ tribe: TribeID, _ member: MemberID) throws -> MembershipRecord? {
        try model.get(DirectoryKey.membership(tribe, member), as: MembershipRecord.self)
    }

    /// Everyone with a standing in the tribe (members, admins, applicants, invitees, and
    /// those who left, were removed or rejected), in member id order after `after`.
    public static func memberships(_ model: ModelReader, _ tribe: TribeID, after: String?, limit: Int) throws -> [MembershipRecord] {
        var found: [MembershipRecord] = []
        let prefix = ModelKey("membership").with(tribe.rawValue)
        try scanAfter(model, prefix: prefix, after: after) { _, value in
            found.append(try MembershipRecord.decode(modelBytes: value, key: prefix))
            return found.count < limit
        }
        return found
    }

    public static func member(_ model: ModelReader, _ member: MemberID) throws -> MemberRecord? {
        try model.get(DirectoryKey.member(member), as: MemberRecord.self)
    }

    /// The tribes the member is in now, with their standing.
    public static func tribes(of member: MemberID, in model: ModelReader) throws -> [MembershipRecord] {
        var tribes: [TribeID] = []
        try scanAfter(model, prefix: ModelKey("member-of").with(member.rawValue), after: nil) { part, _ in
            tribes.append(try TribeID(part))
            return true
        }
        return try tribes.compactMap { try membership(model, $0, member) }
    }

    public static func partup(_ model: ModelReader, _ partup: PartupID) throws -> PartupRecord? {
        try model.get(DirectoryKey.partup(partup), as: PartupRecord.self)
    }

    /// The tribe's part-ups in id order after `after`.
    public static func partups(_ model: ModelReader, of tribe: TribeID, after: String?, limit: Int) throws -> [PartupRecord] {
        var ids: [PartupID] = []
        try scanAfter(model, prefix: ModelKey("tribe-partup").with(tribe.rawValue), after: after) { part, _ in
            ids.append(try PartupID(part))
            return ids.count < limit
        }
        return try ids.compactMap { try partup(model, $0) }
    }

    /// Whether `viewer` (nil: not signed in) is a member of the tribe now.
    public static func isMember(_ viewer: MemberID?, of tribe: TribeID, in model: ModelReader) throws -> Bool {
        guard let viewer else { return false }
        return try membership(model, tribe, viewer)?.isMember ?? false
    }

    /// Open tribes show everything to everyone; invite-only tribes show their name and
    /// rules to non-members; closed tribes do not exist for non-members.
    public static func visibility(of tribe: TribeRecord, to viewer: MemberID?, in model: ModelReader) throws -> TribeVisibility {
        if try isMember(viewer, of: try TribeID(tribe.id), in: model) { return .full }
        switch tribe.tribePrivacy {
        case .open: return .full
        case .invite: return .summary
        case .closed: return .hidden
        }
    }

    /// A part-up is seen by who may see its tribe's part-ups, narrowed by its own privacy:
    /// public adds nothing, tribe-members-only needs membership, partners-only needs to be
    /// partner, its launcher or a tribe admin.
    public static func canSee(_ partup: PartupRecord, viewer: MemberID?, in model: ModelReader) throws -> Bool {
        let tribeID = try TribeID(partup.tribe)
        guard let tribe = try tribe(model, tribeID) else { return false }
        let standing = try viewer.flatMap { try membership(model, tribeID, $0) }
        let isMember = standing?.isMember ?? false
        switch partup.partupPrivacy {
        case .public:
            return isMember || tribe.tribePrivacy == .open
        case .tribeMembers:
            return isMember
        case .partnersOnly:
            guard let viewer, isMember else { return false }
            return partup.partners.contains(viewer.rawValue) || partup.launcher == viewer.rawValue || standing?.status == .admin
        }
    }

    /// Visits entries under `prefix` whose next key part (a string, handed to `body` with
    /// the value) sorts after `after`.
    private static func scanAfter(_ model: ModelReader, prefix: ModelKey, after: String?,
                                  _ body: (_ part: String, _ value: [UInt8]) throws -> Bool) throws {
        // `after` + 0x00 is the key of `after` itself; one byte more starts past it.
        let start = after.map { prefix.with($0).bytes + [0] }
        try model.scan(prefix: prefix, from: start) { key, value in
            let part = key.dropFirst(prefix.bytes.count).prefix { $0 != 0 }
            return try body(String(decoding: part, as: UTF8.self), Array(value))
        }
    }
}
