import CLMDB
import Dispatch
import Foundation
import Logging
import Synchronization

/// The second half of the group commit: takes every job the writer has decided since
/// the last commit, writes them in one transaction, then publishes the events to the tail
/// and resumes their callers once they are durable. While it waits for the disk, the
/// writer goes on deciding the next requests, so deciding and syncing overlap.
///
/// Commits are pipelined over one flush each (see `deferredMetaSync`): a commit flushes its
/// own pages, and with them the meta page of the commit before it, which is what makes that
/// one durable. Its callers are resumed then; the last commit before the queue runs dry is
/// flushed on its own.
///
/// After a failed commit it fails every job until the writer, which decided them on a
/// state that assumed the failed ones, has reloaded its state from disk (`recovered`).
final class Committer: @unchecked Sendable {
    private struct Queue {
        var jobs: [CommitJob] = []
        var running = false
        var failure: (any Error)?
    }

    private let queue = Mutex(Queue())
    private let thread = DispatchQueue(label: "tribelog.log-commit", qos: .userInitiated)
    private let env: LMDBEnvironment
    private let databases: LogDatabases
    private let tail: TailIndex
    private let inFlight: InFlight
    private let dictionaries: DictionaryRegistry
    private let onCommit: @Sendable (Position) -> Void
    private let logger: Logger
    /// The environment writes each commit's meta page without flushing it (MDB_NOMETASYNC):
    /// LMDB flushes the data pages before it writes the meta page, so the log stays intact
    /// on a crash, and the meta page reaches the disk with the next flush. Jobs are
    /// acknowledged only after that flush, so none is acknowledged before it is durable.
    private let deferredMetaSync: Bool
    /// Committed jobs whose meta page has not been flushed yet; owned by the commit thread.
    private var awaitingFlush: [CommitJob] = []
    let pendingDictionary = Mutex<CompressionDictionary?>(nil)
    let statistics = Mutex(WriterStatistics())
    /// Tests set this to make the next commit fail as a full disk would, before writing.
    let failNextCommit = Mutex<(any Error)?>(nil)
    /// Tests set this to make the next flush of a committed job's meta page fail.
    let failNextFlush = Mutex<(any Error)?>(nil)

    init(env: LMDBEnvironment, databases: LogDatabases, tail: TailIndex, inFlight: InFlight,
         dictionaries: DictionaryRegistry, onCommit: @escaping @Sendable (Position) -> Void, logger: Logger) {
        self.env = env
        self.databases = databases
        self.tail = tail
        self.inFlight = inFlight
        self.dictionaries = dictionaries
        self.onCommit = onCommit
        self.logger = logger
        self.deferredMetaSync = env.options.deferMetaSync && !env.options.noSync
    }

    func enqueue(_ job: CommitJob) {
        let start = queue.withLock { q -> Bool in
            q.jobs.append(job)
            if q.running { return false }
            q.running = true
            return true
        }
        if start { thread.async { self.run() } }
    }

    /// The error of a failed commit, until `recovered()`.
    var failure: (any Error)? { queue.withLock { $0.failure } }

    func recovered() { queue.withLock { $0.failure = nil } }

    /// Returns once every job enqueued so far has been committed or failed.
    func waitUntilIdle() { thread.sync {} }

    /// Commits whatever is queued, as soon as the previous commit is done: under load the
    /// callers settle into cohorts, each committing while the others are resumed and
    /// queue again. (Waiting for a fuller commit was measured slower: it left the disk idle.)
    private func run() {
        while true {
            let jobs = takeJobs(stopIfEmpty: awaitingFlush.isEmpty)
            if !jobs.isEmpty {
                commit(jobs)
            } else if !awaitingFlush.isEmpty {
                flushAwaiting()
            } else {
                return
            }
        }
    }

    private func takeJobs(stopIfEmpty: Bool) -> [CommitJob] {
        queue.withLock { q -> [CommitJob] in
            defer { q.jobs.removeAll(keepingCapacity: true) }
            if q.jobs.isEmpty && stopIfEmpty { q.running = false }
            return q.jobs
        }
    }

    private func commit(_ jobs: [CommitJob]) {
        if let failure = failure {
            finish(jobs, failing: failure)
            return
        }
        let staged = jobs.flatMap(\.staged)
        let last = jobs.last { !$0.staged.isEmpty }
        let dictionary = pendingDictionary.withLock { $0 }
        guard !staged.isEmpty || dictionary != nil else {
            // Nothing to write (refusals, retried ids): the answers wait for the jobs
            // ahead of them, since an "already stored" may point at one of theirs.
            wait(jobs)
            return
        }
        do {
            if let injected = failNextCommit.withLock({ e in defer { e = nil }; return e }) { throw injected }
            let written = try write(staged, head: last?.head ?? 0, chain: last?.chain ?? [], dictionary: dictionary)
            if let stored = written.stored { dictionaries.install(stored) }
            guard written.committed else {
                // Nothing reached the disk, so nothing carried the earlier meta pages there.
                wait(jobs)
                return
            }
        } catch {
            logger.error("append failed, nothing written", metadata: ["error": "\(error)"])
            // The jobs committed before are in the log; whether they are on disk depends on
            // where this commit failed. Before LMDB's flush (a put, a full disk refusing the
            // pages), a flush of their own settles it. An error of the flush itself may have
            // been theirs too, and a second flush would not report it again.
            // The failure is set before any caller hears of it: a caller that appends again
            // at once must find the writer failed (and have it recover) rather than be
            // decided on the old state and then failed with this error.
            queue.withLock { $0.failure = error }
            if Self.mayHaveFlushed(error) { failAwaiting(unconfirmed: error) } else { flushAwaiting() }
            finish(jobs, failing: error)
            return
        }
        statistics.withLock { $0.commits += staged.isEmpty ? 0 : 1 }
        guard deferredMetaSync else {
            publish(jobs)
            return
        }
        // This commit's flush carried the meta pages of the ones before it to the disk.
        publish(awaitingFlush)
        awaitingFlush = jobs
    }

    /// Only `mdb_txn_commit` flushes, after writing the pages; pages the disk had no room
    /// for fail before that.
    private static func mayHaveFlushed(_ error: any Error) -> Bool {
        guard let error = error as? LMDBError else { return false }
        return error.operation.hasPrefix("mdb_txn_commit") && !error.isDiskFull
    }

    /// Jobs that wrote nothing are answered after the jobs ahead of them.
    private func wait(_ jobs: [CommitJob]) {
        if awaitingFlush.isEmpty { publish(jobs) } else { awaitingFlush += jobs }
    }

    /// Flushes the meta page of the commits awaiting it (nothing else came to carry it).
    private func flushAwaiting() {
        guard !awaitingFlush.isEmpty else { return }
        do {
            if let injected = failNextFlush.withLock({ e in defer { e = nil }; return e }) { throw injected }
            try env.sync()
            publish(awaitingFlush)
            awaitingFlush = []
        } catch {
            logger.error("flushing committed appends failed", metadata: ["error": "\(error)"])
            // Set first, as above: the callers resumed next may append again at once.
            queue.withLock { $0.failure = error }
            failAwaiting(unconfirmed: error)
        }
    }

    /// The awaiting jobs are in the log (readers see them), but the disk did not confirm
    /// them: their callers get an error that says so, and a retry with the same ids finds
    /// them if they survived.
    private func failAwaiting(unconfirmed error: any Error) {
        guard !awaitingFlush.isEmpty else { return }
        let jobs = awaitingFlush
        awaitingFlush = []
        publish(jobs, failing: AppendNotConfirmed(cause: error))
    }

    /// Makes committed jobs visible (tail, in-flight set, subscribers) and resumes their
    /// callers, with `failure` instead of their results when the disk did not confirm them.
    private func publish(_ jobs: [CommitJob], failing failure: (any Error)? = nil) {
        guard !jobs.isEmpty else { return }
        if let last = jobs.last(where: { !$0.staged.isEmpty }) {
            tail.append(jobs.flatMap(\.entries))
            inFlight.committed(upTo: last.head)
            onCommit(last.head)
        }
        statistics.withLock { $0.requests += jobs.reduce(0) { $0 + $1.requests.count } }
        finish(jobs, failing: failure)
    }

    /// Resumes every caller; with `failure`, the accepted ones get it instead of a result.
    /// That includes "already stored" answers: one may point at an event that was in
    /// flight in this very commit, so it cannot be promised either.
    private func finish(_ jobs: [CommitJob], failing failure: (any Error)?) {
        for job in jobs {
            for (request, outcome) in zip(job.requests, job.outcomes) {
                if let failure, case .success = outcome {
                    // Marked before the writer recovers (it waits for this thread first),
                    // so no later append of the sequence is decided on the recovered state.
                    request.sequence?.fail(failure)
                    request.complete(.failure(failure))
                } else {
                    request.complete(outcome)
                }
            }
        }
    }

    /// Writes the staged records (and a new dictionary) in one transaction. A dictionary
    /// that cannot be stored is dropped (a later training makes another): it must not hold
    /// up the appends. Says which dictionary was stored, and whether anything was committed.
    private func write(_ staged: [StagedRecord], head: Position, chain: [UInt8],
                       dictionary: CompressionDictionary?) throws -> (stored: CompressionDictionary?, committed: Bool) {
        guard let dictionary else {
            try put(staged, head: head, chain: chain, dictionary: nil)
            return (nil, true)
        }
        defer { pendingDictionary.withLock { if $0 === dictionary { $0 = nil } } }
        do {
            try put(staged, head: head, chain: chain, dictionary: dictionary)
            return (dictionary, true)
        } catch {
            logger.warning("compression dictionary not stored", metadata: ["error": "\(error)"])
            if staged.isEmpty { return (nil, false) }
            try put(staged, head: head, chain: chain, dictionary: nil)
            return (nil, true)
        }
    }

    private func put(_ staged: [StagedRecord], head: Position, chain: [UInt8], dictionary: CompressionDictionary?) throws {
        try env.write { txn in
            if let dictionary {
                // Never replace a dictionary: records already compressed with it need it.
                try txn.put(databases.dictionaries, key: BigEndian.bytes(dictionary.id), value: dictionary.bytes, flags: MDB_NOOVERWRITE)
            }
            for item in staged {
                let size = StoredRecord.size(dictionaryID: item.event.dictionaryID, streamVersion: item.version, frameCount: item.event.frame.count)
                try withUnsafeBytes(of: item.position.bigEndian) { key in
                    try txn.reserve(databases.events, key: key, count: size, flags: MDB_APPEND) { target in
                        StoredRecord.write(into: target, dictionaryID: item.event.dictionaryID, chain: item.chain,
                                           streamVersion: item.version, frame: item.event.frame)
                    }
                }
            }
            if !staged.isEmpty {
                try txn.put(databases.meta, key: MetaKey.head, value: BigEndian.bytes(head))
                try txn.put(databases.meta, key: MetaKey.chain, value: chain)
            }
        }
    }
}
