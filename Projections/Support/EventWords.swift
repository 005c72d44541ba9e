import EventLog
import TribeDomain

/// One event in words a person reads: "Ann admitted Bob to Designers". Made when an entry
/// is read (names come from `NameBook`), so models store ids only.
public enum EventWords {
    /// `withTribe` adds the tribe ("… to Designers") where the reader cannot tell it from
    /// context: feeds and member timelines do, a tribe's own timeline does not.
    public static func sentence(_ record: EventRecord, names: NameBook, withTribe: Bool) throws -> String {
        let actor = try record.actor.map(names.member) ?? "Someone"
        let member = try record.member.map(names.member) ?? "someone"
        let tribe = try record.tribe.map(names.tribe) ?? "a tribe"
        let partup = try record.partup.map { "“\(try names.partup($0))”" } ?? "a part-up"
        let selfActed = record.actor == nil || record.actor == record.member
        func inTribe(_ preposition: String) -> String { withTribe ? " \(preposition) \(tribe)" : "" }
        func because(_ text: String?) -> String { text.map { " (\($0))" } ?? "" }

        switch record.kind {
        case .memberRegistered: return "\(member) registered"
        case .memberProfileUpdated: return "\(member) updated their skills and regions"
        case .tribeCreated:
            return "\(actor) founded \(withTribe ? tribe : "the tribe") as \(record.tribePrivacy?.description ?? "open")"
        case .tribeRulesChanged: return "\(actor) changed the rules\(inTribe("of"))"
        case .tribePrivacyChanged:
            return "\(actor) made \(withTribe ? tribe : "the tribe") \(record.tribePrivacy?.description ?? "open")"
        case .memberApplied: return "\(member) applied\(inTribe("to"))"
        case .memberInvited: return "\(actor) invited \(member)\(inTribe("to"))"
        case .memberAdmitted:
            return selfActed ? "\(member) joined\(withTribe ? " \(tribe)" : " the tribe")" : "\(actor) admitted \(member)\(inTribe("to"))"
        case .memberRejected: return "\(actor) turned down \(member)’s application\(inTribe("to"))\(because(record.text))"
        case .memberLeft: return "\(member) left\(withTribe ? " \(tribe)" : " the tribe")"
        case .memberRemoved: return "\(actor) removed \(member)\(inTribe("from"))\(because(record.text))"
        case .roleGranted: return "\(actor) made \(member) an admin\(inTribe("of"))"
        case .roleRevoked: return "\(actor) took the admin role from \(member)\(inTribe("in"))"
        case .partupLaunched: return "\(actor) launched \(partup)\(inTribe("in"))"
        case .partupUpdated: return "\(actor) updated \(partup)"
        case .partnerJoined: return "\(member) joined \(partup)"
        case .partnerLeft:
            switch record.leaveReason ?? .left {
            case .left: return "\(member) left \(partup)"
            case .leftTribe: return "\(member) left \(partup) on leaving\(withTribe ? " \(tribe)" : " the tribe")"
            case .removedFromTribe: return "\(member) left \(partup) on removal\(withTribe ? " from \(tribe)" : " from the tribe")"
            }
        case .supporterJoined: return "\(member) supports \(partup)"
        case .partupDissolved:
            return "\(actor) dissolved \(partup) as \(record.outcome?.rawValue ?? "completed")\(because(record.text))"
        case .notificationsRead: return "\(member) read their notifications"
        }
    }
}

/// An event as read APIs hand it out (JSON through the server, text through the CLI).
public struct EventItem: Codable, Sendable, Hashable {
    public var position: Position
    /// ISO-8601 UTC with microseconds.
    public var time: String
    /// The stored event type, e.g. "MemberAdmitted".
    public var type: String
    public var actor: String?
    public var tribe: String?
    public var partup: String?
    public var member: String?
    /// The part-up's privacy when the event happened (feeds), so a server can hide entries
    /// of part-ups its reader may not see; nil for events of no part-up.
    public var partupPrivacy: String?
    public var summary: String

    public init(_ record: EventRecord, summary: String, partupPrivacy: PartupPrivacy? = nil) {
        position = record.position
        time = TimeText.iso(record.time)
        type = record.typeName
        actor = record.actor?.rawValue
        tribe = record.tribe?.rawValue
        partup = record.partup?.rawValue
        member = record.member?.rawValue
        self.partupPrivacy = partupPrivacy?.rawValue
        self.summary = summary
    }

    /// `2025-03-02 14:05 · Ann invited Bob`, the audit line.
    public var line: String {
        "\(time.prefix(10)) \(time.dropFirst(11).prefix(5)) · \(summary)"
    }
}
