import EventLogCore
import Logging
import PostgresNIO
import Synchronization

/// The server among the URL's hosts that takes the log's writes now, and the connection
/// pool to it. When the pool loses that server (a failover killed it, or it came back as
/// a standby), `failover` looks among the hosts for the one that is primary, until
/// `failoverTimeout`, and swaps in a pool to it; every user of the log asks for the pool
/// each time, so the next statement goes to the new primary.
///
/// Nothing acknowledged is lost on the way: the appender sends a batch whose commit was
/// not confirmed again, with the same event ids, so the new primary either has it already
/// (a synchronous standby had confirmed the commit: the ids answer with their positions)
/// or takes it now.
final class Primary: Sendable {
    private struct Current {
        var generation: Int
        var endpoint: PostgresLocation.Endpoint
        var client: PostgresClient
        var run: Task<Void, Never>
    }

    let location: PostgresLocation
    private let maximumConnections: Int
    private let failoverTimeout: Duration
    private let logger: Logger
    private let current: Mutex<Current>
    /// The failover in progress, which later callers join instead of starting their own.
    private let switching = Mutex<Task<Void, any Error>?>(nil)
    private let closed = Mutex(false)
    /// The pools of earlier primaries, stopped at shutdown.
    private let retired = Mutex<[Task<Void, Never>]>([])

    init(location: PostgresLocation, endpoint: PostgresLocation.Endpoint, maximumConnections: Int, failoverTimeout: Duration,
         logger: Logger) {
        self.location = location
        self.maximumConnections = maximumConnections
        self.failoverTimeout = failoverTimeout
        self.logger = logger
        let client = PostgresClient(configuration: location.clientConfiguration(at: endpoint, maximumConnections: maximumConnections),
                                    backgroundLogger: logger)
        current = Mutex(Current(generation: 0, endpoint: endpoint, client: client, run: Task { await client.run() }))
    }

    /// The pool to the primary as far as this process knows.
    var client: PostgresClient { current.withLock { $0.client } }
    /// Changes with every swap: a caller that failed on generation g asks for a failover
    /// from g, which does nothing when another caller has swapped already.
    var generation: Int { current.withLock { $0.generation } }
    var endpoint: PostgresLocation.Endpoint { current.withLock { $0.endpoint } }

    /// Finds the primary again after the pool of `generation` lost its server; returns
    /// once a pool to a primary is in place, or throws when none answered in time.
    func failover(from generation: Int) async throws {
        let task = switching.withLock { slot -> Task<Void, any Error> in
            if let running = slot { return running }
            let task = Task { try await self.switchOver(from: generation) }
            slot = task
            return task
        }
        let result = await task.result
        switching.withLock { if $0 == task { $0 = nil } }
        try result.get()
    }

    /// Runs `body` with the pool; when the server was lost under it, fails over once and
    /// runs it again (reads only: they can be repeated).
    func withClient<T>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        let generation = self.generation
        do {
            return try await body(client)
        } catch where DatabaseErrorText.lostServer(error) && !closed.withLock({ $0 }) {
            try await failover(from: generation)
            return try await body(client)
        }
    }

    /// Runs `body` on the current pool, and stops waiting for it once the primary has been
    /// swapped (another caller found the old one lost): an operation waiting for the lost
    /// server may not end for a long while. It may still end there, so only work that can
    /// be repeated goes through here (an append batch, which carries its ids).
    func untilSwapped<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let generation = self.generation
        let client = self.client
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let race = FirstAnswer(continuation)
            let work = Task {
                do { race.answer(.success(try await body(client))) } catch { race.answer(.failure(error)) }
            }
            let watch = Task { [weak self] in
                while !Task.isCancelled {
                    guard let self, !self.closed.withLock({ $0 }) else { return }
                    if self.generation != generation {
                        race.answer(.failure(PrimaryMoved()))
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            race.hold([work, watch])
        }
    }

    /// Stops the pool (and refuses failovers from now on).
    func shutdown() async {
        closed.withLock { $0 = true }
        switching.withLock { $0 }?.cancel()
        let runs = retired.withLock { $0 } + [current.withLock { $0.run }]
        for run in runs { run.cancel() }
        for run in runs { await run.value }
    }

    deinit {
        current.withLock { $0.run.cancel() }
        retired.withLock { for run in $0 { run.cancel() } }
    }

    private func switchOver(from generation: Int) async throws {
        guard self.generation == generation else { return }
        let lost = endpoint
        logger.warning("lost the PostgreSQL primary; looking for the primary among the log's hosts",
                       metadata: ["lost": "\(lost)", "hosts": "\(location.endpoints)"])
        let deadline = ContinuousClock.now + failoverTimeout
        var lastProblem = "no host answered"
        while ContinuousClock.now < deadline {
            if closed.withLock({ $0 }) { throw CancellationError() }
            for candidate in location.endpoints {
                switch await probe(candidate) {
                case .primary where candidate == lost:
                    // Still the primary: the error was not the server's loss (or it is back),
                    // and its pool reconnects by itself. A new pool would only add connections.
                    return
                case .primary:
                    swap(to: candidate)
                    logger.notice("the log's writes go to the new primary", metadata: ["primary": "\(candidate)", "lost": "\(lost)"])
                    return
                case .standby:
                    lastProblem = "\(candidate) is a standby"
                case .unreachable(let reason):
                    lastProblem = "\(candidate): \(reason)"
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw EventStoreUnavailable(description: "no primary among \(location.redacted) within \(failoverTimeout) of losing \(lost) (last: \(lastProblem)): promote a standby, or check the servers")
    }

    private enum Role { case primary, standby, unreachable(String) }

    /// The primary was swapped while an operation waited for the old one.
    struct PrimaryMoved: Error, CustomStringConvertible {
        var description: String { "the primary moved while the operation waited for the old one" }
    }

    /// Asks one host, on a connection of its own, whether it is in recovery (a standby).
    private func probe(_ endpoint: PostgresLocation.Endpoint) async -> Role {
        do {
            let connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(at: endpoint),
                                                                  id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            var inRecovery = true
            for try await value in try await connection.query("SELECT pg_is_in_recovery()", logger: logger).decode(Bool.self) {
                inRecovery = value
            }
            return inRecovery ? .standby : .primary
        } catch {
            return .unreachable(DatabaseErrorText.describe(error))
        }
    }

    private func swap(to endpoint: PostgresLocation.Endpoint) {
        let client = PostgresClient(configuration: location.clientConfiguration(at: endpoint, maximumConnections: maximumConnections),
                                    backgroundLogger: logger)
        current.withLock { state in
            // The old pool keeps running until shutdown: statements still on it end with
            // the lost server's errors, and their callers send them again to the new one.
            // (Stopping it at once left an append on it waiting forever, now and then.)
            retired.withLock { $0.append(state.run) }
            state = Current(generation: state.generation + 1, endpoint: endpoint, client: client, run: Task { await client.run() })
        }
    }
}

/// Resumes a continuation with whichever of several tasks answers first, and cancels them all.
private final class FirstAnswer<T: Sendable>: Sendable {
    private let state: Mutex<(continuation: CheckedContinuation<T, any Error>?, tasks: [Task<Void, Never>])>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        state = Mutex((continuation, []))
    }

    func answer(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { s in
            defer { s.continuation = nil }
            return (s.continuation, s.tasks)
        }
        guard let continuation else { return }
        continuation.resume(with: result)
        for task in tasks { task.cancel() }
    }

    /// The racing tasks, cancelled at once when one has answered already.
    func hold(_ tasks: [Task<Void, Never>]) {
        let answered = state.withLock { s in
            s.tasks = tasks
            return s.continuation == nil
        }
        if answered { for task in tasks { task.cancel() } }
    }
}
