import EventLog
import Foundation
import Logging

/// Executes commands against the log: read the events the command's query selects, fold
/// them, decide, and append the decision under the same query as a DCB condition (fail
/// if anything the decision depended on was appended since it was read). On a conflict
/// it reads and decides again, a bounded number of times.
public struct CommandService: Sendable {
    /// The log, whichever engine holds it: commands decide from its facts alone, never
    /// from read models, which may lag behind another server's writes.
    public let store: any EventLogStore
    public let logger: Logger
    /// How many times a command is decided before `CommandContention` is thrown.
    public let maxAttempts: Int

    public init(store: any EventLogStore, logger: Logger, maxAttempts: Int = 6) {
        precondition(maxAttempts >= 1, "a command needs at least one attempt")
        self.store = store
        self.logger = logger
        self.maxAttempts = maxAttempts
    }

    /// Decides `command` for `actor` and appends the result. Throws `DomainError` when the
    /// command is refused, `CommandContention` when it kept conflicting, and the store's
    /// errors when the log cannot be read or written; in every case nothing was appended.
    public func execute<C: Command>(_ command: C, actor: MemberID, options: CommandOptions = CommandOptions()) async throws -> CommandOutcome {
        let commandID = options.commandID ?? UUID.v7().uuidString.lowercased()
        let metadata = EventMetadata(actor: actor.rawValue, correlationID: options.correlationID ?? commandID,
                                     causationID: options.causationID ?? commandID)
        if options.commandID != nil, let earlier = try await earlierOutcome(of: commandID) { return earlier }
        let query = command.query(actor: actor)
        var lastConflict = ""
        for attempt in 1...maxAttempts {
            let recorded = try await store.events(matching: query, after: 0, limit: .max)
            var state = command.initialState(actor: actor)
            for event in recorded { state = state.evolved(by: try DomainEvent(recorded: event)) }
            let events: [DomainEvent]
            do {
                events = try command.decide(state, actor: actor)
            } catch {
                logger.debug("command refused", metadata: ["command": "\(C.name)", "actor": "\(actor)", "reason": "\(error)"])
                throw error
            }
            let ids = events.indices.map { index in
                options.commandID.map { EventIdentity.id(command: $0, index: index) } ?? UUID.v7(at: options.time ?? .now())
            }
            let newEvents = zip(ids, events).map { id, event in
                NewEvent(id: id, type: event.typeName, tags: event.tags, payload: event.payload.encoded, metadata: metadata,
                         recordedAt: options.time)
            }
            do {
                let condition = AppendCondition(failIfEventsMatch: query, after: recorded.last?.position)
                let result = try await store.append(newEvents, to: command.stream(actor: actor), expected: .any, condition: condition)
                logger.debug("command applied", metadata: ["command": "\(C.name)", "actor": "\(actor)", "attempt": "\(attempt)",
                                                           "positions": "\(result.positions)"])
                return CommandOutcome(positions: result.positions, events: events, eventIDs: ids,
                                      alreadyApplied: result.alreadyStored, attempts: attempt)
            } catch let conflict as AppendConflict {
                lastConflict = conflict.description
                logger.debug("command conflicted, deciding again", metadata: ["command": "\(C.name)", "attempt": "\(attempt)",
                                                                              "conflict": "\(conflict)"])
                // The same command id may have raced itself: its twin's events are the answer.
                if options.commandID != nil, let earlier = try await earlierOutcome(of: commandID) { return earlier }
                try await backOff(attempt: attempt)
            }
        }
        logger.warning("command gave up after conflicts", metadata: ["command": "\(C.name)", "attempts": "\(maxAttempts)"])
        throw CommandContention(command: C.name, attempts: maxAttempts, lastConflict: lastConflict)
    }

    /// The value of `facts` as the log holds them now: what a caller needs to know before
    /// it can name a command (the tribe of a part-up), read from the same facts deciders
    /// use, never from read models, which may lag behind another server's writes.
    public func state(of facts: [Fact]) async throws -> DecisionState {
        let recorded = try await store.events(matching: Query(facts.flatMap(\.items)), after: 0, limit: .max)
        var state = DecisionState(facts: facts)
        for event in recorded { state = state.evolved(by: try DomainEvent(recorded: event)) }
        return state
    }

    /// The events an earlier execution of `commandID` appended, if there was one.
    private func earlierOutcome(of commandID: String) async throws -> CommandOutcome? {
        var positions: [Position] = []
        var ids: [UUID] = []
        while true {
            let id = EventIdentity.id(command: commandID, index: ids.count)
            guard let position = try await store.storedPosition(of: id) else { break }
            positions.append(position)
            ids.append(id)
        }
        guard !positions.isEmpty else { return nil }
        var events: [DomainEvent] = []
        for position in positions {
            guard let recorded = try await store.events(from: position, limit: 1).first else {
                throw EventDecodingError("the event at position \(position) is indexed but cannot be read")
            }
            events.append(try DomainEvent(recorded: recorded))
        }
        return CommandOutcome(positions: positions, events: events, eventIDs: ids, alreadyApplied: true, attempts: 0)
    }

    /// A short random pause that grows with the attempt, so that commands which keep
    /// conflicting with each other stop arriving in lockstep.
    private func backOff(attempt: Int) async throws {
        let ceiling = UInt64(200 << min(attempt, 6))  // microseconds: 0.4 ms, 0.8 ms, … 12.8 ms
        try await Task.sleep(nanoseconds: UInt64.random(in: 0...ceiling) * 1_000)
    }
}
