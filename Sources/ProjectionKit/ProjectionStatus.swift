import EventLog

/// How far one projection has read the log, for /health, /metrics and the CLI.
public struct ProjectionStatus: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// Applying new events as they are committed.
        case following
        /// Being built from position 1 into a fresh database; reads wait for the swap.
        case rebuilding
        /// Following, but the last batch could not be stored (a full disk): retried with
        /// back-off until it is; the message says why.
        case stalled(String)
        /// Stopped at an event it could not apply; the message says which and why.
        case failed(String)
    }

    public var name: String
    public var version: UInt32
    /// The last position applied.
    public var position: Position
    /// Events committed to the log and not yet applied.
    public var lagEvents: UInt64
    /// How long ago the oldest event not yet applied was recorded; 0 when caught up.
    public var lagMilliseconds: Int64
    public var state: State
}
