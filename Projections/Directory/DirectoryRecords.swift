import EventLog
import TribeDomain

/// What the directory knows of a tribe now.
public struct TribeRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var founder: String
    public var privacy: String
    public var rules: String
    public var onlyAdminsLaunch: Bool
    public var createdAt: Int64
    public var members: UInt64
    public var admins: UInt64
    public var activePartups: UInt64
    public var dissolvedPartups: UInt64

    public var tribePrivacy: TribePrivacy { TribePrivacy(rawValue: privacy) ?? .closed }
}

/// A member's standing in one tribe.
public struct MembershipRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case applied, invited, member, admin, rejected, left, removed
    }

    public var tribe: String
    public var member: String
    public var status: Status
    /// When the member got this status (microseconds since 1970).
    public var since: Int64
    public var position: Position

    /// Admitted and still in (admins included).
    public var isMember: Bool { status == .member || status == .admin }
}

/// What the directory knows of a member now.
public struct MemberRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var skills: [String]
    public var regions: [String]
    public var registeredAt: Int64
}

/// What the directory knows of a part-up now.
public struct PartupRecord: Sendable, Hashable, Codable {
    public var id: String
    public var tribe: String
    public var launcher: String
    public var title: String
    public var goal: String
    public var wantedSkills: [String]
    public var privacy: String
    public var endDate: Int64?
    public var launchedAt: Int64
    public var partners: [String]
    public var supporters: [String]
    /// Set once dissolved: "completed" or "abandoned".
    public var outcome: String?
    public var dissolvedAt: Int64?

    public var isDissolved: Bool { outcome != nil }
    public var partupPrivacy: PartupPrivacy { PartupPrivacy(rawValue: privacy) ?? .partnersOnly }
}

extension TribeRecord: ModelValue {
    public func encode(into writer: inout ByteWriter) {
        for text in [id, name, founder, privacy, rules] { writer.writeString(text) }
        onlyAdminsLaunch.encode(into: &writer)
        writer.writeSignedVarint(createdAt)
        for count in [members, admins, activePartups, dissolvedPartups] { writer.writeVarint(count) }
    }

    public static func decode(from r: inout ByteReader) throws(RecordDecodingError) -> TribeRecord {
        TribeRecord(id: try r.readString(), name: try r.readString(), founder: try r.readString(), privacy: try r.readString(),
                    rules: try r.readString(), onlyAdminsLaunch: try Bool.decode(from: &r), createdAt: try r.readSignedVarint(),
                    members: try r.readVarint(), admins: try r.readVarint(), activePartups: try r.readVarint(),
                    dissolvedPartups: try r.readVarint())
    }
}

extension MembershipRecord: ModelValue {
    public func encode(into writer: inout ByteWriter) {
        for text in [tribe, member, status.rawValue] { writer.writeString(text) }
        writer.writeSignedVarint(since)
        writer.writeVarint(position)
    }

    public static func decode(from r: inout ByteReader) throws(RecordDecodingError) -> MembershipRecord {
        let (tribe, member, statusText) = (try r.readString(), try r.readString(), try r.readString())
        guard let status = Status(rawValue: statusText) else { throw .malformed("membership status", statusText) }
        return MembershipRecord(tribe: tribe, member: member, status: status, since: try r.readSignedVarint(), position: try r.readVarint())
    }
}

extension MemberRecord: ModelValue {
    public func encode(into writer: inout ByteWriter) {
        writer.writeString(id)
        writer.writeString(name)
        skills.encode(into: &writer)
        regions.encode(into: &writer)
        writer.writeSignedVarint(registeredAt)
    }

    public static func decode(from r: inout ByteReader) throws(RecordDecodingError) -> MemberRecord {
        MemberRecord(id: try r.readString(), name: try r.readString(), skills: try [String].decode(from: &r),
                     regions: try [String].decode(from: &r), registeredAt: try r.readSignedVarint())
    }
}

extension PartupRecord: ModelValue {
    public func encode(into writer: inout ByteWriter) {
        for text in [id, tribe, launcher, title, goal] { writer.writeString(text) }
        wantedSkills.encode(into: &writer)
        writer.writeString(privacy)
        endDate.encode(into: &writer)
        writer.writeSignedVarint(launchedAt)
        partners.encode(into: &writer)
        supporters.encode(into: &writer)
        outcome.encode(into: &writer)
        dissolvedAt.encode(into: &writer)
    }

    public static func decode(from r: inout ByteReader) throws(RecordDecodingError) -> PartupRecord {
        PartupRecord(id: try r.readString(), tribe: try r.readString(), launcher: try r.readString(), title: try r.readString(),
                     goal: try r.readString(), wantedSkills: try [String].decode(from: &r), privacy: try r.readString(),
                     endDate: try Int64?.decode(from: &r), launchedAt: try r.readSignedVarint(),
                     partners: try [String].decode(from: &r), supporters: try [String].decode(from: &r),
                     outcome: try String?.decode(from: &r), dissolvedAt: try Int64?.decode(from: &r))
    }
}
