/// The entities an event concerns; they become its tags (`tribe:…`, `partup:…`,
/// `member:…`), which is what commands' queries and projections select events by.
/// Only the entity an event is about is named, never the acting member: an admin
/// admitting m2 is tagged `member:m2`, so the admin's own membership queries
/// (tags tribe + member) do not pick it up.
public struct EventSubjects: Sendable, Hashable {
    public var tribe: TribeID?
    public var partup: PartupID?
    public var member: MemberID?

    public init(tribe: TribeID? = nil, partup: PartupID? = nil, member: MemberID? = nil) {
        self.tribe = tribe
        self.partup = partup
        self.member = member
    }

    public var tags: [String] {
        [tribe?.tag, partup?.tag, member?.tag].compactMap { $0 }
    }
}

/// What every event struct provides: a stable type name, its subjects, and itself as a
/// `DomainEvent`.
public protocol DomainEventBody: Sendable, Hashable {
    /// Stored in the log as the event type: never change one.
    static var typeName: String { get }
    var subjects: EventSubjects { get }
    var event: DomainEvent { get }
}

/// The payload fields of an event, in both directions (kept internal: the stored form is
/// this module's business).
protocol PayloadCodable {
    func write(to payload: inout PayloadWriter)
    init(reading payload: PayloadReader) throws(EventDecodingError)
}

typealias EventBody = DomainEventBody & PayloadCodable
