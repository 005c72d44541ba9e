/// What a stream must look like for an append to go ahead.
public enum ExpectedVersion: Sendable, Hashable {
    /// No check.
    case any
    /// The stream must have no events yet.
    case noStream
    /// The stream's last event must have this version.
    case exact(UInt64)
}

extension ExpectedVersion {
    /// Throws the conflict when `stream`, at version `current` (nil: no events), does not
    /// meet this expectation: the one rule both engines decide appends by.
    package func check(stream: String, current: UInt64?) throws(AppendConflict) {
        switch self {
        case .any: return
        case .noStream where current == nil: return
        case .exact(let version) where current == version: return
        default: throw AppendConflict(reason: .streamVersion(stream: stream, expected: self, actual: current))
        }
    }
}

/// One alternative of a query: an event matches when its type is one of `types` (or
/// `types` is empty) and it carries every tag in `tags`.
public struct QueryItem: Sendable, Hashable {
    public var types: [String]
    public var tags: [String]

    public init(types: [String] = [], tags: [String] = []) {
        self.types = types
        self.tags = tags
    }

    package func matches(type: String, tags eventTags: [String]) -> Bool {
        (types.isEmpty || types.contains(type)) && tags.allSatisfy(eventTags.contains)
    }
}

/// Events matching any of the items. A query with no items matches every event.
public struct Query: Sendable, Hashable {
    public var items: [QueryItem]

    public init(_ items: [QueryItem]) { self.items = items }

    public static let all = Query([])

    public static func tags(_ tags: String..., types: [String] = []) -> Query {
        Query([QueryItem(types: types, tags: tags)])
    }

    package func matches(type: String, tags: [String]) -> Bool {
        items.isEmpty || items.contains { $0.matches(type: type, tags: tags) }
    }
}

/// Dynamic consistency boundary: the append fails if any event after `after` matches
/// the query, i.e. if what the caller decided on has changed since it read.
public struct AppendCondition: Sendable, Hashable {
    public var failIfEventsMatch: Query
    /// The last position the caller had seen; nil means "any event at all conflicts".
    public var after: Position?

    public init(failIfEventsMatch: Query, after: Position?) {
        self.failIfEventsMatch = failIfEventsMatch
        self.after = after
    }
}

/// The outcome of a successful append.
public struct AppendResult: Sendable, Hashable {
    /// One position per event, in the order given.
    public var positions: [Position]
    /// The stream's version after the append.
    public var streamVersion: UInt64
    /// True when every event id was already stored: nothing was written and the
    /// original positions are returned.
    public var alreadyStored: Bool

    public init(positions: [Position], streamVersion: UInt64, alreadyStored: Bool) {
        self.positions = positions
        self.streamVersion = streamVersion
        self.alreadyStored = alreadyStored
    }
}

extension AppendResult {
    /// The answer to an append of `count` events whose ids were found stored at `found`:
    /// nil when none was (a new append), the original positions when all were (a retry),
    /// and a refusal when only some were. The one rule both engines answer retries by.
    package static func retried(found: [Position], of count: Int, streamVersion: UInt64) throws(InvalidAppend) -> AppendResult? {
        if found.isEmpty { return nil }
        guard found.count == count else {
            throw InvalidAppend("\(found.count) of the \(count) events are already stored and the others are not: a retried append must resend exactly the same events")
        }
        return AppendResult(positions: found, streamVersion: streamVersion, alreadyStored: true)
    }
}
