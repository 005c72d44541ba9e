import Foundation

struct TypeTag: Hashable, Sendable {
    let type: String
    let tag: String
}

/// What the serial writer keeps in memory to decide appends without random reads:
/// the last version of every stream and the last position of every tag, type and
/// type+tag. Loaded on open from the index's `heads` plus the unindexed tail.
///
/// A batch changes it in place while its requests are decided (each request must see
/// the ones before it); the undo log puts it back if the batch's commit fails. That is
/// one hash update per key instead of an overlay that would be merged after commit.
struct WriterState {
    var head: Position = 0
    var chain: [UInt8] = HashChain.genesis
    var streams: [String: UInt64] = [:]
    var tagLast: [String: Position] = [:]
    var typeLast: [String: Position] = [:]
    var typeTagLast: [TypeTag: Position] = [:]

    enum Undo {
        case stream(String, UInt64?)
        case type(String, Position?)
        case tag(String, Position?)
        case typeTag(TypeTag, Position?)
    }

    struct UndoLog {
        let head: Position
        let chain: [UInt8]
        var entries: [Undo] = []
    }

    func beginBatch() -> UndoLog { UndoLog(head: head, chain: chain) }

    mutating func record(position: Position, stream: String, version: UInt64, type: String, tags: [String]) {
        head = position
        streams[stream] = version
        typeLast[type] = position
        for tag in tags {
            tagLast[tag] = position
            typeTagLast[TypeTag(type: type, tag: tag)] = position
        }
    }

    mutating func record(position: Position, stream: String, version: UInt64, type: String, tags: [String], undo: inout UndoLog) {
        head = position
        undo.entries.append(.stream(stream, streams.updateValue(version, forKey: stream)))
        undo.entries.append(.type(type, typeLast.updateValue(position, forKey: type)))
        for tag in tags {
            undo.entries.append(.tag(tag, tagLast.updateValue(position, forKey: tag)))
            let key = TypeTag(type: type, tag: tag)
            undo.entries.append(.typeTag(key, typeTagLast.updateValue(position, forKey: key)))
        }
    }

    mutating func rollBack(_ undo: UndoLog) {
        for entry in undo.entries.reversed() {
            switch entry {
            case .stream(let key, let old): streams[key] = old
            case .type(let key, let old): typeLast[key] = old
            case .tag(let key, let old): tagLast[key] = old
            case .typeTag(let key, let old): typeTagLast[key] = old
            }
        }
        head = undo.head
        chain = undo.chain
    }

    func lastPosition(ofTag tag: String, types: [String]) -> Position {
        if types.isEmpty { return tagLast[tag] ?? 0 }
        return types.map { typeTagLast[TypeTag(type: $0, tag: tag)] ?? 0 }.max() ?? 0
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
        let lasts = item.tags.map { lastPosition(ofTag: $0, types: item.types) }
        if lasts.contains(where: { $0 <= after }) { return .noMatch }
        return item.tags.count == 1 ? .match(lasts[0]) : .unknown
    }
}
