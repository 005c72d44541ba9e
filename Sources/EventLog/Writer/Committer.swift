import CLMDB
import Dispatch
import Foundation
import Logging
import Synchronization

/// The second half of the group commit: takes every job the writer has decided since
/// the last commit, writes them in one transaction with one fsync, then publishes the
/// events to the tail and resumes their callers. While it waits for the disk, the writer
/// goes on deciding the next requests, so deciding and syncing overlap.
///
/// After a failed commit it fails every job until the writer, which decided them on a
/// state that assumed the failed ones, has reloaded its state from disk (`recovered`).
final class Committer: @unchecked Sendable {
    private struct Queue {
        var jobs: [CommitJob] = []
        var running = false
        var failure: (any Error)?
        /// While the commit thread lingers: how many queued requests end the wait.
        var lingerTarget = 0
    }

    private let queue = Mutex(Queue())
    private let arrivals = DispatchSemaphore(value: 0)
    private let thread = DispatchQueue(label: "tribelog.log-commit", qos: .userInitiated)
    private let env: LMDBEnvironment
    private let databases: LogDatabases
    private let tail: TailIndex
    private let inFlight: InFlight
    private let dictionaries: DictionaryRegistry
    private let onCommit: @Sendable (Position) -> Void
    private let logger: Logger
    let pendingDictionary = Mutex<CompressionDictionary?>(nil)
    let statistics = Mutex(WriterStatistics())
    /// Tests set this to make the next commit fail as a full disk would, before writing.
    let failNextCommit = Mutex<(any Error)?>(nil)

    init(env: LMDBEnvironment, databases: LogDatabases, tail: TailIndex, inFlight: InFlight,
         dictionaries: DictionaryRegistry, onCommit: @escaping @Sendable (Position) -> Void, logger: Logger) {
        self.env = env
        self.databases = databases
        self.tail = tail
        self.inFlight = inFlight
        self.dictionaries = dictionaries
        self.onCommit = onCommit
        self.logger = logger
    }

    func enqueue(_ job: CommitJob) {
        let start = queue.withLock { q -> Bool in
            q.jobs.append(job)
            if q.lingerTarget > 0 && q.jobs.reduce(0, { $0 + $1.requests.count }) >= q.lingerTarget {
                q.lingerTarget = 0
                arrivals.signal()
            }
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

    private func run() {
        while true {
            var jobs = takeJobs(stopIfEmpty: true)
            if jobs.isEmpty { return }
            let requests = jobs.reduce(0) { $0 + $1.requests.count }
            if requests < previousRequests { jobs += linger(have: requests) }
            previousRequests = jobs.reduce(0) { $0 + $1.requests.count }
            commit(jobs)
        }
    }

    private func takeJobs(stopIfEmpty: Bool) -> [CommitJob] {
        queue.withLock { q -> [CommitJob] in
            defer { q.jobs.removeAll(keepingCapacity: true) }
            if q.jobs.isEmpty && stopIfEmpty { q.running = false }
            return q.jobs
        }
    }

    /// Requests in the previous commit; owned by the commit thread.
    private var previousRequests = 0
    private static let lingerLimit = DispatchTimeInterval.microseconds(200)

    /// Concurrent callers settle into cohorts: while one cohort's commit syncs, the
    /// other's requests queue up, and each commit would carry only its own cohort. A
    /// commit smaller than the last one therefore waits a moment (less than an fsync)
    /// for the callers just resumed, so that they share this fsync instead of the next.
    /// A lone caller never waits: its previous commit had one request.
    private func linger(have count: Int) -> [CommitJob] {
        let ready = queue.withLock { q -> Bool in
            if count + q.jobs.reduce(0, { $0 + $1.requests.count }) >= previousRequests { return true }
            q.lingerTarget = previousRequests - count
            return false
        }
        if !ready {
            _ = arrivals.wait(timeout: .now() + Self.lingerLimit)
            queue.withLock { $0.lingerTarget = 0 }
            // A signal that came after the timeout must not end the next linger early.
            while arrivals.wait(timeout: .now()) == .success {}
        }
        return takeJobs(stopIfEmpty: false)
    }

    private func commit(_ jobs: [CommitJob]) {
        if let failure = failure {
            finish(jobs, failing: failure)
            return
        }
        let staged = jobs.flatMap(\.staged)
        let last = jobs.last { !$0.staged.isEmpty }
        let dictionary = pendingDictionary.withLock { $0 }
        if !staged.isEmpty || dictionary != nil {
            do {
                if let injected = failNextCommit.withLock({ e in defer { e = nil }; return e }) { throw injected }
                let stored = try write(staged, head: last?.head ?? 0, chain: last?.chain ?? [], dictionary: dictionary)
                if let stored { dictionaries.install(stored) }
            } catch {
                logger.error("append failed, nothing written", metadata: ["error": "\(error)"])
                queue.withLock { $0.failure = error }
                finish(jobs, failing: error)
                return
            }
        }
        if let last {
            tail.append(jobs.flatMap(\.entries))
            inFlight.committed(upTo: last.head)
            onCommit(last.head)
        }
        statistics.withLock { s in
            s.commits += staged.isEmpty ? 0 : 1
            s.requests += jobs.reduce(0) { $0 + $1.requests.count }
        }
        finish(jobs, failing: nil)
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

    /// Writes the staged records (and a new dictionary) in one transaction; returns the
    /// dictionary if it was stored. A dictionary that cannot be stored is dropped (a later
    /// training makes another): it must not hold up the appends.
    private func write(_ staged: [StagedRecord], head: Position, chain: [UInt8], dictionary: CompressionDictionary?) throws -> CompressionDictionary? {
        guard let dictionary else {
            try put(staged, head: head, chain: chain, dictionary: nil)
            return nil
        }
        defer { pendingDictionary.withLock { if $0 === dictionary { $0 = nil } } }
        do {
            try put(staged, head: head, chain: chain, dictionary: dictionary)
            return dictionary
        } catch {
            logger.warning("compression dictionary not stored", metadata: ["error": "\(error)"])
            if !staged.isEmpty { try put(staged, head: head, chain: chain, dictionary: nil) }
            return nil
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
