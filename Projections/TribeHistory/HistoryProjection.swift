import EventLog
import ProjectionKit
import TribeDomain

/// Audit timelines per tribe and per member, and what a tribe's state was at any moment
/// (read them with `TribeHistoryModel`).
///
/// Each event is kept once in its tribe's timeline, in the compact form of `EventRecord`,
/// which holds enough to fold the tribe's state at read time; and once in the timeline of
/// each member it involves, as actor or as subject. Applying is puts only, no reads.
public struct HistoryProjection: DomainProjection {
    public let name = "history"
    public let version: UInt32 = 1
    /// Everything but read marks, which are nobody's history.
    public let eventTypes: Set<String>? = Set(DomainEvent.typeNames).subtracting([NotificationsRead.typeName])

    public init() {}

    public func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {
        NameIndex.record(event, to: model)
        let record = EventRecord(event, at: recorded)
        // Encoded once for every timeline it goes to (timelines are not read while applying).
        let bytes = record.modelBytes
        if let tribe = record.tribe {
            model.put(HistoryKeys.timeline(tribe).with(record.position), bytes)
        }
        // The actor and the member the event is about, once each (no set built per event).
        if let actor = record.actor {
            model.put(HistoryKeys.memberTimeline(actor).with(record.position), bytes)
        }
        if let member = record.member, member != record.actor {
            model.put(HistoryKeys.memberTimeline(member).with(record.position), bytes)
        }
    }
}

/// The key spaces of the `history` model; positions ascend (audits read oldest first).
enum HistoryKeys {
    /// `timeline · tribe · ↑position` → EventRecord.
    static func timeline(_ tribe: TribeID) -> ModelKey { ModelKey("timeline").with(tribe.rawValue) }
    /// `member-timeline · member · ↑position` → EventRecord: what the member did or had done to them.
    static func memberTimeline(_ member: MemberID) -> ModelKey { ModelKey("member-timeline").with(member.rawValue) }
}
