import Synchronization

/// Where concurrent appends wait for the one serial appender. The appender takes everything
/// queued at once: while one transaction waits for the disk (and the synchronous replica),
/// the next batch gathers, so under load every commit carries many appends.
final class AppendQueue: Sendable {
    private struct State {
        var pending: [PendingAppend] = []
        var appenderWaiting: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let state = Mutex(State())
    /// One transaction's share: past this the rest waits for the next transaction, so a
    /// burst of large appends does not become one statement of gigabytes (PostgreSQL
    /// refuses a message over 1 GiB). A single larger append still goes alone.
    let maxBatchBytes: Int

    init(maxBatchBytes: Int = 64 << 20) { self.maxBatchBytes = maxBatchBytes }

    /// False when the log is shut down: the caller answers its request itself.
    func enqueue(_ request: PendingAppend) -> Bool {
        let (accepted, wake) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !s.closed else { return (false, nil) }
            s.pending.append(request)
            defer { s.appenderWaiting = nil }
            return (true, s.appenderWaiting)
        }
        wake?.resume()
        return accepted
    }

    /// The next batch, oldest first; nil once the queue is closed and drained.
    func take() async -> [PendingAppend]? {
        while true {
            let batch = state.withLock { s -> [PendingAppend]? in
                guard !s.pending.isEmpty else { return s.closed ? nil : [] }
                var bytes = 0, count = 0
                for request in s.pending {
                    bytes += request.bytes
                    if count > 0 && bytes > maxBatchBytes { break }
                    count += 1
                }
                defer { s.pending.removeFirst(count) }
                return Array(s.pending.prefix(count))
            }
            guard let batch else { return nil }
            if !batch.isEmpty { return batch }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if !s.pending.isEmpty || s.closed { return true }
                    s.appenderWaiting = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Refuses new requests; those queued are still taken.
    func close() {
        let wake = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.closed = true
            defer { s.appenderWaiting = nil }
            return s.appenderWaiting
        }
        wake?.resume()
    }
}
