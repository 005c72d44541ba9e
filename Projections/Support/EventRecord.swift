import EventLog
import ProjectionKit
import TribeDomain

/// The domain's event types as one byte, for compact read-model values. The numbers are
/// stored: never renumber a case, only add new ones.
public enum EventKind: UInt8, Sendable, Hashable, CaseIterable {
    case memberRegistered = 1, memberProfileUpdated, tribeCreated, tribeRulesChanged, tribePrivacyChanged
    case memberApplied, memberInvited, memberAdmitted, memberRejected, memberLeft, memberRemoved
    case roleGranted, roleRevoked
    case partupLaunched, partupUpdated, partnerJoined, partnerLeft, supporterJoined, partupDissolved
    case notificationsRead

    /// The stored type name, e.g. "MemberAdmitted".
    public var typeName: String {
        switch self {
        case .memberRegistered: MemberRegistered.typeName
        case .memberProfileUpdated: MemberProfileUpdated.typeName
        case .tribeCreated: TribeCreated.typeName
        case .tribeRulesChanged: TribeRulesChanged.typeName
        case .tribePrivacyChanged: TribePrivacyChanged.typeName
        case .memberApplied: MemberApplied.typeName
        case .memberInvited: MemberInvited.typeName
        case .memberAdmitted: MemberAdmitted.typeName
        case .memberRejected: MemberRejected.typeName
        case .memberLeft: MemberLeft.typeName
        case .memberRemoved: MemberRemoved.typeName
        case .roleGranted: RoleGranted.typeName
        case .roleRevoked: RoleRevoked.typeName
        case .partupLaunched: PartupLaunched.typeName
        case .partupUpdated: PartupUpdated.typeName
        case .partnerJoined: PartnerJoined.typeName
        case .partnerLeft: PartnerLeft.typeName
        case .supporterJoined: SupporterJoined.typeName
        case .partupDissolved: PartupDissolved.typeName
        case .notificationsRead: NotificationsRead.typeName
        }
    }
}

/// One domain event in the compact form feeds and timelines keep: who, what, about whom,
/// and the few details that words and tribe snapshots need. Names are not copied in (they
/// are looked up when read, see `NameIndex`), which keeps applying an event to a couple
/// of puts without reads.
public struct EventRecord: Sendable, Hashable {
    public var kind: EventKind
    public var position: Position
    public var time: Timestamp
    /// The acting member: the recorded metadata actor, else the event's own `by`/member.
    public var actor: MemberID?
    public var tribe: TribeID?
    public var partup: PartupID?
    /// The member the event is about (admitted, invited, joined...), when not the tribe.
    public var member: MemberID?
    /// The event's free text: a tribe's name (created), a member's name (registered), a
    /// part-up's title (launched, updated), a reason (rejected, removed), a note (dissolved).
    public var text: String?
    /// The tribe's rules (created, rules changed): kept so a tribe's state can be folded.
    public var rules: String?
    public var tribePrivacy: TribePrivacy?
    /// The part-up's privacy as the event sets it (launched, updated); nil = unchanged.
    public var partupPrivacy: PartupPrivacy?
    public var onlyAdminsLaunch: Bool?
    public var outcome: PartupOutcome?
    public var leaveReason: PartnerLeaveReason?

    public init(kind: EventKind, position: Position, time: Timestamp, actor: MemberID? = nil) {
        self.kind = kind
        self.position = position
        self.time = time
        self.actor = actor
    }

    /// The stored type name, e.g. "MemberAdmitted".
    public var typeName: String { kind.typeName }
}

extension EventRecord {
    /// The compact form of `event`, recorded at `recorded`.
    public init(_ event: DomainEvent, at recorded: RecordedEvent) {
        let subjects = event.subjects
        self.init(kind: .memberRegistered, position: recorded.position, time: recorded.recordedAt)
        tribe = subjects.tribe
        partup = subjects.partup
        member = subjects.member
        var by: MemberID?
        switch event {
        case .memberRegistered(let e): (kind, text, by) = (.memberRegistered, e.name, e.member)
        case .memberProfileUpdated(let e): (kind, by) = (.memberProfileUpdated, e.member)
        case .tribeCreated(let e):
            (kind, text, rules, by) = (.tribeCreated, e.name, e.rules, e.founder)
            (tribePrivacy, onlyAdminsLaunch) = (e.privacy, e.onlyAdminsLaunch)
        case .tribeRulesChanged(let e): (kind, rules, onlyAdminsLaunch) = (.tribeRulesChanged, e.rules, e.onlyAdminsLaunch)
        case .tribePrivacyChanged(let e): (kind, tribePrivacy) = (.tribePrivacyChanged, e.privacy)
        case .memberApplied(let e): (kind, by) = (.memberApplied, e.member)
        case .memberInvited(let e): (kind, by) = (.memberInvited, e.by)
        case .memberAdmitted(let e): (kind, by) = (.memberAdmitted, e.by)
        case .memberRejected(let e): (kind, by, text) = (.memberRejected, e.by, e.reason)
        case .memberLeft(let e): (kind, by) = (.memberLeft, e.by)
        case .memberRemoved(let e): (kind, by, text) = (.memberRemoved, e.by, e.reason)
        case .roleGranted(let e): (kind, by) = (.roleGranted, e.by)
        case .roleRevoked(let e): (kind, by) = (.roleRevoked, e.by)
        case .partupLaunched(let e): (kind, by, text, partupPrivacy) = (.partupLaunched, e.launcher, e.title, e.privacy)
        case .partupUpdated(let e): (kind, by, text, partupPrivacy) = (.partupUpdated, e.by, e.title, e.privacy)
        case .partnerJoined(let e): (kind, by) = (.partnerJoined, e.member)
        case .partnerLeft(let e): (kind, by, leaveReason) = (.partnerLeft, e.member, e.reason)
        case .supporterJoined(let e): (kind, by) = (.supporterJoined, e.member)
        case .partupDissolved(let e): (kind, by, text, outcome) = (.partupDissolved, e.by, e.note, e.outcome)
        case .notificationsRead(let e): (kind, by) = (.notificationsRead, e.member)
        }
        if text?.isEmpty == true { text = nil }
        // The metadata says who sent the command (an admin removing someone also ends their
        // partnerships); events written without one fall back to the payload's own account.
        // (Most often they agree, and comparing spares checking the id again.)
        let sender = recorded.metadata.actor
        actor = by?.rawValue == sender ? by : (try? MemberID(sender)) ?? by
    }
}

extension EventRecord: ModelValue {
    /// Which optional fields follow, one bit each in this order (new fields take new bits).
    private enum Field: Int, CaseIterable {
        case actor, tribe, partup, member, text, rules, tribePrivacy, partupPrivacy, onlyAdminsLaunch, outcome, leaveReason
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(kind.rawValue)
        writer.writeVarint(position)
        time.encode(into: &writer)
        func bit(_ field: Field, _ isSet: Bool) -> UInt64 { isSet ? 1 << field.rawValue : 0 }
        let present = bit(.actor, actor != nil) | bit(.tribe, tribe != nil) | bit(.partup, partup != nil)
            | bit(.member, member != nil) | bit(.text, text != nil) | bit(.rules, rules != nil)
            | bit(.tribePrivacy, tribePrivacy != nil) | bit(.partupPrivacy, partupPrivacy != nil)
            | bit(.onlyAdminsLaunch, onlyAdminsLaunch != nil) | bit(.outcome, outcome != nil) | bit(.leaveReason, leaveReason != nil)
        writer.writeVarint(present)
        actor?.encode(into: &writer)
        tribe?.encode(into: &writer)
        partup?.encode(into: &writer)
        member?.encode(into: &writer)
        text?.encode(into: &writer)
        rules?.encode(into: &writer)
        tribePrivacy?.encode(into: &writer)
        partupPrivacy?.encode(into: &writer)
        onlyAdminsLaunch?.encode(into: &writer)
        outcome?.encode(into: &writer)
        leaveReason?.encode(into: &writer)
    }

    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> EventRecord {
        let byte = try reader.readByte("event kind")
        guard let kind = EventKind(rawValue: byte) else { throw .malformed("event kind", "unknown kind \(byte)") }
        var record = EventRecord(kind: kind, position: try reader.readVarint("position"), time: try Timestamp.decode(from: &reader))
        let present = try reader.readVarint("fields")
        func has(_ field: Field) -> Bool { present & (1 << field.rawValue) != 0 }
        if has(.actor) { record.actor = try MemberID.decode(from: &reader) }
        if has(.tribe) { record.tribe = try TribeID.decode(from: &reader) }
        if has(.partup) { record.partup = try PartupID.decode(from: &reader) }
        if has(.member) { record.member = try MemberID.decode(from: &reader) }
        if has(.text) { record.text = try String.decode(from: &reader) }
        if has(.rules) { record.rules = try String.decode(from: &reader) }
        if has(.tribePrivacy) { record.tribePrivacy = try TribePrivacy.decode(from: &reader) }
        if has(.partupPrivacy) { record.partupPrivacy = try PartupPrivacy.decode(from: &reader) }
        if has(.onlyAdminsLaunch) { record.onlyAdminsLaunch = try Bool.decode(from: &reader) }
        if has(.outcome) { record.outcome = try PartupOutcome.decode(from: &reader) }
        if has(.leaveReason) { record.leaveReason = try PartnerLeaveReason.decode(from: &reader) }
        return record
    }
}

/// The domain's string enumerations are stored by raw value, as the log stores them: a
/// reordered or added case cannot change what stored bytes mean.
public protocol RawValueModelValue: ModelValue, RawRepresentable where RawValue == String {}

extension RawValueModelValue {
    public func encode(into writer: inout ByteWriter) { writer.writeString(rawValue) }
    public static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> Self {
        let raw = try reader.readString()
        guard let value = Self(rawValue: raw) else { throw .malformed("enumeration value", "\(Self.self) has no value \"\(raw)\"") }
        return value
    }
}

extension TribePrivacy: RawValueModelValue {}
extension PartupPrivacy: RawValueModelValue {}
extension PartupOutcome: RawValueModelValue {}
extension PartnerLeaveReason: RawValueModelValue {}
