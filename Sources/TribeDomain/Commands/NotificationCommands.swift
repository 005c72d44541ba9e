import EventLog

/// Marks the acting member's notifications up to a log position as read.
public struct MarkNotificationsRead: Command {
    public var upTo: Position

    public init(upTo: Position) { self.upTo = upTo }

    public func facts(actor: MemberID) -> [Fact] { [.registration(actor)] }
    public func stream(actor: MemberID) -> String { actor.stream }

    public func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        try state.requireRegistered(actor)
        return [NotificationsRead(member: actor, upTo: upTo).event]
    }
}
