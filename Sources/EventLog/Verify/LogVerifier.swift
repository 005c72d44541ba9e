import Crypto
import Foundation

/// What `verify` found. `firstBadPosition` is nil when the log is intact.
public struct VerificationReport: Sendable, CustomStringConvertible {
    public var events: Position = 0
    public var indexedUpTo: Position = 0
    public var firstBadPosition: Position?
    public var problems: [String] = []
    public var chainHead: [UInt8] = []

    public var isIntact: Bool { problems.isEmpty }

    public var description: String {
        if isIntact {
            let hex = chainHead.map { String(format: "%02x", $0) }.joined()
            return "intact: \(events) events, hash chain head \(hex), index agrees up to \(indexedUpTo)"
        }
        return problems.joined(separator: "\n")
    }
}

/// Recomputes the hash chain from the first event and checks that the index (postings,
/// ids) holds exactly what the events say, naming the first position that disagrees.
struct LogVerifier {
    let store: EventStore
    var progress: (@Sendable (Position, Position) -> Void)?

    func run() throws -> VerificationReport {
        var report = VerificationReport()
        let head = store.logHead()
        let indexed = store.indexedPosition
        report.indexedUpTo = indexed
        var chain = HashChain.genesis
        var expected = PostingSummary()
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
                            if position <= indexed { expected.add(position: position, header: header) }
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
            let stored = try store.logEnv.read { txn in
                try txn.get(store.logDatabases.meta, key: MetaKey.chain).map(Array.init) ?? HashChain.genesis
            }
            if report.events != head {
                report.fail(at: report.events + 1, "the log's head says \(head) events but \(report.events) are stored")
            } else if stored != chain {
                report.fail(at: head, "the stored chain head does not match the events (history was rewritten)")
            }
            report.chainHead = chain
        }
        if report.isIntact { try checkIndex(expected, upTo: indexed, &report) }
        return report
    }

    private func checkIndex(_ expected: PostingSummary, upTo indexed: Position, _ report: inout VerificationReport) throws {
        let stored = try store.indexEnv.read { txn in
            try PostingSummary.read(txn, store.indexDatabases, upTo: indexed)
        }
        for (name, summary) in expected.lists where stored.lists[name] != summary {
            report.problems.append("index: \(name.kind) '\(name.name)' has \(stored.lists[name]?.count ?? 0) postings, the log says \(summary.count): delete the index folder and reopen to rebuild it")
            return
        }
        for (name, summary) in stored.lists where expected.lists[name] == nil {
            report.problems.append("index: \(name.kind) '\(name.name)' has \(summary.count) postings the log does not have")
            return
        }
        if stored.ids != expected.ids {
            report.problems.append("index: the event id index disagrees with the log (\(stored.ids.count) ids stored, \(expected.ids.count) expected)")
        }
    }
}

/// An order-independent fingerprint of posting lists: count and a mixed sum of positions
/// per list, so the log and the index can be compared without holding every posting.
struct PostingSummary {
    struct List: Equatable {
        var count = 0
        var mix: UInt64 = 0

        mutating func add(_ position: Position) {
            count += 1
            var z = position &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            mix = mix &+ (z ^ (z >> 31))
        }
    }

    struct IDs: Equatable {
        var count = 0
        var mix: UInt64 = 0
    }

    var lists: [PostingName: List] = [:]
    var ids = IDs()

    mutating func add(position: Position, header: EventBody.Header) {
        lists[PostingName(kind: .stream, name: header.stream), default: List()].add(position)
        lists[PostingName(kind: .type, name: header.type), default: List()].add(position)
        for tag in header.tags { lists[PostingName(kind: .tag, name: tag), default: List()].add(position) }
        addID(header.id, position)
    }

    mutating func addID(_ id: UUID, _ position: Position) {
        let (a, b) = id.bigEndianHalves
        var list = List()
        list.add(a ^ b.rotateLeft(17) ^ position)
        ids.count += 1
        ids.mix = ids.mix &+ list.mix
    }

    static func read(_ txn: Transaction, _ dbs: IndexDatabases, upTo indexed: Position) throws -> PostingSummary {
        var summary = PostingSummary()
        try txn.withCursor(dbs.postings) { cursor in
            var entry = try cursor.first()
            var block: [Position] = []
            while let (key, value) = entry {
                guard key.count > 9, let kind = PostingKind(rawValue: key[0]), let first = PostingBlock.first(ofKey: key) else {
                    throw RecordDecodingError.malformed("posting key", "\(key.count) bytes")
                }
                let name = PostingName(kind: kind, name: String(decoding: key[1..<(key.count - 9)], as: UTF8.self))
                block.removeAll(keepingCapacity: true)
                try PostingBlock.decode(first: first, gaps: value, into: &block)
                for position in block where position <= indexed { summary.lists[name, default: List()].add(position) }
                entry = try cursor.next()
            }
        }
        try txn.withCursor(dbs.ids) { cursor in
            var entry = try cursor.first()
            while let (key, value) = entry {
                var reader = ByteReader(value)
                let position = try reader.readVarint("indexed position")
                var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: key) }
                if position <= indexed { summary.addID(UUID(uuid: uuid), position) }
                entry = try cursor.next()
            }
        }
        return summary
    }
}

extension UInt64 {
    func rotateLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}

extension VerificationReport {
    mutating func fail(at position: Position, _ message: String) {
        if firstBadPosition == nil { firstBadPosition = position }
        problems.append(message)
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
