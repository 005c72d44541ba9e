import EventLog
import TribeDomain

/// What matching knows of a member: what they can do, where they may take part, and how
/// they have taken part so far.
struct MatchMember: ModelValue, Equatable {
    var isRegistered = false
    /// Normalised (see `SkillNames`).
    var skills: [String] = []
    var tribes: Set<TribeID> = []
    var adminOf: Set<TribeID> = []
    /// Tribes that removed the member and have not invited them back: no part in them.
    var barredFrom: Set<TribeID> = []
    /// The last event the member acted in.
    var lastActive = Timestamp(microseconds: 0)
    /// Partnerships started (launching counts; a rejoin counts again).
    var joined: UInt64 = 0
    /// Part-ups the member was partner in when they were dissolved as completed.
    var completed: UInt64 = 0

    func encode(into writer: inout ByteWriter) {
        isRegistered.encode(into: &writer)
        skills.encode(into: &writer)
        tribes.encode(into: &writer)
        adminOf.encode(into: &writer)
        barredFrom.encode(into: &writer)
        lastActive.encode(into: &writer)
        writer.writeVarint(joined)
        writer.writeVarint(completed)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> MatchMember {
        MatchMember(isRegistered: try .decode(from: &reader), skills: try .decode(from: &reader),
                    tribes: try .decode(from: &reader), adminOf: try .decode(from: &reader),
                    barredFrom: try .decode(from: &reader), lastActive: try .decode(from: &reader),
                    joined: try reader.readVarint(), completed: try reader.readVarint())
    }
}

/// What matching knows of a part-up.
struct MatchPartup: ModelValue, Equatable {
    var tribe: TribeID
    var title: String
    /// Normalised (see `SkillNames`).
    var wantedSkills: [String]
    var privacy: PartupPrivacy
    var partners: Set<MemberID>
    /// The part-up's latest event: the reference point of members' recency.
    var lastActivity: Timestamp
    var isDissolved = false

    func encode(into writer: inout ByteWriter) {
        tribe.encode(into: &writer)
        writer.writeString(title)
        wantedSkills.encode(into: &writer)
        privacy.encode(into: &writer)
        partners.encode(into: &writer)
        lastActivity.encode(into: &writer)
        isDissolved.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> MatchPartup {
        let tribe = try TribeID.decode(from: &reader)
        let title = try reader.readString()
        let wanted = try [String].decode(from: &reader)
        let privacy = try PartupPrivacy.decode(from: &reader)
        return MatchPartup(tribe: tribe, title: title, wantedSkills: wanted, privacy: privacy,
                           partners: try .decode(from: &reader), lastActivity: try .decode(from: &reader),
                           isDissolved: try .decode(from: &reader))
    }
}

/// A tribe's privacy, stored by its raw value.
struct MatchTribe: ModelValue, Equatable {
    var privacy: TribePrivacy

    func encode(into writer: inout ByteWriter) { privacy.encode(into: &writer) }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> MatchTribe {
        MatchTribe(privacy: try .decode(from: &reader))
    }
}

/// The value of a `skill-partup` key: the part-up's tribe and privacy, so that a member's
/// read can pass over part-ups an outsider may not join (not public, or of a tribe that is
/// not open) without reading the part-up itself. The tribe's privacy is looked up when read:
/// it can change without a list of the tribe's part-ups to rewrite.
struct SkillPartupMark: ModelValue, Equatable {
    var tribe: TribeID
    var privacy: PartupPrivacy

    func encode(into writer: inout ByteWriter) {
        tribe.encode(into: &writer)
        privacy.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> SkillPartupMark {
        SkillPartupMark(tribe: try .decode(from: &reader), privacy: try .decode(from: &reader))
    }
}
