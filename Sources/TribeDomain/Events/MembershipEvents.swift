// Events about one member's place in one tribe, all tagged `tribe:…` and `member:…`.
// `by` is the member who decided (an admin, or the member themselves where they act
// alone); it is also the event's metadata actor, kept here so read models need no metadata.

public struct MemberApplied: EventBody {
    public static let typeName = "MemberApplied"
    public var tribe: TribeID
    public var member: MemberID
    public var motivation: String

    public init(tribe: TribeID, member: MemberID, motivation: String) {
        self.tribe = tribe
        self.member = member
        self.motivation = motivation
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe, member: member) }
    public var event: DomainEvent { .memberApplied(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("tribe", tribe)
        payload.set("member", member)
        payload.set("motivation", motivation)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        tribe = try payload.required("tribe")
        member = try payload.required("member")
        motivation = try payload.value("motivation", default: "")
    }
}

/// Shared shape of the decisions an admin (or the member) takes about a member:
/// invited, admitted, rejected, removed. Each is its own event type.
public struct MembershipDecision: Sendable, Hashable {
    public var tribe: TribeID
    public var member: MemberID
    public var by: MemberID
    /// Why, in the decider's words; empty when none was given.
    public var reason: String

    public init(tribe: TribeID, member: MemberID, by: MemberID, reason: String = "") {
        self.tribe = tribe
        self.member = member
        self.by = by
        self.reason = reason
    }

    var subjects: EventSubjects { EventSubjects(tribe: tribe, member: member) }

    func write(to payload: inout PayloadWriter) {
        payload.set("tribe", tribe)
        payload.set("member", member)
        payload.set("by", by)
        if !reason.isEmpty { payload.set("reason", reason) }
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        tribe = try payload.required("tribe")
        member = try payload.required("member")
        // Older events may lack `by`; the member themselves is the safe reading.
        by = try payload.value("by", default: member)
        reason = try payload.value("reason", default: "")
    }
}

/// Membership events are the one decision shape under different type names.
public protocol MembershipDecisionEvent: DomainEventBody {
    var decision: MembershipDecision { get }
    init(_ decision: MembershipDecision)
}

extension MembershipDecisionEvent {
    public var subjects: EventSubjects { decision.subjects }
    public var tribe: TribeID { decision.tribe }
    public var member: MemberID { decision.member }
    public var by: MemberID { decision.by }
    public var reason: String { decision.reason }
}

extension MembershipDecisionEvent {
    func write(to payload: inout PayloadWriter) { decision.write(to: &payload) }
    init(reading payload: PayloadReader) throws(EventDecodingError) { self.init(try MembershipDecision(reading: payload)) }
}

/// An admin invited a member; accepting (applying) admits them in invite-only tribes and
/// lifts an earlier removal in any tribe.
public struct MemberInvited: MembershipDecisionEvent, PayloadCodable {
    public static let typeName = "MemberInvited"
    public var decision: MembershipDecision
    public init(_ decision: MembershipDecision) { self.decision = decision }
    public var event: DomainEvent { .memberInvited(self) }
}

/// The member is in. `by` is the member themselves when the tribe admitted them by its
/// rules (open tribe, accepted invitation), an admin otherwise.
public struct MemberAdmitted: MembershipDecisionEvent, PayloadCodable {
    public static let typeName = "MemberAdmitted"
    public var decision: MembershipDecision
    public init(_ decision: MembershipDecision) { self.decision = decision }
    public var event: DomainEvent { .memberAdmitted(self) }
}

/// An admin turned down a pending application; the member may apply again.
public struct MemberRejected: MembershipDecisionEvent, PayloadCodable {
    public static let typeName = "MemberRejected"
    public var decision: MembershipDecision
    public init(_ decision: MembershipDecision) { self.decision = decision }
    public var event: DomainEvent { .memberRejected(self) }
}

/// The member left the tribe on their own (`by` is the member).
public struct MemberLeft: MembershipDecisionEvent, PayloadCodable {
    public static let typeName = "MemberLeft"
    public var decision: MembershipDecision
    public init(_ decision: MembershipDecision) { self.decision = decision }
    public var event: DomainEvent { .memberLeft(self) }
}

/// An admin removed the member; they may come back only after a new invitation.
public struct MemberRemoved: MembershipDecisionEvent, PayloadCodable {
    public static let typeName = "MemberRemoved"
    public var decision: MembershipDecision
    public init(_ decision: MembershipDecision) { self.decision = decision }
    public var event: DomainEvent { .memberRemoved(self) }
}

/// A role given to or taken from a member of a tribe.
public struct RoleChange: Sendable, Hashable {
    public var tribe: TribeID
    public var member: MemberID
    public var role: TribeRole
    public var by: MemberID

    public init(tribe: TribeID, member: MemberID, role: TribeRole = .admin, by: MemberID) {
        self.tribe = tribe
        self.member = member
        self.role = role
        self.by = by
    }

    func write(to payload: inout PayloadWriter) {
        payload.set("tribe", tribe)
        payload.set("member", member)
        payload.set("role", role)
        payload.set("by", by)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        tribe = try payload.required("tribe")
        member = try payload.required("member")
        role = try payload.value("role", default: .admin)
        by = try payload.value("by", default: member)
    }
}

public protocol RoleChangeEvent: DomainEventBody {
    var change: RoleChange { get }
    init(_ change: RoleChange)
}

extension RoleChangeEvent {
    public var subjects: EventSubjects { EventSubjects(tribe: change.tribe, member: change.member) }
    public var tribe: TribeID { change.tribe }
    public var member: MemberID { change.member }
    public var role: TribeRole { change.role }
    public var by: MemberID { change.by }
}

extension RoleChangeEvent {
    func write(to payload: inout PayloadWriter) { change.write(to: &payload) }
    init(reading payload: PayloadReader) throws(EventDecodingError) { self.init(try RoleChange(reading: payload)) }
}

public struct RoleGranted: RoleChangeEvent, PayloadCodable {
    public static let typeName = "RoleGranted"
    public var change: RoleChange
    public init(_ change: RoleChange) { self.change = change }
    public var event: DomainEvent { .roleGranted(self) }
}

public struct RoleRevoked: RoleChangeEvent, PayloadCodable {
    public static let typeName = "RoleRevoked"
    public var change: RoleChange
    public init(_ change: RoleChange) { self.change = change }
    public var event: DomainEvent { .roleRevoked(self) }
}
