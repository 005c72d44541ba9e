import EventLog

/// What a command decides on: the value of each of its facts, folded from the events its
/// query returned. Reading a fact the command did not declare is a programming error
/// (it would be a decision on something the append condition does not protect), so the
/// accessors trap on it.
public struct DecisionState: Sendable {
    public let facts: [Fact]
    private var values: [Fact: any FactValue]

    public init(facts: [Fact]) {
        self.facts = facts
        values = Dictionary(facts.map { ($0, $0.initialValue()) }, uniquingKeysWith: { first, _ in first })
    }

    /// The Decider's evolve: folds `event` into every fact that covers it.
    public func evolved(by event: DomainEvent) -> DecisionState {
        var next = self
        for fact in facts where fact.covers(event) {
            next.values[fact]?.apply(event)
        }
        return next
    }

    public func evolved(by events: some Sequence<DomainEvent>) -> DecisionState {
        events.reduce(self) { $0.evolved(by: $1) }
    }

    private func value<Value: FactValue>(_ fact: Fact, as type: Value.Type = Value.self) -> Value {
        guard let value = values[fact] as? Value else {
            preconditionFailure("a decision read \(fact), which its command does not list among its facts")
        }
        return value
    }

    public func registration(_ member: MemberID) -> RegistrationFacts { value(.registration(member)) }
    public func profile(_ member: MemberID) -> ProfileFacts { value(.profile(member)) }
    public func tribe(_ tribe: TribeID) -> TribeFacts { value(.tribe(tribe)) }
    public func membership(_ tribe: TribeID, _ member: MemberID) -> MembershipFacts { value(.membership(tribe, member)) }
    public func admins(_ tribe: TribeID) -> AdminRoster { value(.admins(tribe)) }
    public func partup(_ partup: PartupID) -> PartupFacts { value(.partup(partup)) }
    public func participation(_ partup: PartupID, _ member: MemberID) -> ParticipationFacts { value(.participation(partup, member)) }
    public func partnershipsInTribe(_ tribe: TribeID, _ member: MemberID) -> TribePartnerships {
        value(.partnershipsInTribe(tribe, member))
    }
}
