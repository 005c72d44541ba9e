import EventLogCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The event log on PostgreSQL (DESIGN.md "Two engines, one log"), for several servers that
/// share one log. It keeps every promise of `EventLogStore`; how:
/// - appends are group-committed by one serial appender per process (`Appender`), and
///   positions come from a locked head row inside the append transaction, so they are
///   gapless and in commit order across all servers (`BatchTransaction`);
/// - reads go through a small connection pool (`LogReader`);
/// - other servers' commits arrive by LISTEN/NOTIFY, with polling of the head row as the
///   fallback (`CommitWatcher`).
///
/// An acknowledged append has committed, as durable as the server's `synchronous_commit`
/// makes it (with a synchronous standby: on both).
public final class PostgresEventLog: EventLogStore {
    private let location: PostgresLocation
    private let primary: Primary
    private let queue: AppendQueue
    private let notifier: CommitNotifier
    private let appender: Appender
    private let reader: LogReader
    private let logger: Logger
    private let appenderTask: Task<Void, Never>
    private let watcherTasks: [Task<Void, Never>]
    private let closed = Mutex(false)

    private init(location: PostgresLocation, primary endpoint: PostgresLocation.Endpoint, head: Position, logger: Logger,
                 maximumConnections: Int, failoverTimeout: Duration) {
        self.location = location
        self.logger = logger
        let primary = Primary(location: location, endpoint: endpoint, maximumConnections: maximumConnections,
                              failoverTimeout: failoverTimeout, logger: logger)
        self.primary = primary
        let notifier = CommitNotifier(head: head)
        self.notifier = notifier
        queue = AppendQueue()
        let reader = LogReader(primary: primary, logger: logger)
        self.reader = reader
        let appender = Appender(primary: primary, queue: queue, notifier: notifier, logger: logger)
        self.appender = appender
        appenderTask = Task { await appender.run() }
        let watcher = CommitWatcher(primary: primary, reader: reader, notifier: notifier, logger: logger)
        watcherTasks = [Task { await watcher.listen() }, Task { await watcher.pollWhileWaited() }]
    }

    /// Connects to the log at `url` (`postgres://user:password@host:port/database`), creating
    /// its tables in an empty database. Refuses a standby, a database holding another schema
    /// version, and an unreachable server, each with what to do.
    ///
    /// With several hosts (`postgres://…@host1:port1,host2:port2/…`) it uses the one that is
    /// primary, and when that one is lost it looks again among them for up to
    /// `failoverTimeout` (a standby being promoted), then sends the appends in flight again.
    public static func connect(url: String, logger: Logger = Logger(label: "tribelog.postgres"),
                               maximumConnections: Int = 8, failoverTimeout: Duration = .seconds(60)) async throws -> PostgresEventLog {
        let location = try PostgresLocation(url: url)
        var refusals: [String] = []
        for endpoint in location.endpoints {
            // A connection of its own first: the pool would retry an unreachable server for a
            // minute before failing, where the person starting the server wants to hear now.
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(at: endpoint), id: 0, logger: logger)
            } catch {
                refusals.append("cannot connect to PostgreSQL at \(endpoint): \(DatabaseErrorText.describe(error))")
                continue
            }
            let head: Int64
            do {
                head = try await Schema.prepare(connection, at: location, endpoint: endpoint, logger: logger)
                try? await connection.close()
            } catch {
                try? await connection.close()
                if let refusal = error as? PostgresLogError, !refusal.isStandby || location.endpoints.count == 1 { throw refusal }
                if error is PostgresLogError { refusals.append("\(endpoint) is a standby"); continue }
                throw PostgresLogError("cannot read the log at \(location.redacted): \(DatabaseErrorText.describe(error))")
            }
            logger.info("connected to the PostgreSQL log", metadata: ["url": "\(location.redacted)", "primary": "\(endpoint)", "head": "\(head)"])
            return PostgresEventLog(location: location, primary: endpoint, head: Position(head), logger: logger,
                                    maximumConnections: maximumConnections, failoverTimeout: failoverTimeout)
        }
        if location.endpoints.count == 1, let refusal = refusals.first {
            throw PostgresLogError("\(refusal). Check that the server runs and listens there (Tools/postgres up, then Tools/postgres url primary prints the URL) and that the URL's user, password and database are right")
        }
        throw PostgresLogError("no primary among \(location.redacted) (\(refusals.joined(separator: "; "))): start the servers (Tools/postgres up) or promote a standby")
    }

    // MARK: EventLogStore

    public var head: Position { notifier.head }

    public func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion,
                       condition: AppendCondition?) async throws -> AppendResult {
        // Names in NFC before anything else (see CanonicalNames), also before validation.
        let (events, stream, condition) = (CanonicalNames.events(events), CanonicalNames.name(stream), condition.map(CanonicalNames.condition))
        try AppendValidation.check(events, stream: stream)
        let now = Timestamp.now()
        let encoded = events.map { EncodedEvent($0, stream: stream, recordedAt: $0.recordedAt ?? now) }
        // Not cancellable once queued: the append may already be in a transaction, and the
        // caller must hear how it ended.
        return try await withCheckedThrowingContinuation { continuation in
            let request = PendingAppend(stream: stream, expected: expected, condition: condition, events: encoded, reply: continuation)
            if !queue.enqueue(request) {
                continuation.resume(throwing: EventStoreUnavailable(description: "the PostgreSQL log is shut down: connect again to append"))
            }
        }
    }

    public func events(from: Position, limit: Int) async throws -> [RecordedEvent] {
        try await reader.events(from: from, limit: limit)
    }

    public func events(inStream stream: String, fromVersion: UInt64, limit: Int) async throws -> [RecordedEvent] {
        try await reader.events(inStream: CanonicalNames.name(stream), fromVersion: fromVersion, limit: limit)
    }

    public func events(matching query: Query, after: Position, limit: Int) async throws -> [RecordedEvent] {
        try await reader.events(matching: CanonicalNames.query(query), after: after, limit: limit)
    }

    public func storedPosition(of id: UUID) async throws -> Position? {
        try await reader.storedPosition(of: id)
    }

    public func latestHead() async throws -> Position {
        notifier.publish(head: try await reader.storedHead())
        return notifier.head
    }

    public func waitForCommit(after position: Position) async -> Bool {
        await notifier.wait(after: position)
    }

    public func verifyLog() async throws -> VerificationReport {
        try await primary.withClient { try await LogVerifier(client: $0, logger: self.logger).run() }
    }

    /// Finishes the queued appends, then closes the connections. Waiting followers hear false.
    public func shutdown() async {
        guard closed.withLock({ c -> Bool in defer { c = true }; return !c }) else { return }
        queue.close()
        await appenderTask.value
        notifier.close()
        for task in watcherTasks { task.cancel() }
        for task in watcherTasks { await task.value }
        await primary.shutdown()
    }

    /// Dropped without `shutdown()`: no append can be in flight (each holds the log), so
    /// only the background tasks are left to stop.
    deinit {
        queue.close()
        notifier.close()
        for task in watcherTasks { task.cancel() }
    }

    // MARK: Beyond the protocol

    /// How many transactions, requests and events the appender has committed so far.
    public var appendStatistics: PostgresAppendStatistics { appender.statistics.withLock { $0 } }

    /// Where the log is, without the password.
    public var address: String { location.redacted }
}
