import EventLog
import ProjectionKit
import TribeDomain

/// One entry of a tribe or part-up feed: the event, and its part-up's privacy at the time
/// (so readers can hide entries of part-ups they may not see).
struct FeedEntry: ModelValue {
    var record: EventRecord
    var partupPrivacy: PartupPrivacy?

    func encode(into writer: inout ByteWriter) {
        record.encode(into: &writer)
        partupPrivacy.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> FeedEntry {
        FeedEntry(record: try EventRecord.decode(from: &reader), partupPrivacy: try PartupPrivacy?.decode(from: &reader))
    }
}

// Ids are kept as raw strings (see `FeedKeys`).

/// What the feeds need to know of a member while applying and reading.
struct FeedMember: ModelValue {
    /// Tribes the member belongs to now.
    var tribes: Set<String> = []
    /// Part-ups the member is partner of now (dissolved ones included).
    var partups: Set<String> = []
    /// Lowercased skills.
    var skills: Set<String> = []
    /// Notifications at positions up to here are read.
    var readUpTo: Position = 0

    func encode(into writer: inout ByteWriter) {
        tribes.encode(into: &writer)
        partups.encode(into: &writer)
        skills.encode(into: &writer)
        readUpTo.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> FeedMember {
        FeedMember(tribes: try .decode(from: &reader), partups: try .decode(from: &reader),
                   skills: try .decode(from: &reader), readUpTo: try .decode(from: &reader))
    }
}

/// A tribe's privacy and admins: who hears of applications, who sees partners-only part-ups.
struct FeedTribe: ModelValue {
    var privacy: TribePrivacy = .open
    var admins: Set<String> = []

    func encode(into writer: inout ByteWriter) {
        privacy.encode(into: &writer)
        admins.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> FeedTribe {
        FeedTribe(privacy: try .decode(from: &reader), admins: try .decode(from: &reader))
    }
}

/// A part-up's tribe, launcher, privacy and current partners.
struct FeedPartup: ModelValue {
    var tribe: String
    var launcher: String
    var privacy: PartupPrivacy
    var partners: Set<String>

    func encode(into writer: inout ByteWriter) {
        tribe.encode(into: &writer)
        launcher.encode(into: &writer)
        privacy.encode(into: &writer)
        partners.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> FeedPartup {
        FeedPartup(tribe: try .decode(from: &reader), launcher: try .decode(from: &reader),
                   privacy: try .decode(from: &reader), partners: try .decode(from: &reader))
    }
}

/// Why a member is told of an event. Raw values are stored in keys: never renumber.
public enum NotificationKind: UInt8, Sendable, Hashable, CaseIterable {
    /// A part-up launched in one of my tribes wants one of my skills.
    case partupWantsYourSkills = 1
    /// A partner joined a part-up I launched or work in.
    case partnerJoinedYourPartup
    case youWereAdmitted
    case youWereInvited
    case yourApplicationWasRejected
    case youWereRemoved
    /// Someone applied to a closed or invite-only tribe I am admin of.
    case applicationToYourTribe

    /// The name in read results, e.g. "partupWantsYourSkills".
    public var name: String { String(describing: self) }
}

/// A notification: why, and the event it is about.
struct Notification: ModelValue {
    var kind: NotificationKind
    var record: EventRecord

    func encode(into writer: inout ByteWriter) {
        writer.write(kind.rawValue)
        record.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Notification {
        let byte = try reader.readByte("notification kind")
        guard let kind = NotificationKind(rawValue: byte) else { throw .malformed("notification kind", "unknown kind \(byte)") }
        return Notification(kind: kind, record: try EventRecord.decode(from: &reader))
    }
}
