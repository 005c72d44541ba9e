import Foundation

struct TypeTag: Hashable, Sendable {
    let type: String
    let tag: String
}

/// What the serial writer keeps in memory to decide appends without random reads:
/// the last version of every stream and the last position of every tag, type and
/// type+tag. Loaded on open from the index's `heads` plus the unindexed tail.
struct WriterState {
    var head: Position = 0
    var chain: [UInt8] = HashChain.genesis
    var streams: [String: UInt64] = [:]
    var tagLast: [String: Position] = [:]
    var typeLast: [String: Position] = [:]
    var typeTagLast: [TypeTag: Position] = [:]

    mutating func record(position: Position, stream: String, version: UInt64, type: String, tags: [String]) {
        head = position
        streams[stream] = version
        typeLast[type] = position
        for tag in tags {
            tagLast[tag] = position
            typeTagLast[TypeTag(type: type, tag: tag)] = position
        }
    }

    /// Takes over what a committed batch changed.
    mutating func merge(_ delta: WriterState) {
        head = delta.head
        chain = delta.chain
        streams.merge(delta.streams) { $1 }
        tagLast.merge(delta.tagLast) { $1 }
        typeLast.merge(delta.typeLast) { $1 }
        typeTagLast.merge(delta.typeTagLast) { $1 }
    }
}

/// The state as the batch being decided sees it: the committed state plus the changes
/// of the requests accepted earlier in the same batch. Discarded if the commit fails.
struct BatchView {
    let base: WriterState
    var delta: WriterState
    var ids: [UUID: Position] = [:]
    var staged: [TailIndex.Entry] = []

    init(base: WriterState) {
        self.base = base
        delta = WriterState(head: base.head, chain: base.chain)
    }

    var head: Position { delta.head }

    func version(of stream: String) -> UInt64? { delta.streams[stream] ?? base.streams[stream] }

    func lastPosition(ofTag tag: String, types: [String]) -> Position {
        if types.isEmpty { return delta.tagLast[tag] ?? base.tagLast[tag] ?? 0 }
        return types.map { type in
            let key = TypeTag(type: type, tag: tag)
            return delta.typeTagLast[key] ?? base.typeTagLast[key] ?? 0
        }.max() ?? 0
    }

    func lastPosition(ofType type: String) -> Position {
        delta.typeLast[type] ?? base.typeLast[type] ?? 0
    }

    /// Decides an item from the "last position" maps alone where they can: nil when no
    /// event after `after` can match, a position when one surely does, and `.unknown`
    /// when only the postings can tell (several tags, each seen after `after`).
    enum FastAnswer { case noMatch, match(Position), unknown }

    func fastCheck(_ item: QueryItem, after: Position) -> FastAnswer {
        if item.tags.isEmpty {
            if item.types.isEmpty { return head > after ? .match(head) : .noMatch }
            let last = item.types.map(lastPosition(ofType:)).max() ?? 0
            return last > after ? .match(last) : .noMatch
        }
        let lasts = item.tags.map { lastPosition(ofTag: $0, types: item.types) }
        if lasts.contains(where: { $0 <= after }) { return .noMatch }
        return item.tags.count == 1 ? .match(lasts[0]) : .unknown
    }
}
