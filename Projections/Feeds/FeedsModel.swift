import EventLog
import ProjectionKit
import TribeDomain

/// A page of a feed, newest first. Pass `next` as `before` for the following page; nil
/// when this page reaches the end.
public struct FeedPage: Codable, Sendable, Hashable {
    public var entries: [EventItem]
    public var next: Position?
}

public struct NotificationItem: Codable, Sendable, Hashable {
    /// Why the member is told, e.g. "partupWantsYourSkills" (see `NotificationKind`).
    public var kind: String
    public var read: Bool
    public var event: EventItem
}

/// A page of a member's notifications, newest first, with how many are unread in all.
public struct NotificationPage: Codable, Sendable, Hashable {
    public var notifications: [NotificationItem]
    public var unread: Int
    public var next: Position?
}

/// Reads of the `feeds` model. Cursors are log positions: a page holds entries below
/// `before` (nil: from the newest).
public enum FeedsModel {
    public static let projection = "feeds"

    /// Every event of the tribe. With `viewer`, entries of partners-only part-ups the
    /// viewer may not see are left out; without, each entry carries its part-up's privacy
    /// at the time for the caller to decide.
    public static func tribeFeed(_ model: ModelReader, tribe: TribeID, before cursor: Position? = nil, limit: Int = 50,
                                 viewer: MemberID? = nil) throws -> FeedPage {
        let prefix = FeedKeys.tribeFeed(tribe.rawValue)
        let access = viewer.map { PartupAccess(model, member: $0) }
        let page = try ModelPages.read(model, prefix: prefix, from: ModelPages.start(below: cursor, in: prefix), limit: limit,
                                       as: FeedEntry.self, where: { try access?.sees($0) ?? true })
        return try FeedPage(page.values, more: page.more, names: NameBook(model))
    }

    /// The events of the tribes the member belongs to now, and of the part-ups they work in
    /// outside those tribes, merged newest first; entries of partners-only part-ups only
    /// where the member is a partner (or an admin of the tribe). A member who left a tribe
    /// sees none of its events any more, earlier ones included.
    public static func memberFeed(_ model: ModelReader, member: MemberID, before cursor: Position? = nil,
                                  limit: Int = 50) throws -> FeedPage {
        guard let state = try model.get(FeedKeys.member(member.rawValue), as: FeedMember.self) else {
            return FeedPage(entries: [], next: nil)
        }
        var prefixes = state.tribes.sorted().map { FeedKeys.tribeFeed($0) }
        for partup in state.partups.sorted() {
            if let known = try model.get(FeedKeys.partup(partup), as: FeedPartup.self), !state.tribes.contains(known.tribe) {
                prefixes.append(FeedKeys.partupFeed(partup))
            }
        }
        let access = PartupAccess(model, member: member)
        var merge = FeedMerge(model, prefixes: prefixes, before: cursor)
        let merged = try merge.newest(limit) { try access.sees($0) }
        return try FeedPage(merged.values, more: merged.more, names: NameBook(model))
    }

    /// The member's notifications, newest first; with `unreadOnly` only those not yet
    /// marked read (a `NotificationsRead` event marks all up to a position).
    public static func notifications(_ model: ModelReader, member: MemberID, before cursor: Position? = nil, limit: Int = 50,
                                     unreadOnly: Bool = false) throws -> NotificationPage {
        let readUpTo = try model.get(FeedKeys.member(member.rawValue), as: FeedMember.self)?.readUpTo ?? 0
        let prefix = FeedKeys.notifications(member.rawValue)
        let page = try ModelPages.read(model, prefix: prefix, from: ModelPages.start(below: cursor, in: prefix), limit: limit,
                                       as: Notification.self, while: { !unreadOnly || $0.record.position > readUpTo })
        let names = NameBook(model)
        let items = try page.values.map { note in
            NotificationItem(kind: note.kind.name, read: note.record.position <= readUpTo,
                             event: EventItem(note.record, summary: try EventWords.sentence(note.record, names: names, withTribe: true)))
        }
        return NotificationPage(notifications: items, unread: try unreadCount(model, member: member),
                                next: page.more ? page.values.last?.record.position : nil)
    }

    /// How many of the member's notifications are after their read mark. Counts keys
    /// only (positions are in the key), newest first, stopping at the mark.
    public static func unreadCount(_ model: ModelReader, member: MemberID) throws -> Int {
        let readUpTo = try model.get(FeedKeys.member(member.rawValue), as: FeedMember.self)?.readUpTo ?? 0
        let prefix = FeedKeys.notifications(member.rawValue)
        let offset = prefix.bytes.count
        var count = 0
        try model.scan(prefix: prefix) { key, _ in
            guard let stored = ModelKey.number(in: key, at: offset), UInt64.max - stored > readUpTo else { return false }
            count += 1
            return true
        }
        return count
    }
}

extension FeedPage {
    init(_ entries: [FeedEntry], more: Bool, names: NameBook) throws {
        self.entries = try entries.map { entry in
            EventItem(entry.record, summary: try EventWords.sentence(entry.record, names: names, withTribe: true),
                      partupPrivacy: entry.partupPrivacy)
        }
        next = more ? entries.last?.record.position : nil
    }
}

/// Whether a member may see a feed entry: entries of partners-only part-ups are for the
/// part-up's current partners and its tribe's admins. Looks each part-up up once per read.
final class PartupAccess {
    private let model: ModelReader
    private let member: String
    private var known: [PartupID: Bool] = [:]

    init(_ model: ModelReader, member: MemberID) {
        self.model = model
        self.member = member.rawValue
    }

    func sees(_ entry: FeedEntry) throws -> Bool {
        guard entry.partupPrivacy == .partnersOnly, let id = entry.record.partup else { return true }
        if let answer = known[id] { return answer }
        var answer = false
        if let partup = try model.get(FeedKeys.partup(id.rawValue), as: FeedPartup.self) {
            answer = try partup.partners.contains(member)
                || (model.get(FeedKeys.tribe(partup.tribe), as: FeedTribe.self)?.admins.contains(member) ?? false)
        }
        known[id] = answer
        return answer
    }
}
