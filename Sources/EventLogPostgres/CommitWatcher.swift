import EventLogCore
import Logging
import PostgresNIO

/// Learns of other servers' commits. LISTEN on a connection of its own is only the wake-up:
/// a notification can be missed (while that connection is being re-established) and a
/// standby cannot LISTEN at all, so the head row is also polled while anyone waits.
struct CommitWatcher: Sendable {
    static let channel = "tribelog_commits"

    let primary: Primary
    let reader: LogReader
    let notifier: CommitNotifier
    let logger: Logger
    var pollInterval: Duration = .milliseconds(200)
    var reconnectDelay: Duration = .seconds(1)

    /// Listens until cancelled, connecting again after a failure.
    func listen() async {
        while !Task.isCancelled {
            let generation = primary.generation
            do {
                // The pool of the primary now: after a failover, the new one's.
                try await primary.client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // A commit between the last poll and the LISTEN sent no notification
                        // to this connection: read the head once it listens.
                        await poll()
                        for try await notification in notifications {
                            if let head = Position(notification.payload) { notifier.publish(head: head) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("listening for commits failed; polling until it works again",
                               metadata: ["error": "\(DatabaseErrorText.describe(error))"])
                // The listening connection is the first to hear that the primary is gone, even
                // while nothing is appended: look for the primary now, so that appends waiting
                // for a connection to the lost one are sent to the new one.
                if DatabaseErrorText.lostServer(error) { try? await primary.failover(from: generation) }
            }
            try? await Task.sleep(for: reconnectDelay)
        }
    }

    /// Polls the head row every `pollInterval` while someone waits, until cancelled.
    func pollWhileWaited() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: pollInterval) } catch { return }
            if notifier.hasWaiters { await poll() }
        }
    }

    private func poll() async {
        do {
            notifier.publish(head: try await reader.storedHead())
        } catch {
            if !Task.isCancelled {
                logger.debug("polling the head row failed", metadata: ["error": "\(DatabaseErrorText.describe(error))"])
            }
        }
    }
}
