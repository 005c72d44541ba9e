import Foundation

/// The last positions of one tag: overall and per event type (few types per tag, so a
/// small array beats a second hash lookup keyed by type and tag).
struct TagHeads {
    var last: Position = 0
    var byType: [(type: String, position: Position)] = []

    mutating func record(type: String, position: Position) {
        last = position
        if let index = byType.firstIndex(where: { $0.type == type }) {
            byType[index].position = position
        } else {
            byType.append((type, position))
        }
    }

    init() {}

    /// A tag's stored head, its types named through the index's type table. The names
    /// are the table's own strings: thousands of tags share a few type names.
    init(_ stored: TagHead, typeNames: [String]) throws {
        last = stored.last
        byType = try stored.byType.map { number, position in
            guard Int(number) < typeNames.count else { throw RecordDecodingError.malformed("tag head", "unknown type number \(number)") }
            return (typeNames[Int(number)], position)
        }
    }

    func last(ofTypes types: [String]) -> Position {
        if types.isEmpty { return last }
        return byType.reduce(0) { types.contains($1.type) ? max($0, $1.position) : $0 }
    }
}

/// What the serial writer keeps in memory to decide appends without random reads:
/// the last version of every stream and the last position of every tag, type and
/// type+tag. Loaded on open from the index's `heads` (see `HeadKey`) plus the unindexed
/// tail.
///
/// A batch changes it in place while its requests are decided (each request must see
/// the ones before it). If the batch's commit fails, the writer reloads it from disk the
/// way `open` does: failures are rare, and no per-event undo record is paid meanwhile.
struct WriterState {
    var head: Position = 0
    var chain: [UInt8] = HashChain.genesis
    var streams: [String: UInt64] = [:]
    var typeLast: [String: Position] = [:]
    var tags: [String: TagHeads] = [:]

    mutating func record(position: Position, stream: String, version: UInt64, type: String, tags eventTags: [String]) {
        head = position
        streams[stream] = version
        recordTypeAndTags(position: position, type: type, tags: eventTags)
    }

    mutating func recordTypeAndTags(position: Position, type: String, tags eventTags: [String]) {
        typeLast[type] = position
        for tag in eventTags {
            tags[tag, default: TagHeads()].record(type: type, position: position)
        }
    }

    /// Decides an item from the "last position" maps alone where they can: no event after
    /// `after` can match, one surely does, or only the postings can tell (several tags,
    /// each seen after `after`).
    enum FastAnswer { case noMatch, match(Position), unknown }

    func fastCheck(_ item: QueryItem, after: Position) -> FastAnswer {
        if item.tags.isEmpty {
            if item.types.isEmpty { return head > after ? .match(head) : .noMatch }
            let last = item.types.map { typeLast[$0] ?? 0 }.max() ?? 0
            return last > after ? .match(last) : .noMatch
        }
        let lasts = item.tags.map { tags[$0]?.last(ofTypes: item.types) ?? 0 }
        if lasts.contains(where: { $0 <= after }) { return .noMatch }
        return item.tags.count == 1 ? .match(lasts[0]) : .unknown
    }
}
