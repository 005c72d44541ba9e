import Synchronization

/// An append checked and encoded, ready for the writer.
struct PreparedRequest {
    let writer: LogWriter
    let stream: String
    let events: [PreparedEvent]
    let expected: ExpectedVersion
    let condition: AppendCondition?
    let known: [Position?]
    let checkedUpTo: Position
    var sequence: AppendSequence?

    func submit(_ complete: @escaping @Sendable (Result<AppendResult, any Error>) -> Void) {
        writer.submit(AppendRequest(stream: stream, events: events, expected: expected, condition: condition,
                                    knownPositions: known, idsCheckedUpTo: checkedUpTo, sequence: sequence, complete: complete))
    }
}

/// The outcome of a submitted append, once the writer has it (see `EventStore.submit`).
public final class AppendTicket: Sendable {
    private struct State {
        var outcome: Result<AppendResult, any Error>?
        var waiters: [CheckedContinuation<AppendResult, any Error>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Waits until the append is durable (or refused) and returns its result.
    public func result() async throws -> AppendResult {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { s -> Result<AppendResult, any Error>? in
                if s.outcome == nil { s.waiters.append(continuation) }
                return s.outcome
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    func complete(_ outcome: Result<AppendResult, any Error>) {
        let waiters = state.withLock { s -> [CheckedContinuation<AppendResult, any Error>] in
            s.outcome = outcome
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(with: outcome) }
    }
}
