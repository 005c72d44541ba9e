import CLMDB
import Foundation
import Logging
import Synchronization

/// A folder of read models (the `views` LMDB environment): named key-value databases that
/// projections write and servers read. Everything in it can be rebuilt from the log, yet
/// commits reach the disk so that a restart resumes from its checkpoints instead of replaying
/// the whole log. Only EventLog touches C, so this is the read models' way into LMDB.
///
/// A commit flushes its data pages but defers the meta page to the next commit
/// (MDB_NOMETASYNC): one fsync per follower step instead of two. The environment stays
/// intact on a power loss; the last commit may be undone, and since each projection's
/// checkpoint is written in the same transaction as its changes, the follower then
/// applies those events again from the log. Process crashes lose nothing (the pages are
/// in the page cache).
public final class ViewStore: Sendable {
    let environment: LMDBEnvironment
    /// Handles by name. A handle lives as long as the environment unless its database is
    /// dropped, so each is opened once.
    private let handles = Mutex<[String: MDB_dbi]>([:])

    /// The most databases one views folder can hold (a generation per projection, plus
    /// the catalog, plus room for rebuilds in flight).
    public static let maxDatabases: UInt32 = 256

    private init(environment: LMDBEnvironment) {
        self.environment = environment
    }

    /// Opens (creating if needed) the views environment in `directory`. The map starts at
    /// `initialMapSize` (or the file's size, if larger) and doubles whenever a write fills it.
    public static func open(directory: URL, readOnly: Bool = false, logger: Logger,
                            initialMapSize: Int = 64 << 20) throws -> ViewStore {
        if !readOnly {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw DataFolderError("cannot create the read-model folder \(directory.path): \(error.localizedDescription); check that the data folder is writable")
            }
        }
        var options = LMDBEnvironment.Options()
        options.readOnly = readOnly
        options.maxDatabases = maxDatabases
        options.initialMapSize = initialMapSize
        options.deferMetaSync = true
        return ViewStore(environment: try LMDBEnvironment(path: directory.path, options: options, logger: logger))
    }

    /// The database called `name`, created when `create` is set; nil when it does not exist.
    /// Call it outside transactions: opening commits a transaction of its own.
    public func database(_ name: String, create: Bool) throws -> ViewDatabase? {
        if let dbi = handles.withLock({ $0[name] }) { return ViewDatabase(name: name, handle: dbi) }
        if !create, !(try environment.databaseNames().contains(name)) { return nil }
        let dbi = try environment.openDatabase(name, create: create)
        handles.withLock { $0[name] = dbi }
        return ViewDatabase(name: name, handle: dbi)
    }

    /// Whether the folder was opened read-only.
    public var isReadOnly: Bool { environment.options.readOnly }

    /// Names of the databases in the folder.
    public func databaseNames() throws -> [String] {
        try environment.databaseNames()
    }

    /// Runs `body` in a read transaction: it sees one consistent snapshot.
    public func read<T>(_ body: (ViewReadTransaction) throws -> T) throws -> T {
        try environment.read { try body(ViewReadTransaction(transaction: $0)) }
    }

    /// Runs `body` in the write transaction and commits it (safe from a power loss once
    /// the next commit has flushed its meta page). `body` may run again after the map
    /// grew, so it must derive everything it writes from its inputs.
    /// Databases it drops are forgotten once the transaction ends, either way.
    public func write<T>(_ body: (ViewWriteTransaction) throws -> T) throws -> T {
        let dropped = DroppedDatabases()
        defer {
            if !dropped.names.isEmpty { handles.withLock { for name in dropped.names { $0[name] = nil } } }
        }
        return try environment.write { txn in
            try body(ViewWriteTransaction(transaction: txn, dropped: dropped))
        }
    }
}

/// Names of the databases a write transaction dropped: their handles are closed.
final class DroppedDatabases {
    var names: [String] = []
}

/// A named database of a `ViewStore`, valid until it is dropped.
public struct ViewDatabase: Sendable, Hashable {
    public let name: String
    let handle: MDB_dbi
}
