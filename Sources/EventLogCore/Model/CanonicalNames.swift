import Foundation

/// Stream, type and tag names are compared as Swift strings in memory (the writer's maps,
/// the tail, query matching), where canonically equivalent spellings are equal ("é" ==
/// "e\u{301}"), but as bytes in the index. So one name could be one stream before the
/// indexer ran and two after it. Every name is brought to NFC where it enters the store
/// (appends, conditions, queries, stream reads): equal strings then have equal bytes.
package enum CanonicalNames {
    /// Text with no scalar at or above U+0300 (UTF-8 lead byte 0xCC) is already NFC:
    /// the common ASCII/Latin names skip Foundation's normalization.
    package static func name(_ name: String) -> String {
        needsWork(name) ? name.precomposedStringWithCanonicalMapping : name
    }

    /// Scans the contiguous UTF-8 directly: every appended name passes here.
    package static func needsWork(_ name: String) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 >= 0xCC } }
            ?? name.utf8.contains { $0 >= 0xCC }
    }

    package static func events(_ events: [NewEvent]) -> [NewEvent] {
        guard events.contains(where: { needsWork($0.type) || $0.tags.contains(where: needsWork) }) else { return events }
        return events.map { event in
            var event = event
            event.type = name(event.type)
            event.tags = event.tags.map(name)
            return event
        }
    }

    package static func query(_ query: Query) -> Query {
        Query(query.items.map { QueryItem(types: $0.types.map(name), tags: $0.tags.map(name)) })
    }

    package static func condition(_ condition: AppendCondition) -> AppendCondition {
        AppendCondition(failIfEventsMatch: query(condition.failIfEventsMatch), after: condition.after)
    }
}
