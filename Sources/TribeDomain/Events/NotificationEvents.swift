import EventLog

/// A member marked notifications as read: every notification up to `upTo` (a log
/// position). Kept in the log, like everything a member does, so that read marks survive
/// a rebuild of the notification model.
public struct NotificationsRead: EventBody {
    public static let typeName = "NotificationsRead"
    public var member: MemberID
    public var upTo: Position

    public init(member: MemberID, upTo: Position) {
        self.member = member
        self.upTo = upTo
    }

    public var subjects: EventSubjects { EventSubjects(member: member) }
    public var event: DomainEvent { .notificationsRead(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("member", member)
        payload.set("upTo", upTo)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        member = try payload.required("member")
        upTo = try payload.required("upTo")
    }
}

/// Log positions are stored as integers; one that does not fit (or is negative) is not a
/// position and fails to decode.
extension UInt64: PayloadConvertible {
    var payloadValue: PayloadValue { .int(Int64(clamping: self)) }
    init?(payloadValue: PayloadValue) {
        guard case .int(let value) = payloadValue, value >= 0 else { return nil }
        self = UInt64(value)
    }
}
