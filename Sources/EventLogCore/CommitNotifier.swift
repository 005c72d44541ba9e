import Synchronization

/// Wakes subscribers when the log's head moves past what they have seen. Every engine has
/// one: LMDB publishes its own commits, PostgreSQL also what other servers' notifications and
/// polls of the head row tell.
package final class CommitNotifier: Sendable {
    private struct State {
        var head: Position
        var closed = false
        var nextToken = 0
        var waiters: [Int: (after: Position, continuation: CheckedContinuation<Bool, Never>)] = [:]
    }

    private let state: Mutex<State>

    package init(head: Position) { state = Mutex(State(head: head)) }

    package var head: Position { state.withLock { $0.head } }

    /// True while someone waits (a poller need ask the database only then).
    package var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }

    /// Moves the head forward; never back, since news of commits may arrive out of order.
    package func publish(head: Position) {
        let ready = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            s.head = max(s.head, head)
            let due = s.waiters.filter { $0.value.after < s.head }
            for token in due.keys { s.waiters[token] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    package func close() {
        let all = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            s.closed = true
            defer { s.waiters = [:] }
            return s.waiters.values.map(\.continuation)
        }
        for continuation in all { continuation.resume(returning: false) }
    }

    /// Returns true once the head is past `position`, false if the store closed or the
    /// task was cancelled.
    package func wait(after position: Position) async -> Bool {
        let token = state.withLock { s -> Int in s.nextToken += 1; return s.nextToken }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: Bool? = state.withLock { s in
                    if s.closed || Task.isCancelled { return false }
                    if s.head > position { return true }
                    s.waiters[token] = (position, continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.continuation.resume(returning: false)
        }
    }
}
