import Foundation
import Glibc
import Logging
import Synchronization

/// The event log: append with expected versions or DCB conditions (group-committed,
/// durable when acknowledged), read by position, stream or query, and subscribe.
public final class EventStore: Sendable {
    public let options: EventStoreOptions
    let folder: DataFolder
    let logEnv: LMDBEnvironment
    let logDatabases: LogDatabases
    let indexEnv: LMDBEnvironment
    let indexDatabases: IndexDatabases
    let codec: RecordCodec
    let tail: TailIndex
    let queries: QueryEngine
    let reader: LogReader
    let notifier: CommitNotifier
    let indexer: Indexer
    let writer: LogWriter?
    let training: DictionaryTraining?
    private let lockDescriptor: Int32
    private let closed = Mutex(false)

    init(options: EventStoreOptions, folder: DataFolder, logEnv: LMDBEnvironment, logDatabases: LogDatabases,
         indexEnv: LMDBEnvironment, indexDatabases: IndexDatabases, codec: RecordCodec, tail: TailIndex,
         queries: QueryEngine, reader: LogReader, notifier: CommitNotifier, indexer: Indexer, writer: LogWriter?,
         training: DictionaryTraining?, lockDescriptor: Int32) {
        self.options = options
        self.folder = folder
        self.logEnv = logEnv
        self.logDatabases = logDatabases
        self.indexEnv = indexEnv
        self.indexDatabases = indexDatabases
        self.codec = codec
        self.tail = tail
        self.queries = queries
        self.reader = reader
        self.notifier = notifier
        self.indexer = indexer
        self.writer = writer
        self.training = training
        self.lockDescriptor = lockDescriptor
    }

    /// Opens (creating if needed) the log in `directory`.
    public static func open(directory: URL, options: EventStoreOptions = EventStoreOptions()) throws -> EventStore {
        try EventStore(directory: directory, options: options)
    }

    /// The last committed position (0 for an empty log).
    public var head: Position { notifier.head }

    /// Appends `events` to `stream` atomically. Returns once they are durable (unless the
    /// store was opened with `.noSync`). Throws `AppendConflict` if `expected` or
    /// `condition` does not hold, `InvalidAppend` for bad input; either way nothing is written.
    public func append(_ events: [NewEvent], to stream: String, expected: ExpectedVersion = .any,
                       condition: AppendCondition? = nil) async throws -> AppendResult {
        let request = try prepareRequest(events, to: stream, expected: expected, condition: condition)
        return try await withCheckedThrowingContinuation { continuation in
            request.submit { continuation.resume(with: $0) }
        }
    }

    /// Queues an append and returns at once, without waiting for it to be durable: appends
    /// submitted one after the other are committed in that order, and many are carried by
    /// one fsync. For bulk writers (imports) that keep a window of appends in flight; each
    /// ticket tells its own outcome. Validation errors are thrown here, before queueing.
    /// Appends of one `sequence` land in order or not at all: after one fails, the later
    /// ones are refused with its error.
    public func submit(_ events: [NewEvent], to stream: String, expected: ExpectedVersion = .any,
                       condition: AppendCondition? = nil, sequence: AppendSequence? = nil) throws -> AppendTicket {
        var request = try prepareRequest(events, to: stream, expected: expected, condition: condition)
        request.sequence = sequence
        let ticket = AppendTicket()
        request.submit { ticket.complete($0) }
        return ticket
    }

    /// Checks and encodes an append; `submit` hands it to the writer.
    private func prepareRequest(_ events: [NewEvent], to stream: String, expected: ExpectedVersion,
                                condition: AppendCondition?) throws -> PreparedRequest {
        // Names in NFC before anything else (see CanonicalNames), also before validation.
        let (events, stream, condition) = (CanonicalNames.events(events), CanonicalNames.name(stream), condition.map(CanonicalNames.condition))
        guard let writer else {
            throw EventStoreUnavailable(description: "the event store was opened read-only: open it for writing to append")
        }
        try AppendValidation.check(events, stream: stream)
        let now = Timestamp.now()
        let prepared = try codec.prepare(events, stream: stream, now: now)
        let (known, checkedUpTo) = try indexedPositions(of: events.map(\.id))
        return PreparedRequest(writer: writer, stream: stream, events: prepared, expected: expected, condition: condition,
                               known: known, checkedUpTo: checkedUpTo)
    }

    /// Checks `events` as `append` would, without appending: for tools that must refuse a
    /// whole input before writing any of it.
    public static func validate(_ events: [NewEvent], stream: String) throws {
        try AppendValidation.check(CanonicalNames.events(events), stream: CanonicalNames.name(stream))
    }

    /// Up to `limit` events from position `from` on, up to the head: a commit is in the
    /// data file a moment before the flush that makes it durable, and readers of this
    /// process only see it after (a store opened read-only sees what is in the file).
    public func read(from: Position = 1, limit: Int = 1_000) throws -> [RecordedEvent] {
        guard writer != nil else { return try reader.events(from: from, limit: limit) }
        let head = self.head
        guard from <= head, limit > 0 else { return [] }
        return try reader.events(from: from, limit: Int(min(UInt64(limit), head - from + 1)))
    }

    /// The stream's events from version `fromVersion` on.
    public func read(stream: String, fromVersion: UInt64 = 1, limit: Int = .max) throws -> [RecordedEvent] {
        let positions = try queries.positions(ofStream: CanonicalNames.name(stream), after: 0)
        let start = Int(min(UInt64(positions.count), max(fromVersion, 1) - 1))
        return try reader.events(at: positions[start...].prefix(limit))
    }

    /// Events after `after` that match `query`, in log order.
    public func read(matching query: Query, after: Position = 0, limit: Int = .max) throws -> [RecordedEvent] {
        let query = CanonicalNames.query(query)
        // An item without types or tags matches every event, so the whole query does; the
        // postings have no list for "everything" (they returned only the unindexed tail).
        if query.items.isEmpty || query.items.contains(where: { $0.types.isEmpty && $0.tags.isEmpty }) {
            return try reader.events(from: after + 1, limit: limit)
        }
        return try reader.events(at: try queries.positions(matching: query, after: after).prefix(limit))
    }

    /// Where the event with this id is stored, if it is.
    public func position(of id: UUID) throws -> Position? {
        if let position = tail.position(of: id) { return position }
        return try indexedPositions(of: [id]).positions[0] ?? tail.position(of: id)
    }

    /// Every event from `position` on: first those stored, then each new one as it is
    /// committed, with no gap and no duplicate. Ends when the store closes.
    public func subscribe(from position: Position = 1) -> LogFollower {
        follow(from: position)
    }

    /// Returns true once the head has moved past `position`; false when the store closed
    /// or the task was cancelled. Followers wait here instead of polling.
    public func waitForCommit(after position: Position) async -> Bool {
        await notifier.wait(after: position)
    }

    /// The data folder's read-model folder (`views`), which projections keep beside the log.
    public var viewsDirectory: URL { folder.root.appendingPathComponent("views") }

    /// The position up to which the stored index is written.
    public var indexedPosition: Position { indexer.checkpoint }

    /// How many commits and requests the writer has made so far.
    public var writerStatistics: WriterStatistics { writer?.statistics ?? WriterStatistics() }

    /// How many zstd dictionaries the log has trained and stored so far.
    public var compressionDictionaryCount: Int { codec.dictionaries.count }

    /// Why background indexing last failed, while it keeps failing (it retries).
    public var indexerError: String? { indexer.failure }

    /// Brings the index up to the head now; returns how many events it indexed.
    @discardableResult
    public func indexNow() throws -> Int { try indexer.catchUp(to: head) }

    /// Finishes queued appends, stops the indexer and closes the files.
    public func close() {
        guard closed.withLock({ c -> Bool in defer { c = true }; return !c }) else { return }
        writer?.close()
        indexer.stop()
        training?.wait()
        notifier.close()
        if options.durability == .noSync && !options.readOnly { try? logEnv.sync(); try? indexEnv.sync() }
        if lockDescriptor >= 0 { Glibc.close(lockDescriptor) }
    }

    deinit { close() }

    /// The raw stored value at a position (for tamper tests and tools).
    public func storedRecord(at position: Position) throws -> [UInt8]? {
        try logEnv.read { txn in try reader.record(txn, at: position).map(Array.init) }
    }

    func indexedPositions(of ids: [UUID]) throws -> (positions: [Position?], checkpoint: Position) {
        try queries.positions(ofIDs: ids)
    }

}
