import CLMDB
import Foundation
import Glibc
import Logging

extension EventStore {
    convenience init(directory: URL, options: EventStoreOptions) throws {
        let folder = DataFolder(root: directory)
        try folder.prepare(readOnly: options.readOnly)
        let lock = options.readOnly ? -1 : try folder.lockForWriting()
        do {
            try self.init(folder: folder, options: options, lock: lock)
        } catch {
            if lock >= 0 { Glibc.close(lock) }
            throw error
        }
    }

    private convenience init(folder: DataFolder, options: EventStoreOptions, lock: Int32) throws {
        var envOptions = LMDBEnvironment.Options()
        envOptions.readOnly = options.readOnly
        envOptions.noSync = options.durability == .noSync
        envOptions.initialMapSize = options.initialMapSize
        // The log's committer flushes each commit's meta page with the next commit (see
        // Committer); the index and the views are rebuilt from the log, so they keep LMDB's default.
        var logOptions = envOptions
        logOptions.deferMetaSync = true
        let logEnv = try LMDBEnvironment(path: folder.log, options: logOptions, logger: options.logger)
        // Refuse another program's LMDB database before creating anything in it.
        let foreign = Set(try logEnv.databaseNames()).subtracting(LogDatabases.names)
        guard foreign.isEmpty else {
            throw DataFolderError("\(folder.log) holds an LMDB database that is not a Tribelog log (it has \(foreign.sorted().prefix(3).joined(separator: ", "))): choose another --data folder")
        }
        let logDatabases = try LogDatabases(logEnv, create: !options.readOnly)
        let head = try Self.checkFormat(logEnv, logDatabases, readOnly: options.readOnly)
        // A new log's databases and format mark are on disk before anything is appended.
        if !options.readOnly { try logEnv.sync() }
        let indexEnv = try LMDBEnvironment(path: folder.index, options: envOptions, logger: options.logger)
        let indexDatabases = try IndexDatabases(indexEnv, create: !options.readOnly)

        let dictionaries = DictionaryRegistry()
        try logEnv.read { txn in
            try txn.withCursor(logDatabases.dictionaries) { cursor in
                var entry = try cursor.first()
                while let (key, value) = entry {
                    guard let id = BigEndian.uint32(key) else { throw DataFolderError("damaged dictionary key in \(folder.log)") }
                    dictionaries.install(try CompressionDictionary(id: id, bytes: Array(value)))
                    entry = try cursor.next()
                }
            }
        }
        let codec = RecordCodec(dictionaries: dictionaries)
        let reader = LogReader(env: logEnv, databases: logDatabases, codec: codec)
        let checkpoint = try indexEnv.read { try QueryEngine.checkpoint($0, indexDatabases) }
        guard checkpoint <= head else {
            throw DataFolderError("the index in \(folder.index) is ahead of the log (\(checkpoint) > \(head)): the log was replaced; delete \(folder.index) and reopen to rebuild it")
        }
        let tail = TailIndex(indexedUpTo: checkpoint)
        let state = try Self.loadWriterState(reader: reader, indexEnv: indexEnv, index: indexDatabases, tail: tail)

        let queries = QueryEngine(log: reader, indexEnv: indexEnv, index: indexDatabases, tail: tail)
        let notifier = CommitNotifier(head: head)
        let indexer = Indexer(log: reader, env: indexEnv, index: indexDatabases, tail: tail,
                              batchSize: options.indexBatchSize, logger: options.logger)
        let training = options.readOnly ? nil : DictionaryTraining(reader: reader, registry: dictionaries, options: options)
        let writer: LogWriter? = options.readOnly ? nil : LogWriter(
            env: logEnv, databases: logDatabases, state: state, tail: tail, queries: queries, dictionaries: dictionaries,
            reload: { [indexEnv] in try Self.loadWriterState(reader: reader, indexEnv: indexEnv, index: indexDatabases, tail: nil) },
            idLookup: { id in try queries.positions(ofIDs: [id]).positions[0] },
            onCommit: { [notifier, indexer] head in
                notifier.publish(head: head)
                indexer.notify()
                training?.considerTraining(head: head)
            },
            logger: options.logger)
        training?.deliver = { [weak writer] dictionary in writer?.offer(dictionary) }
        self.init(options: options, folder: folder, logEnv: logEnv, logDatabases: logDatabases, indexEnv: indexEnv,
                  indexDatabases: indexDatabases, codec: codec, tail: tail, queries: queries, reader: reader,
                  notifier: notifier, indexer: indexer, writer: writer, training: training, lockDescriptor: lock)
        if options.automaticIndexing && !options.readOnly {
            indexer.start { [notifier] in notifier.head }
            indexer.notify()
        }
        training?.considerTraining(head: head)
    }

    /// Reads the head; stamps the format into a new log; refuses foreign or newer ones.
    private static func checkFormat(_ env: LMDBEnvironment, _ dbs: LogDatabases, readOnly: Bool) throws -> Position {
        let found: (format: UInt8?, events: Int, head: Position) = try env.read { txn in
            let format = try txn.get(dbs.meta, key: MetaKey.format).flatMap { $0.first }
            let head = try txn.get(dbs.meta, key: MetaKey.head).flatMap(BigEndian.uint64) ?? 0
            return (format, try txn.entryCount(dbs.events), head)
        }
        switch found.format {
        case MetaKey.currentFormat?:
            return found.head
        case let other?:
            throw DataFolderError("\(env.path) has log format \(other); this tribelog reads format \(MetaKey.currentFormat): use a newer tribelog")
        case nil where found.events == 0 && !readOnly:
            try env.write { txn in try txn.put(dbs.meta, key: MetaKey.format, value: [MetaKey.currentFormat]) }
            return 0
        case nil:
            throw DataFolderError("\(env.path) holds an LMDB database that is not a Tribelog log (no format mark): choose another --data folder")
        }
    }

    /// The writer's state as the disk has it: heads from the index, then the events after
    /// the index checkpoint replayed (and handed to `tail` when opening).
    static func loadWriterState(reader: LogReader, indexEnv: LMDBEnvironment, index: IndexDatabases, tail: TailIndex?) throws -> WriterState {
        let (head, chain) = try reader.env.read { txn in
            (try txn.get(reader.databases.meta, key: MetaKey.head).flatMap(BigEndian.uint64) ?? 0,
             try txn.get(reader.databases.meta, key: MetaKey.chain).map(Array.init) ?? HashChain.genesis)
        }
        var (state, checkpoint) = try loadHeads(indexEnv, index)
        var from = checkpoint + 1
        while from <= head {
            let events = try reader.events(from: from, limit: 8_192)
            guard let last = events.last else { break }
            tail?.append(events.map { TailIndex.Entry(position: $0.position, id: $0.id, stream: $0.stream, streamVersion: $0.streamVersion, type: $0.type, tags: $0.tags) })
            for event in events {
                state.record(position: event.position, stream: event.stream, version: event.streamVersion, type: event.type, tags: event.tags)
            }
            from = last.position + 1
        }
        state.head = head
        state.chain = chain
        return state
    }

    /// The writer's state at the index checkpoint, from `heads` (layout in `HeadKey`).
    private static func loadHeads(_ env: LMDBEnvironment, _ dbs: IndexDatabases) throws -> (WriterState, Position) {
        var state = WriterState()
        let checkpoint = try env.read { txn in
            try txn.forEachHead(dbs.heads) { kind, name, value, typeNames in
                switch kind {
                case .stream:
                    state.streams[name] = try StreamHead(decoding: value).version
                case .tag:
                    state.tags[name] = try TagHeads(try TagHead(decoding: value), typeNames: typeNames)
                case .type:
                    state.typeLast[name] = try TypeHead(decoding: value).last
                }
            }
            // Same transaction: the heads are exactly those of this checkpoint.
            return try QueryEngine.checkpoint(txn, dbs)
        }
        return (state, checkpoint)
    }
}
