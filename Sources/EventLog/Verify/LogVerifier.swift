import Crypto
import Foundation

/// Recomputes the hash chain from the first event and checks that the index (postings,
/// ids, heads) holds exactly what the events say, naming the first position that disagrees.
struct LogVerifier {
    let store: EventStore
    var progress: (@Sendable (Position, Position) -> Void)?

    func run() throws -> VerificationReport {
        var report = VerificationReport()
        // The index first, in one short transaction: its heads hold only their latest
        // values, so the log is compared with exactly that checkpoint even while a writer
        // goes on indexing.
        var stored: Result<IndexSummary, any Error>
        var indexed: Position = 0
        do {
            let (summary, checkpoint) = try store.indexEnv.read { txn in
                (try IndexSummary.read(txn, store.indexDatabases), try QueryEngine.checkpoint(txn, store.indexDatabases))
            }
            (stored, indexed) = (.success(summary), checkpoint)
        } catch {
            stored = .failure(error)
        }
        let head = store.logHead()
        report.indexedUpTo = indexed
        var chain = HashChain.genesis
        var expected = IndexSummary()
        var expectedPosition: Position = 1
        var stop = false
        while !stop {
            try store.logEnv.read { txn in
                try txn.withCursor(store.logDatabases.events) { cursor in
                    var entry = try cursor.seek(atLeast: BigEndian.bytes(expectedPosition))
                    var inChunk = 0
                    while let (key, value) = entry, inChunk < 65_536 {
                        let position = try LogReader.position(key)
                        guard position == expectedPosition else {
                            report.fail(at: expectedPosition, "position \(expectedPosition) is missing (next stored is \(position))")
                            stop = true
                            return
                        }
                        do {
                            let record = try StoredRecord.parse(value)
                            let header = try store.codec.withBody(of: record, position: position) { body -> EventBody.Header in
                                chain = HashChain.next(previous: chain, digest: HashChain.digest(body: body), streamVersion: record.streamVersion)
                                return try EventBody.decodeHeader(body)
                            }
                            guard chain.prefix(StoredRecord.chainPrefixLength).elementsEqual(record.chainPrefix) else {
                                report.fail(at: position, "position \(position): hash chain broken (the record or one before it was changed)")
                                stop = true
                                return
                            }
                            if position <= indexed { expected.add(position: position, header: header, streamVersion: record.streamVersion) }
                        } catch {
                            report.fail(at: position, "position \(position): record unreadable: \(error)")
                            stop = true
                            return
                        }
                        report.events = position
                        expectedPosition += 1
                        inChunk += 1
                        entry = try cursor.next()
                    }
                    if entry == nil { stop = true }
                }
            }
            progress?(report.events, head)
        }
        if report.isIntact {
            let storedChain = try store.logEnv.read { txn in
                try txn.get(store.logDatabases.meta, key: MetaKey.chain).map(Array.init) ?? HashChain.genesis
            }
            if report.events != head {
                report.fail(at: report.events + 1, "the log's head says \(head) events but \(report.events) are stored")
            } else if storedChain != chain {
                report.fail(at: head, "the stored chain head does not match the events (history was rewritten)")
            }
            report.chainHead = chain
        }
        if report.isIntact {
            switch stored {
            case .success(let summary):
                if let problem = expected.difference(from: summary) { report.problems.append(problem) }
            case .failure(let error):
                report.problems.append("index: unreadable (\(error)): delete the index folder and reopen to rebuild it")
            }
        }
        return report
    }
}


extension EventStore {
    /// Checks the whole log: hash chain end to end, then the index against the events.
    public func verify(progress: (@Sendable (Position, Position) -> Void)? = nil) throws -> VerificationReport {
        try LogVerifier(store: self, progress: progress).run()
    }

    /// The head as stored in `meta` (a read-only store sees other processes' commits).
    func logHead() -> Position {
        (try? logEnv.read { txn in try txn.get(logDatabases.meta, key: MetaKey.head).flatMap(BigEndian.uint64) }) ?? nil ?? head
    }
}
