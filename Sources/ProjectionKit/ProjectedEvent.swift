import EventLog
import Synchronization

/// An event on its way through the projections of one batch. Every projection of a domain
/// decodes the same payload, so the first decoding is kept here and handed to the others:
/// a rebuild decodes each event once, however many models it feeds.
///
/// A rebuild applies projections on several threads at once; the cache is locked, and two
/// threads that meet an event together may both decode it (either result is the same).
public final class ProjectedEvent: Sendable {
    public let recorded: RecordedEvent
    private let cache = Mutex(Decoded())

    /// Type-erased decoding; `decoded` hands it out only to the type that made it.
    private struct Decoded: @unchecked Sendable {
        var value: Any?
    }

    /// Which of the host's projections read the event (bit i: `projections[i]`), when the
    /// host worked it out once for all of them; nil: ask each projection.
    let readers: UInt64?

    public init(_ recorded: RecordedEvent) {
        self.recorded = recorded
        self.readers = nil
    }

    init(_ recorded: RecordedEvent, readers: UInt64) {
        self.recorded = recorded
        self.readers = readers
    }

    public var position: Position { recorded.position }
    public var type: String { recorded.type }

    /// The event decoded by `decode`, which runs once per event and result type (at most
    /// once per thread when threads race).
    public func decoded<T>(_ decode: (RecordedEvent) throws -> T) rethrows -> T {
        if let done = cache.withLock({ $0 }).value as? T { return done }
        let value = try decode(recorded)
        let decoded = Decoded(value: value)
        cache.withLock { $0 = decoded }
        return value
    }
}
