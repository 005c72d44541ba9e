import EventLog
import ProjectionKit
import TribeDomain

/// A moment of the log: right after a position, at a time, or now.
public enum HistoryMoment: Sendable, Hashable {
    case position(Position)
    /// The state after the last event recorded at or before this time.
    case time(Timestamp)
    case now
}

/// Where a timeline page starts: oldest first after a position, or newest first before one.
public enum TimelineCursor: Sendable, Hashable {
    case after(Position)
    case before(Position)

    public static let oldest = TimelineCursor.after(0)
    public static let newest = TimelineCursor.before(.max)
}

/// A page of a timeline. Continue with the same direction from `next` (after it when the
/// page went oldest first, before it when newest first); nil at the end.
public struct TimelinePage: Codable, Sendable, Hashable {
    public var entries: [EventItem]
    public var next: Position?
}

/// Reads of the `history` model.
public enum TribeHistoryModel {
    public static let projection = "history"

    /// Who did what in the tribe, when, in words without the tribe's name ("Ann invited
    /// Bob"); `EventItem.line` gives the audit line with the time.
    public static func timeline(_ model: ModelReader, tribe: TribeID, from cursor: TimelineCursor = .oldest,
                                limit: Int = 100) throws -> TimelinePage {
        try page(model, prefix: HistoryKeys.timeline(tribe), from: cursor, limit: limit, withTribe: false)
    }

    /// What the member did and had done to them, across tribes (words name the tribe).
    public static func memberTimeline(_ model: ModelReader, member: MemberID, from cursor: TimelineCursor = .oldest,
                                      limit: Int = 100) throws -> TimelinePage {
        try page(model, prefix: HistoryKeys.memberTimeline(member), from: cursor, limit: limit, withTribe: true)
    }

    /// The tribe as it was at `moment`, folded from its timeline; nil when it did not exist
    /// yet (or does not exist).
    public static func state(_ model: ModelReader, tribe: TribeID, at moment: HistoryMoment = .now) throws -> TribeSnapshot? {
        let bound: Position = if case .position(let position) = moment { position } else { .max }
        let records = try ModelPages.read(model, prefix: HistoryKeys.timeline(tribe), from: nil, limit: .max, as: EventRecord.self,
                                          while: { $0.position <= bound }).values
        var count = records.count
        if case .time(let time) = moment {
            // Recorded times may step back (imports keep theirs): take every event up to the
            // last one recorded at or before the time, as the log's order has them.
            count = (records.lastIndex { $0.time <= time } ?? -1) + 1
        }
        var fold = TribeFold(tribe)
        for record in records.prefix(count) { fold.apply(record) }
        return fold.snapshot
    }

    private static func page(_ model: ModelReader, prefix: ModelKey, from cursor: TimelineCursor, limit: Int,
                             withTribe: Bool) throws -> TimelinePage {
        let start: ModelKey, reverse: Bool
        switch cursor {
        case .after(let position):
            guard position < .max else { return TimelinePage(entries: [], next: nil) }
            (start, reverse) = (prefix.with(position + 1), false)
        case .before(let position):
            guard position > 0 else { return TimelinePage(entries: [], next: nil) }
            (start, reverse) = (prefix.with(position - 1), true)
        }
        let page = try ModelPages.read(model, prefix: prefix, from: start, reverse: reverse, limit: limit, as: EventRecord.self)
        let names = NameBook(model)
        let entries = try page.values.map { EventItem($0, summary: try EventWords.sentence($0, names: names, withTribe: withTribe)) }
        return TimelinePage(entries: entries, next: page.more ? page.values.last?.position : nil)
    }
}
