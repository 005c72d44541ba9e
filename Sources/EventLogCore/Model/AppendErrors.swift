/// The append was refused because the log changed since the caller read it. Nothing of
/// the request was written; reload, decide again and retry.
public struct AppendConflict: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case streamVersion(stream: String, expected: ExpectedVersion, actual: UInt64?)
        case condition(after: Position?, matchingPosition: Position)
    }

    public let reason: Reason

    public init(reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .streamVersion(let stream, let expected, let actual):
            let found = actual.map { "is at version \($0)" } ?? "does not exist"
            return "stream '\(stream)' \(found), but the append expected \(expected): reload the stream and try again"
        case .condition(let after, let position):
            let since = after.map { "after position \($0)" } ?? "in the log"
            return "an event matching the append condition was recorded \(since) (at position \(position)): reload and decide again"
        }
    }
}

/// The request itself is not valid; fix it, retrying will not help. Nothing was written.
public struct InvalidAppend: Error, Sendable, CustomStringConvertible {
    public let description: String

    package init(_ description: String) { self.description = description }
}

/// The event store is closed or its writer stopped after a storage failure.
public struct EventStoreUnavailable: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
