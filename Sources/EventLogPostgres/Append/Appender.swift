import EventLogCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// How much the appender has committed: `requests / transactions` is how many appends a
/// commit carried on average (the group commit's effect).
public struct PostgresAppendStatistics: Sendable, Hashable {
    public var transactions = 0
    public var requests = 0
    public var events = 0
}

/// The one serial appender, the group commit: takes everything queued, opens one
/// transaction, locks the head row, decides each request in order, inserts the accepted
/// events with one statement per few thousand, commits, and only then resumes the callers.
///
/// Positions come from the locked head row, not a sequence: the lock is held until the
/// transaction's commit is visible, so the next appender (of this process or another
/// server's) starts from it, and positions are gapless and in commit order.
final class Appender: Sendable {
    private let primary: Primary
    private let queue: AppendQueue
    private let notifier: CommitNotifier
    private let logger: Logger
    let statistics = Mutex(PostgresAppendStatistics())
    /// How many times one batch is sent again after losing its server, each time to the
    /// primary found anew, before its callers hear that the log is unavailable.
    static let maxResends = 5

    init(primary: Primary, queue: AppendQueue, notifier: CommitNotifier, logger: Logger) {
        self.primary = primary
        self.queue = queue
        self.notifier = notifier
        self.logger = logger
    }

    private var location: PostgresLocation { primary.location }

    /// Runs until the queue is closed and drained.
    func run() async {
        while let batch = await queue.take() {
            await commit(batch)
        }
    }

    private func commit(_ batch: [PendingAppend]) async {
        var resends = 0
        while true {
            let generation = primary.generation
            do {
                let logger = self.logger
                let (head, outcomes) = try await primary.untilSwapped { client in
                    try await client.withConnection { connection in
                        try await BatchTransaction(connection: connection, logger: logger).run(batch)
                    }
                }
                record(batch, outcomes)
                // Published before the callers resume: one that reads `head` next sees its append.
                notifier.publish(head: head)
                for (request, outcome) in zip(batch, outcomes) { request.reply.resume(with: outcome) }
                return
            } catch let failure as BatchTransaction.Failure {
                let cause = failure.cause
                if DatabaseErrorText.lostServer(cause), resends < Self.maxResends, await foundPrimary(after: cause, from: generation) {
                    resends += 1
                    continue
                }
                // The server refused a statement (not the connection): one request may be what
                // it could not take. Each then goes alone, so it does not fail its neighbours.
                if batch.count > 1, case .beforeCommit = failure, !DatabaseErrorText.lostServer(cause), DatabaseErrorText.sqlState(cause) != nil {
                    logger.warning("an append transaction failed; retrying its requests one by one",
                                   metadata: ["requests": "\(batch.count)", "error": "\(DatabaseErrorText.describe(cause))"])
                    for request in batch { await commit([request]) }
                    return
                }
                let error = unavailable(failure)
                for request in batch { request.reply.resume(throwing: error) }
                return
            } catch {
                // No connection could be had: nothing was sent.
                if DatabaseErrorText.lostServer(error), resends < Self.maxResends, await foundPrimary(after: error, from: generation) {
                    resends += 1
                    continue
                }
                let error = EventStoreUnavailable(description: "no connection to PostgreSQL at \(location.redacted) (\(DatabaseErrorText.describe(error))): nothing was written; check the server and retry")
                for request in batch { request.reply.resume(throwing: error) }
                return
            }
        }
    }

    /// After the batch lost its server: true once a primary is found again, and the batch
    /// goes to it with the same event ids. If its commit did happen (a synchronous standby
    /// had confirmed it before it was promoted), the ids answer with their positions;
    /// otherwise it is decided and written anew. Either way no caller is told of an append
    /// the new primary does not hold.
    private func foundPrimary(after error: any Error, from generation: Int) async -> Bool {
        logger.warning("an append transaction lost its server; finding the primary to send it again",
                       metadata: ["error": "\(DatabaseErrorText.describe(error))"])
        do {
            try await primary.failover(from: generation)
            return true
        } catch {
            logger.error("no primary found: the appends in flight fail", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func record(_ batch: [PendingAppend], _ outcomes: [Result<AppendResult, any Error>]) {
        statistics.withLock { s in
            s.transactions += 1
            s.requests += batch.count
            s.events += zip(batch, outcomes).reduce(0) { sum, pair in
                guard case .success(let result) = pair.1, !result.alreadyStored else { return sum }
                return sum + pair.0.events.count
            }
        }
    }

    private func unavailable(_ failure: BatchTransaction.Failure) -> EventStoreUnavailable {
        switch failure {
        case .beforeCommit(let cause) where DatabaseErrorText.sqlState(cause) == "25006":
            return EventStoreUnavailable(description: "PostgreSQL at \(location.redacted) is read-only now, a standby (pg_is_in_recovery): nothing was written; point the log at the primary")
        case .beforeCommit(let cause):
            return EventStoreUnavailable(description: "PostgreSQL at \(location.redacted) did not take the append (\(DatabaseErrorText.describe(cause))): nothing was written; retry")
        case .atCommit(let cause):
            return EventStoreUnavailable(description: "the commit at PostgreSQL \(location.redacted) was not confirmed (\(DatabaseErrorText.describe(cause))): the append may or may not be stored; retry with the same event ids (stored events return their positions)")
        }
    }
}
