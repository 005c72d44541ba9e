import EventLog

/// An event on its way through the projections of one batch. Every projection of a domain
/// decodes the same payload, so the first decoding is kept here and handed to the others:
/// a rebuild decodes each event once, however many models it feeds.
///
/// Used by the host's single writer only, one batch at a time.
public final class ProjectedEvent {
    public let recorded: RecordedEvent
    private var decoded: Any?

    public init(_ recorded: RecordedEvent) {
        self.recorded = recorded
    }

    public var position: Position { recorded.position }
    public var type: String { recorded.type }

    /// The event decoded by `decode`, which runs at most once per event and result type.
    public func decoded<T>(_ decode: (RecordedEvent) throws -> T) rethrows -> T {
        if let done = decoded as? T { return done }
        let value = try decode(recorded)
        decoded = value
        return value
    }
}
