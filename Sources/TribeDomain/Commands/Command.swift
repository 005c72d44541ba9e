import EventLog

/// A request to change the domain, decided as a Decider: `facts` says what the decision
/// depends on (and so its DCB query), `DecisionState.evolved(by:)` folds the events that
/// query returns, `decide` turns the command and that state into new events or a
/// `DomainError`. Pure: no I/O, no clock; `CommandService` does the reading and appending.
public protocol Command: Sendable {
    /// What the decision depends on when `actor` sends the command.
    func facts(actor: MemberID) -> [Fact]
    /// The stream of the command's primary entity, which the new events are appended to.
    /// Consistency comes from the query condition, not from the stream version.
    func stream(actor: MemberID) -> String
    /// The new events, or why the command is refused.
    func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent]
}

extension Command {
    /// The command's name for logs, e.g. "JoinPartup".
    public static var name: String { String(describing: Self.self) }

    /// What the command reads, and the condition its append carries: the items of all its
    /// facts (duplicates dropped, e.g. when the actor is also the member acted on).
    public func query(actor: MemberID) -> Query {
        var items: [QueryItem] = []
        for item in facts(actor: actor).flatMap(\.items) where !items.contains(item) {
            items.append(item)
        }
        return Query(items)
    }

    /// The state before any event: every fact at its initial value.
    public func initialState(actor: MemberID) -> DecisionState {
        DecisionState(facts: facts(actor: actor))
    }

    /// The Decider's evolve (the same fold for every command; what differs is the facts).
    public func evolve(_ state: DecisionState, _ event: DomainEvent) -> DecisionState {
        state.evolved(by: event)
    }
}

/// A command about a tribe: its events go to the tribe's stream.
public protocol TribeCommand: Command {
    var tribe: TribeID { get }
}

extension TribeCommand {
    public func stream(actor: MemberID) -> String { tribe.stream }
}

/// A command about a part-up: its events go to the part-up's stream. It names the
/// part-up's tribe too, so that its facts (the actor's standing in that tribe) are known
/// before anything is read; the decision checks that the part-up belongs to it.
public protocol PartupCommand: Command {
    var tribe: TribeID { get }
    var partup: PartupID { get }
}

extension PartupCommand {
    public func stream(actor: MemberID) -> String { partup.stream }
}
