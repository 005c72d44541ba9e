import Foundation

/// Checks an append before it reaches the writer, so bad input never costs a write. Every
/// engine applies the same rules, so a request refused by one is refused by all and a log
/// moves between engines (export/import) without an event that only one of them takes.
package enum AppendValidation {
    package static let maxEventsPerAppend = 100_000
    /// The longest index key is `kind · type · 0 · tag` (the type+tag heads): with 254-byte
    /// names it is 510 bytes, within LMDB's 511-byte key limit. At 256 a long type with a
    /// long tag failed the indexer's put (MDB_BAD_VALSIZE), which stopped indexing for good.
    package static let maxNameBytes = 254
    package static let maxTags = 64
    package static let maxPayloadBytes = 4 << 20

    package static func check(_ events: [NewEvent], stream: String) throws(InvalidAppend) {
        guard !events.isEmpty else { throw InvalidAppend("an append needs at least one event") }
        guard events.count <= maxEventsPerAppend else {
            throw InvalidAppend("\(events.count) events in one append; at most \(maxEventsPerAppend): split it")
        }
        try name(stream, "stream name")
        var ids = Set<UUID>(minimumCapacity: events.count)
        for (index, event) in events.enumerated() {
            try name(event.type, "event type of event \(index)")
            guard event.tags.count <= maxTags else {
                throw InvalidAppend("event \(index) has \(event.tags.count) tags; at most \(maxTags)")
            }
            for tag in event.tags { try name(tag, "tag of event \(index)") }
            // Pairwise: events carry a handful of tags, and this runs for every event.
            guard !event.tags.indices.contains(where: { i in event.tags[(i + 1)...].contains(event.tags[i]) }) else {
                throw InvalidAppend("event \(index) lists a tag twice: give each tag once")
            }
            guard event.payload.count <= maxPayloadBytes else {
                throw InvalidAppend("event \(index) has a \(event.payload.count)-byte payload; at most \(maxPayloadBytes)")
            }
            guard ids.insert(event.id).inserted else {
                throw InvalidAppend("event id \(event.id) appears twice in one append: give every event its own id")
            }
        }
    }

    private static func name(_ value: String, _ what: String) throws(InvalidAppend) {
        let bytes = value.utf8.count
        guard bytes > 0 else { throw InvalidAppend("\(what) is empty") }
        guard bytes <= maxNameBytes else { throw InvalidAppend("\(what) is \(bytes) bytes long; at most \(maxNameBytes)") }
        let hasNUL = value.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? value.utf8.contains(0)
        guard !hasNUL else { throw InvalidAppend("\(what) contains a NUL character") }
    }
}

