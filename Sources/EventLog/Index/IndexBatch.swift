import Foundation

/// What one indexer run collected in memory from a range of the log, written to the index
/// environment in one transaction (`write`). Each stream, type and tag gets one list of
/// positions, found with one dictionary lookup per name per event; its head is the list's
/// last element, so no separate "last position" maps are kept.
struct IndexBatch {
    struct StreamList {
        let name: String
        var positions: [Position] = []
        var version: UInt64 = 0
    }

    struct TypeList {
        let name: String
        var positions: [Position] = []
    }

    struct TagList {
        let name: String
        var positions: [Position] = []
        /// The positions per type (by index into `types`), written as typed-tag postings;
        /// their last elements are the tag's heads per type. A tag has few types, so a
        /// short scan of integers beats a lookup keyed by type and tag.
        var byType: [(type: Int, positions: [Position])] = []

        mutating func add(_ position: Position, type: Int) {
            positions.append(position)
            if let index = byType.firstIndex(where: { $0.type == type }) {
                byType[index].positions.append(position)
            } else {
                byType.append((type, [position]))
            }
        }
    }

    /// An event id as two big-endian halves: sorting by them sorts like the key bytes.
    struct IDEntry {
        let high: UInt64
        let low: UInt64
        let position: Position

        init(_ id: UUID, _ position: Position) {
            (high, low) = id.bigEndianHalves
            self.position = position
        }

        var key: (UInt64, UInt64) { (high, low) }
    }

    private(set) var streams: [StreamList] = []
    private(set) var types: [TypeList] = []
    private(set) var tags: [TagList] = []
    private(set) var ids: [IDEntry] = []
    private(set) var first: Position = 0
    private(set) var last: Position = 0
    private var streamSlots: [String: Int] = [:]
    private var typeSlots: [String: Int] = [:]
    private var tagSlots: [String: Int] = [:]
    // Consecutive events mostly share their stream (one append is one stream) and often
    // their type: comparing with the previous name, usually the very same string storage,
    // skips hashing it.
    private var lastStream = -1
    private var lastType = -1

    init(expectedEvents: Int) {
        ids.reserveCapacity(expectedEvents)
    }

    var isEmpty: Bool { ids.isEmpty }
    var count: Int { ids.count }

    /// Adds the next event; positions must ascend.
    mutating func add(position: Position, id: UUID, stream: String, streamVersion: UInt64, type: String, tags eventTags: [String]) {
        if ids.isEmpty { first = position }
        last = position
        ids.append(IDEntry(id, position))

        if lastStream < 0 || streams[lastStream].name != stream {
            lastStream = Self.slot(of: stream, in: &streamSlots, next: streams.count)
            if lastStream == streams.count { streams.append(StreamList(name: stream)) }
        }
        streams[lastStream].positions.append(position)
        streams[lastStream].version = streamVersion

        if lastType < 0 || types[lastType].name != type {
            lastType = Self.slot(of: type, in: &typeSlots, next: types.count)
            if lastType == types.count { types.append(TypeList(name: type)) }
        }
        types[lastType].positions.append(position)

        for tag in eventTags {
            let slot = Self.slot(of: tag, in: &tagSlots, next: tags.count)
            if slot == tags.count { tags.append(TagList(name: tag)) }
            tags[slot].add(position, type: lastType)
        }
    }

    /// The list index of `name`, registering it as `next` when it is new.
    private static func slot(of name: String, in slots: inout [String: Int], next: Int) -> Int {
        if let slot = slots[name] { return slot }
        slots[name] = next
        return next
    }
}

extension UUID {
    /// The 16 bytes as two big-endian integers: sorting by them sorts like the key bytes.
    var bigEndianHalves: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
