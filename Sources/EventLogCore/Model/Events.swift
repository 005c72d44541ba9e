import Foundation

/// A place in the global order of the log. The first event is at position 1; 0 means
/// "before the first event".
public typealias Position = UInt64

/// Who caused an event and in answer to what, for audits.
public struct EventMetadata: Sendable, Hashable {
    public var actor: String
    /// Kept as read from the record: see `MetadataText`.
    package var correlation: MetadataText
    package var causation: MetadataText

    public var correlationID: String {
        get { correlation.string }
        set { correlation = .text(newValue) }
    }

    public var causationID: String {
        get { causation.string }
        set { causation = .text(newValue) }
    }

    public init(actor: String = "", correlationID: String = "", causationID: String = "") {
        self.init(actor: actor, correlation: .text(correlationID), causation: .text(causationID))
    }

    package init(actor: String, correlation: MetadataText, causation: MetadataText) {
        self.actor = actor
        self.correlation = correlation
        self.causation = causation
    }
}

/// Microseconds since 1970-01-01T00:00:00Z: the resolution events are recorded with.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public init(_ date: Date) {
        microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }
}

/// An event as a caller hands it to `append`.
public struct NewEvent: Sendable, Hashable {
    /// Unique for all time: appending an id that is already stored is a no-op that
    /// returns the original position.
    public var id: UUID
    public var type: String
    /// `kind:id` strings such as `tribe:t1`; queries and conditions select by them.
    public var tags: [String]
    /// The encoded payload (normally `PayloadValue.encoded`).
    public var payload: [UInt8]
    public var metadata: EventMetadata
    /// When it happened; nil means "now, at append". Imports keep the original time.
    public var recordedAt: Timestamp?

    public init(id: UUID = .v7(), type: String, tags: [String] = [], payload: [UInt8] = [],
                metadata: EventMetadata = EventMetadata(), recordedAt: Timestamp? = nil) {
        self.id = id
        self.type = type
        self.tags = tags
        self.payload = payload
        self.metadata = metadata
        self.recordedAt = recordedAt
    }
}

/// An event as stored, with its place in the log and in its stream.
public struct RecordedEvent: Sendable, Hashable {
    public var position: Position
    public var id: UUID
    public var stream: String
    /// 1 for the stream's first event, n for its n-th.
    public var streamVersion: UInt64
    public var type: String
    public var tags: [String]
    public var recordedAt: Timestamp
    public var metadata: EventMetadata
    public var payload: [UInt8]

    public init(position: Position, id: UUID, stream: String, streamVersion: UInt64, type: String, tags: [String],
                recordedAt: Timestamp, metadata: EventMetadata, payload: [UInt8]) {
        self.position = position
        self.id = id
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.tags = tags
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.payload = payload
    }
}
