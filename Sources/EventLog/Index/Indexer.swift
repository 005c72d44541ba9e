import CLMDB
import Dispatch
import Foundation
import Logging
import Synchronization

/// Follows the log like a projection and writes posting blocks, ids and heads to the
/// `index` environment in large batches, with its checkpoint in the same transaction.
/// Its input is the tail's decoded entries, not the compressed records.
final class Indexer: @unchecked Sendable {
    private let log: LogReader
    private let env: LMDBEnvironment
    private let index: IndexDatabases
    private let tail: TailIndex
    private let logger: Logger
    private let batchSize: Int
    /// One run at a time, whether from the background loop or a caller.
    private let runLock = NSLock()
    private let wake = DispatchSemaphore(value: 0)
    private let control = Mutex<(running: Bool, stopped: Bool, failure: String?)>((false, false, nil))
    private let finished = DispatchSemaphore(value: 0)

    init(log: LogReader, env: LMDBEnvironment, index: IndexDatabases, tail: TailIndex, batchSize: Int, logger: Logger) {
        self.log = log
        self.env = env
        self.index = index
        self.tail = tail
        self.batchSize = batchSize
        self.logger = logger
    }

    var checkpoint: Position {
        (try? env.read { try QueryEngine.checkpoint($0, index) }) ?? 0
    }

    /// Indexes everything committed up to `head`; returns how many events it indexed.
    @discardableResult
    func catchUp(to head: Position) throws -> Int {
        try runLock.withLock {
            var done = 0
            var from = try env.read { try QueryEngine.checkpoint($0, index) } + 1
            while from <= head {
                let count = try indexRange(from: from, upTo: min(head, from + Position(batchSize) - 1))
                if count == 0 { break }
                done += count
                from += Position(count)
            }
            return done
        }
    }

    /// Indexes `from...upTo` in one transaction. The events come from the tail, which
    /// holds every committed event after the checkpoint already decoded; only positions it
    /// lacks (a commit whose entries are not handed over yet) are read from the log.
    private func indexRange(from: Position, upTo: Position) throws -> Int {
        var batch = IndexBatch(expectedEvents: Int(upTo - from + 1))
        var next = from  // the position the batch needs next
        for entry in tail.entries(from: from, upTo: upTo) {
            if entry.position > next { next = try addFromLog(&batch, from: next, upTo: entry.position - 1) }
            guard entry.position == next else { throw Self.gap(at: next) }
            batch.add(position: entry.position, id: entry.id, stream: entry.stream, streamVersion: entry.streamVersion, type: entry.type, tags: entry.tags)
            next += 1
        }
        if next <= upTo { next = try addFromLog(&batch, from: next, upTo: upTo) }
        guard !batch.isEmpty else { return 0 }
        try env.write { txn in try batch.write(txn, index) }
        tail.prune(upTo: batch.last)
        return batch.count
    }

    /// Adds the log's events in `from...upTo` (fewer at the log's end), decoding only
    /// their headers; returns the position after the last one added.
    private func addFromLog(_ batch: inout IndexBatch, from: Position, upTo: Position) throws -> Position {
        try log.env.read { txn in
            try txn.withCursor(log.databases.events) { cursor in
                var next = from
                var entry = try cursor.seek(atLeast: BigEndian.bytes(from))
                while let (key, value) = entry {
                    let position = try LogReader.position(key)
                    if position > upTo { break }
                    guard position == next else { throw Self.gap(at: next) }
                    let (header, version) = try log.codec.decodeHeader(value, position: position)
                    batch.add(position: position, id: header.id, stream: header.stream, streamVersion: version, type: header.type, tags: header.tags)
                    next += 1
                    entry = try cursor.next()
                }
                return next
            }
        }
    }

    /// Positions are consecutive; a hole means the log was changed under the process.
    private static func gap(at position: Position) -> RecordDecodingError {
        .malformed("log", "position \(position) is missing: run `tribelog verify`")
    }

    /// Starts following the log in the background; `notify` after each commit.
    func start(head: @escaping @Sendable () -> Position) {
        control.withLock { $0.running = true }
        Thread.detachNewThread { [self] in
            while !control.withLock({ $0.stopped }) {
                _ = wake.wait(timeout: .now() + .milliseconds(200))
                // Let a burst of commits gather so batches stay large.
                if control.withLock({ $0.stopped }) { break }
                usleep(2_000)
                do {
                    try catchUp(to: head())
                    let hadFailed = control.withLock { c in defer { c.failure = nil }; return c.failure != nil }
                    if hadFailed { logger.notice("indexing resumed after a failure", metadata: ["checkpoint": "\(checkpoint)"]) }
                } catch {
                    // Reads stay correct from the in-memory tail meanwhile; retry after a
                    // pause, since most causes (a full disk) pass.
                    logger.error("indexing failed, retrying in 1 s", metadata: ["error": "\(error)"])
                    control.withLock { $0.failure = "\(error)" }
                    _ = wake.wait(timeout: .now() + .seconds(1))
                }
            }
            finished.signal()
        }
    }

    func notify() { wake.signal() }

    func stop() {
        let wasRunning = control.withLock { c -> Bool in
            c.stopped = true
            return c.running
        }
        guard wasRunning else { return }
        wake.signal()
        finished.wait()
    }

    var failure: String? { control.withLock { $0.failure } }
}
