import Dispatch

/// A thread of its own for work that blocks: durable LMDB commits and their fsync, waits
/// for LMDB's writer mutex or for another thread to finish, file and process I/O.
///
/// Swift's cooperative pool has one thread per core (two on the machines this runs on).
/// A task that blocks one of them takes half the process's capacity to run tasks: with
/// both blocked, timers, HTTP handlers and `Task.sleep` deadlines all wait, so a 200 ms
/// timeout can take 30 s on a busy machine. Async code hands such work to a worker and
/// suspends until it is done; the worker runs its jobs one at a time, in order.
public final class BlockingWorker: Sendable {
    private let queue: DispatchQueue

    /// `label` names the thread in stack dumps (gdb, perf).
    public init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `body` on the worker's thread and returns its result; the calling task is
    /// suspended meanwhile, holding no thread. Cancelling the task does not interrupt
    /// `body` (LMDB work must not be torn in half); it finishes and its result is returned.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// `run` for work that cannot fail.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
