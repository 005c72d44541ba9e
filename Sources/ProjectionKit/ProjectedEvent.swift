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
    @usableFromInline let cache = Mutex(Decoded())

    /// The decoding, boxed with its type: `decoded` hands it out only to that type.
    @usableFromInline
    struct Decoded: @unchecked Sendable {
        @usableFromInline var box: AnyObject?

        @usableFromInline init(box: AnyObject? = nil) { self.box = box }
    }

    @usableFromInline
    final class Box<T> {
        @usableFromInline let value: T

        @usableFromInline init(_ value: T) { self.value = value }
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
    /// once per thread when threads race). Inlinable, so that each projection module gets
    /// it specialised: the box's type is then known without a look-up at run time.
    @inlinable
    public func decoded<T>(_ decode: (RecordedEvent) throws -> T) rethrows -> T {
        if let box = cache.withLock({ $0 }).box, ObjectIdentifier(Swift.type(of: box)) == ObjectIdentifier(Box<T>.self) {
            return unsafeDowncast(box, to: Box<T>.self).value
        }
        let value = try decode(recorded)
        let decoded = Decoded(box: Box(value))
        cache.withLock { $0 = decoded }
        return value
    }
}
