import CLMDB
import Glibc
import Logging
import Synchronization

/// One LMDB environment (a folder with data.mdb and lock.mdb). Every C call on it is
/// wrapped here once; transactions are closure-scoped so none outlives its work.
/// The map grows by itself: a write that hits MDB_MAP_FULL is rolled back, the map is
/// doubled while no transaction of this process is open, and the write runs again.
final class LMDBEnvironment: @unchecked Sendable {
    struct Options: Sendable {
        var readOnly = false
        /// Skips fsync on commit. For tests and bulk import only: a crash may lose commits.
        var noSync = false
        /// Flushes the data pages on commit but not the meta page (MDB_NOMETASYNC): the
        /// environment stays intact on a crash, and the commit is durable after the next
        /// commit or `sync()`. Its owner must not treat a commit as durable before then.
        var deferMetaSync = false
        var initialMapSize = 256 << 20
        var maxDatabases: UInt32 = 8
    }

    let path: String
    let options: Options
    private let env: OpaquePointer
    private let resizeLock = ReadWriteLock()
    private let logger: Logger
    private var mapSize: Int  // guarded by resizeLock (exclusive to change)
    private let idleReaders = Mutex<[IdleReader]>([])

    /// A reset read transaction waiting to be renewed.
    private struct IdleReader: @unchecked Sendable {
        let handle: OpaquePointer
    }

    init(path: String, options: Options, logger: Logger) throws(LMDBError) {
        self.path = path
        self.options = options
        self.logger = logger
        var handle: OpaquePointer?
        try check(mdb_env_create(&handle), "mdb_env_create", path: path)
        guard let handle else { throw LMDBError(code: ENOMEM, operation: "mdb_env_create", path: path) }
        env = handle
        mapSize = options.initialMapSize
        do {
            try check(mdb_env_set_maxdbs(env, options.maxDatabases), "mdb_env_set_maxdbs", path: path)
            try check(mdb_env_set_mapsize(env, mapSize), "mdb_env_set_mapsize", path: path)
            try check(mdb_env_set_maxreaders(env, 256), "mdb_env_set_maxreaders", path: path)
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if options.noSync { flags |= UInt32(MDB_NOSYNC) }
            if options.deferMetaSync && !options.noSync { flags |= UInt32(MDB_NOMETASYNC) }
            try check(mdb_env_open(env, path, flags, 0o644), "mdb_env_open", path: path)
            var info = MDB_envinfo()
            mdb_env_info(env, &info)
            mapSize = max(mapSize, info.me_mapsize)
        } catch {
            // Every stored property is set by now, so a throwing init still runs deinit,
            // which closes `env`: closing it here too was a double free (crash on a
            // data.mdb that is not LMDB).
            throw error
        }
    }

    deinit {
        dropIdleReaders()
        mdb_env_close(env)
    }

    /// Opens (or with `create`, creates) a named database. Handles stay valid for the
    /// environment's lifetime: the opening transaction is committed, even a read-only
    /// one, because an aborted transaction closes the handles it opened.
    func openDatabase(_ name: String, create: Bool) throws -> MDB_dbi {
        var dbi = MDB_dbi()
        let readOnly = options.readOnly || !create
        try resizeLock.withShared {
            let txn = try begin(readOnly: readOnly)
            let flags = create && !readOnly ? UInt32(MDB_CREATE) : 0
            let rc = mdb_dbi_open(txn.handle, name, flags, &dbi)
            guard rc == 0 else {
                mdb_txn_abort(txn.handle)
                if rc == MDB_NOTFOUND {
                    throw DataFolderError("\(path) has no '\(name)' database: it is not a Tribelog data folder, or was written by an older version")
                }
                throw LMDBError(code: rc, operation: "mdb_dbi_open(\(name))", path: path)
            }
            try check(mdb_txn_commit(txn.handle), "mdb_txn_commit", path: path)
        }
        return dbi
    }

    /// The names of the named databases (the keys of LMDB's main database).
    func databaseNames() throws -> [String] {
        try read { txn in
            var main = MDB_dbi()
            try check(mdb_dbi_open(txn.handle, nil, 0, &main), "mdb_dbi_open(main)", path: path)
            var names: [String] = []
            try txn.withCursor(main) { cursor in
                var entry = try cursor.first()
                while let (key, _) = entry {
                    names.append(String(decoding: key, as: UTF8.self))
                    entry = try cursor.next()
                }
            }
            return names
        }
    }

    /// Runs `body` in a read-only transaction. Keep it short: readers pin old pages.
    func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        while true {
            do {
                return try resizeLock.withShared {
                    let txn = try beginRead()
                    defer { endRead(txn) }
                    return try body(txn)
                }
            } catch let error as LMDBError where error.isMapResized {
                try adoptMapSizeOfOtherProcess()
            }
        }
    }

    /// Read transactions are reset and renewed rather than created and freed: a renew
    /// keeps the reader slot, so it skips the lock-table mutex that a begin takes. Every
    /// append and read starts one, so this is on the hot path.
    private func beginRead() throws(LMDBError) -> Transaction {
        if let idle = idleReaders.withLock({ $0.popLast() }) {
            let rc = mdb_txn_renew(idle.handle)
            if rc == 0 { return Transaction(handle: idle.handle, path: path) }
            mdb_txn_abort(idle.handle)
            try check(rc, "mdb_txn_renew", path: path)
        }
        return try begin(readOnly: true)
    }

    /// A new map size starts with fresh read transactions.
    private func dropIdleReaders() {
        for idle in idleReaders.withLock({ idle in defer { idle.removeAll() }; return idle }) { mdb_txn_abort(idle.handle) }
    }

    private func endRead(_ txn: Transaction) {
        mdb_txn_reset(txn.handle)
        let kept = idleReaders.withLock { idle -> Bool in
            guard idle.count < 16 else { return false }
            idle.append(IdleReader(handle: txn.handle))
            return true
        }
        if !kept { mdb_txn_abort(txn.handle) }
    }

    /// Runs `body` in the write transaction and commits it. `body` may run more than once
    /// (after the map grew), so it must derive everything it writes from its inputs.
    func write<T>(_ body: (Transaction) throws -> T) throws -> T {
        while true {
            do {
                return try resizeLock.withShared {
                    let txn = try begin(readOnly: false)
                    let result: T
                    do {
                        result = try body(txn)
                    } catch {
                        mdb_txn_abort(txn.handle)
                        throw error
                    }
                    // mdb_txn_commit frees the handle, whether it succeeds or not.
                    let code = mdb_txn_commit(txn.handle)
                    if code != 0 { throw commitError(code) }
                    return result
                }
            } catch let error as LMDBError where error.isMapFull {
                try grow()
            } catch let error as LMDBError where error.isMapResized {
                try adoptMapSizeOfOtherProcess()
            }
        }
    }

    /// LMDB reports a write that stored only part of its pages as EIO ("short write,
    /// filesystem full?"). When the disk has (almost) no room left, that is a full disk:
    /// say so, so that callers and clients are told what to do (free space, retry).
    private func commitError(_ code: Int32) -> LMDBError {
        var disk = statvfs()
        if code == EIO, statvfs(path, &disk) == 0, Int(disk.f_bavail) * Int(disk.f_frsize) < Self.nearlyFull {
            return LMDBError(code: ENOSPC, operation: "mdb_txn_commit (short write)", path: path)
        }
        return LMDBError(code: code, operation: "mdb_txn_commit", path: path)
    }

    private static let nearlyFull = 1 << 20

    /// Flushes buffers to disk; needed after commits made with `noSync` or `deferMetaSync`.
    func sync() throws(LMDBError) {
        try check(mdb_env_sync(env, 1), "mdb_env_sync", path: path)
    }

    var currentMapSize: Int { resizeLock.withShared { mapSize } }

    private func begin(readOnly: Bool) throws(LMDBError) -> Transaction {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "mdb_txn_begin", path: path)
        return Transaction(handle: txn!, path: path)
    }

    private func grow() throws {
        try resizeLock.withExclusive {
            dropIdleReaders()
            let newSize = mapSize * 2
            try check(mdb_env_set_mapsize(env, newSize), "mdb_env_set_mapsize", path: path)
            logger.info("map grown", metadata: ["path": "\(path)", "bytes": "\(newSize)"])
            mapSize = newSize
        }
    }

    private func adoptMapSizeOfOtherProcess() throws {
        try resizeLock.withExclusive {
            dropIdleReaders()
            try check(mdb_env_set_mapsize(env, 0), "mdb_env_set_mapsize", path: path)
            var info = MDB_envinfo()
            mdb_env_info(env, &info)
            mapSize = info.me_mapsize
        }
    }
}
