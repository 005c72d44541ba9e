import EventLog
import Foundation

/// How a command is sent: idempotency, tracing and time.
public struct CommandOptions: Sendable, Hashable {
    /// The caller's id for this command. With it, the events get ids derived from it, and
    /// executing the same command id again returns the first execution's events instead
    /// of appending. Without it, each execution is a new command.
    public var commandID: String?
    /// Groups the events of one user action across commands; defaults to the command id.
    public var correlationID: String?
    /// What caused the command (a triggering event's id); defaults to the command id.
    public var causationID: String?
    /// When the events happened; nil means now. Imports and the demo generator set it.
    public var time: Timestamp?

    public init(commandID: String? = nil, correlationID: String? = nil, causationID: String? = nil, time: Timestamp? = nil) {
        self.commandID = commandID
        self.correlationID = correlationID
        self.causationID = causationID
        self.time = time
    }
}

/// What an executed command appended.
public struct CommandOutcome: Sendable, Hashable {
    /// One log position per event; a read with `?after=` the last one sees the change.
    public var positions: [Position]
    public var events: [DomainEvent]
    public var eventIDs: [UUID]
    /// True when the command id had been executed before: nothing new was appended and
    /// these are the first execution's events.
    public var alreadyApplied: Bool
    /// How many times the command was decided (more than 1 after conflicts).
    public var attempts: Int

    /// The last position written (or found), for read-your-writes.
    public var lastPosition: Position? { positions.last }
}

/// The command kept conflicting with concurrent appends and was given up. Nothing of it
/// was written; sending it again later is safe.
public struct CommandContention: Error, Sendable, CustomStringConvertible {
    public let command: String
    public let attempts: Int
    public let lastConflict: String

    public var description: String {
        let tries = attempts == 1 ? "its only attempt" : "all \(attempts) attempts"
        return "\(command) was not applied: \(tries) conflicted with concurrent changes (last: \(lastConflict)); try again in a moment"
    }
}
