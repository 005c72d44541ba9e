/// A member's part in a part-up of a tribe: tagged with all three, so queries can select
/// by part-up and member, or by tribe and member (what leaving a tribe needs).
public struct Participation: Sendable, Hashable {
    public var partup: PartupID
    public var tribe: TribeID
    public var member: MemberID

    public init(partup: PartupID, tribe: TribeID, member: MemberID) {
        self.partup = partup
        self.tribe = tribe
        self.member = member
    }

    var subjects: EventSubjects { EventSubjects(tribe: tribe, partup: partup, member: member) }

    func write(to payload: inout PayloadWriter) {
        payload.set("partup", partup)
        payload.set("tribe", tribe)
        payload.set("member", member)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        partup = try payload.required("partup")
        tribe = try payload.required("tribe")
        member = try payload.required("member")
    }
}

public protocol ParticipationEvent: DomainEventBody {
    var participation: Participation { get }
}

extension ParticipationEvent {
    public var subjects: EventSubjects { participation.subjects }
    public var partup: PartupID { participation.partup }
    public var tribe: TribeID { participation.tribe }
    public var member: MemberID { participation.member }
}

/// The member works in the part-up from now on.
public struct PartnerJoined: ParticipationEvent, PayloadCodable {
    public static let typeName = "PartnerJoined"
    public var participation: Participation

    public init(_ participation: Participation) { self.participation = participation }

    public var event: DomainEvent { .partnerJoined(self) }
    func write(to payload: inout PayloadWriter) { participation.write(to: &payload) }
    init(reading payload: PayloadReader) throws(EventDecodingError) { participation = try Participation(reading: payload) }
}

/// The member follows and backs the part-up without working in it.
public struct SupporterJoined: ParticipationEvent, PayloadCodable {
    public static let typeName = "SupporterJoined"
    public var participation: Participation

    public init(_ participation: Participation) { self.participation = participation }

    public var event: DomainEvent { .supporterJoined(self) }
    func write(to payload: inout PayloadWriter) { participation.write(to: &payload) }
    init(reading payload: PayloadReader) throws(EventDecodingError) { participation = try Participation(reading: payload) }
}

/// The member no longer works in the part-up, and why.
public struct PartnerLeft: ParticipationEvent, PayloadCodable {
    public static let typeName = "PartnerLeft"
    public var participation: Participation
    public var reason: PartnerLeaveReason

    public init(_ participation: Participation, reason: PartnerLeaveReason) {
        self.participation = participation
        self.reason = reason
    }

    public var event: DomainEvent { .partnerLeft(self) }

    func write(to payload: inout PayloadWriter) {
        participation.write(to: &payload)
        payload.set("reason", reason)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        participation = try Participation(reading: payload)
        reason = try payload.value("reason", default: .left)
    }
}
