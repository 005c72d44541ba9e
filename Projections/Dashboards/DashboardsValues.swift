import EventLog
import TribeDomain

/// A tribe's running totals: every counter a tribe dashboard shows, in one small value.
struct TribeTotals: ModelValue, Equatable {
    var name = ""
    var privacy = TribePrivacy.open.rawValue
    var members: UInt64 = 0
    var admins: UInt64 = 0
    var pendingApplications: UInt64 = 0
    var activePartups: UInt64 = 0
    var dissolvedPartups: UInt64 = 0
    /// Sum over every part-up launched of its largest simultaneous partner count so far.
    var peakTeamSizes: UInt64 = 0
    /// Sum over dissolved part-ups of dissolution time minus launch time.
    var lifetimeMicroseconds: UInt64 = 0
    /// Current members who are partner in at least one active part-up of the tribe.
    var utilisedMembers: UInt64 = 0

    func encode(into writer: inout ByteWriter) {
        writer.writeString(name)
        writer.writeString(privacy)
        for count in [members, admins, pendingApplications, activePartups, dissolvedPartups, peakTeamSizes,
                      lifetimeMicroseconds, utilisedMembers] {
            writer.writeVarint(count)
        }
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> TribeTotals {
        var totals = TribeTotals(name: try reader.readString(), privacy: try reader.readString())
        totals.members = try reader.readVarint()
        totals.admins = try reader.readVarint()
        totals.pendingApplications = try reader.readVarint()
        totals.activePartups = try reader.readVarint()
        totals.dissolvedPartups = try reader.readVarint()
        totals.peakTeamSizes = try reader.readVarint()
        totals.lifetimeMicroseconds = try reader.readVarint()
        totals.utilisedMembers = try reader.readVarint()
        return totals
    }
}

/// One member's (or outsider's) standing in one tribe, as far as dashboards care.
struct TribeMemberState: ModelValue, Equatable {
    var isMember = false
    var isAdmin = false
    var hasPendingApplication = false
    /// Active part-ups of the tribe this person is partner in.
    var activePartnerships: UInt64 = 0
    /// Events of the tribe this person was the actor of.
    var actions: UInt64 = 0

    func encode(into writer: inout ByteWriter) {
        writer.write((isMember ? 1 : 0) | (isAdmin ? 2 : 0) | (hasPendingApplication ? 4 : 0))
        writer.writeVarint(activePartnerships)
        writer.writeVarint(actions)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> TribeMemberState {
        let flags = try reader.readByte()
        return TribeMemberState(isMember: flags & 1 != 0, isAdmin: flags & 2 != 0, hasPendingApplication: flags & 4 != 0,
                                activePartnerships: try reader.readVarint(), actions: try reader.readVarint())
    }

    /// Counts towards the tribe's talent utilisation.
    var isUtilised: Bool { isMember && activePartnerships > 0 }
}

/// A part-up's team while it is active (partners are emptied when it dissolves: nothing
/// joins a dissolved part-up, and the set is the biggest value here).
struct PartupTeam: ModelValue, Equatable {
    var tribe: TribeID
    var launchedAt: Timestamp
    var partners: Set<MemberID> = []
    var peakPartners: UInt64 = 0
    var isDissolved = false

    func encode(into writer: inout ByteWriter) {
        tribe.encode(into: &writer)
        launchedAt.encode(into: &writer)
        partners.encode(into: &writer)
        writer.writeVarint(peakPartners)
        isDissolved.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> PartupTeam {
        PartupTeam(tribe: try .decode(from: &reader), launchedAt: try .decode(from: &reader),
                   partners: try .decode(from: &reader), peakPartners: try reader.readVarint(),
                   isDissolved: try .decode(from: &reader))
    }
}

/// What dashboards keep of a member across tribes.
struct MemberProfile: ModelValue, Equatable {
    var name = ""
    /// Normalised (see `SkillNames`).
    var skills: [String] = []
    /// Tribes the member currently belongs to (few per member; changes on membership only).
    var tribes: Set<TribeID> = []

    func encode(into writer: inout ByteWriter) {
        writer.writeString(name)
        skills.encode(into: &writer)
        tribes.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> MemberProfile {
        MemberProfile(name: try reader.readString(), skills: try .decode(from: &reader), tribes: try .decode(from: &reader))
    }
}

/// A part-up a member is or was partner in.
struct MemberPartup: ModelValue, Equatable {
    var tribe: TribeID
    var isActive: Bool

    func encode(into writer: inout ByteWriter) {
        tribe.encode(into: &writer)
        isActive.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> MemberPartup {
        MemberPartup(tribe: try .decode(from: &reader), isActive: try .decode(from: &reader))
    }
}
