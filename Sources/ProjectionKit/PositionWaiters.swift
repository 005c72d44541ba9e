import EventLog
import Synchronization

/// Callers waiting until a projection has applied the log up to a position (read your
/// own writes). The host calls `advance` after each commit.
final class PositionWaiters: Sendable {
    private struct Waiter {
        let position: Position
        let projection: String?
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var nextToken = 0
        var waiters: [Int: Waiter] = [:]
    }

    private let state = Mutex(State())

    /// Returns true once `reached(position, projection)` holds, false when the task is
    /// cancelled first. `reached` is checked again under the lock so that an `advance`
    /// between the caller's own check and the registration is not missed.
    func wait(for position: Position, projection: String?,
              reached: @escaping @Sendable (Position, String?) -> Bool) async -> Bool {
        let token = state.withLock { s -> Int in s.nextToken += 1; return s.nextToken }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: Bool? = state.withLock { s in
                    if Task.isCancelled { return false }
                    if reached(position, projection) { return true }
                    s.waiters[token] = Waiter(position: position, projection: projection, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Resumes every waiter whose position is now reached.
    func advance(reached: (Position, String?) -> Bool) {
        let ready = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            let due = s.waiters.filter { reached($0.value.position, $0.value.projection) }
            for token in due.keys { s.waiters[token] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }
}
