import EventLog
import TribelogSupport
import Foundation
import Logging
import Synchronization

/// Keeps a set of projections up to date with the log: the one writer of a views folder.
///
/// All projections advance together, one views transaction per batch of events that holds
/// every model's changes and checkpoints, so a batch costs one fsync however many models
/// there are. A projection whose version changed (or that has no model yet) is rebuilt
/// first (`run` does that on start); one that fails on an event stops there and is
/// reported in `status()` while the others go on.
///
/// The LMDB work is synchronous: `catchUp` and `rebuild` run it on the calling thread (for
/// tools), while `run`, the server's follower, hands every batch to `worker`, a thread of
/// its own, so that its durable commits never hold one of Swift's cooperative threads.
/// `serial` makes follow steps and rebuilds take turns, like the log's single writer.
public final class ProjectionHost: Sendable {
    let store: any ProjectionSource
    let views: ViewStore
    let logger: Logger
    let batchSize: Int
    let projections: [any Projection]
    let catalog: ProjectionCatalog
    let state: Mutex<[Slot]>
    let serial = Mutex(())
    /// The follower's thread: durable views commits block, the cooperative pool must not.
    let worker = BlockingWorker(label: "tribelog.views-writer")
    let waiters = PositionWaiters()
    /// Why the follower's last batch could not be stored, while it retries (nil: it was).
    let storeFailure = Mutex<String?>(nil)

    /// What the host knows of one projection, in the order of `projections`.
    struct Slot: Sendable {
        var name: String
        var version: UInt32
        var generation: UInt32
        var checkpoint: Position
        /// Databases by generation (the current one, and one being rebuilt).
        var databases: [UInt32: ViewDatabase]
        var needsRebuild: Bool
        var rebuilding = false
        var failure: String?

        var isFollowing: Bool { !needsRebuild && !rebuilding && failure == nil }
    }

    /// Loads the catalog and checks each projection's model. Writable hosts also drop
    /// databases left behind by an interrupted rebuild.
    public init(store: any ProjectionSource, views: ViewStore, projections: [any Projection], logger: Logger,
                batchSize: Int = 4_096) throws {
        var seen = Set<String>()
        for projection in projections {
            try ProjectionName.check(projection.name)
            guard seen.insert(projection.name).inserted else {
                throw ProjectionError("two projections are named '\(projection.name)': give each its own name")
            }
        }
        // The log may be open read-only (replays read it while a server writes); the read
        // models are written as long as their own folder is writable.
        let writable = !views.isReadOnly
        let catalog = try ProjectionCatalog(views: views, create: writable)
        let head = store.head
        var slots: [Slot] = []
        for projection in projections {
            let entry = try views.read { try catalog.entry(projection.name, in: $0) }
            var slot = Slot(name: projection.name, version: projection.version, generation: entry?.generation ?? 0,
                            checkpoint: entry?.checkpoint ?? 0, databases: [:], needsRebuild: true)
            if let entry, entry.version == projection.version, entry.checkpoint <= head,
               let database = try views.database(CatalogEntry.modelDatabaseName(projection.name, generation: entry.generation), create: false) {
                slot.databases[entry.generation] = database
                slot.needsRebuild = false
            } else if let entry, entry.checkpoint > head {
                logger.warning("read model ahead of the log: it will be rebuilt", metadata: [
                    "projection": "\(projection.name)", "checkpoint": "\(entry.checkpoint)", "head": "\(head)"])
            }
            slots.append(slot)
        }
        self.store = store
        self.views = views
        self.logger = logger
        self.batchSize = batchSize
        self.projections = projections
        self.catalog = catalog
        self.state = Mutex(slots)
        if writable { try dropUnusedDatabases() }
    }

    /// Names of the projections that must be rebuilt before they can be read.
    public var outdated: [String] {
        state.withLock { $0.filter(\.needsRebuild).map(\.name) }
    }

    /// Reads one projection's model in a consistent snapshot. The catalog is read in the
    /// same snapshot, so a rebuild swapping models meanwhile is seen either wholly or not.
    public func read<T>(_ projection: String, _ body: (ModelReader) throws -> T) throws -> T {
        guard let databases = state.withLock({ $0.first { $0.name == projection }?.databases }) else {
            throw ProjectionError("there is no projection named '\(projection)'")
        }
        return try views.read { transaction in
            // A rebuild may have added the generation the snapshot shows after `databases` was taken.
            guard let entry = try catalog.entry(projection, in: transaction), entry.version == version(of: projection),
                  let database = databases[entry.generation]
                    ?? state.withLock({ $0.first { $0.name == projection }?.databases[entry.generation] })
            else {
                throw ProjectionUnavailable(projection: projection)
            }
            return try body(ModelReader(transaction: transaction, database: database))
        }
    }

    private func version(of projection: String) -> UInt32? {
        projections.first { $0.name == projection }?.version
    }

    /// Where each projection stands.
    public func status() -> [ProjectionStatus] {
        let head = store.head
        let stalled = storeFailure.withLock { $0 }
        return state.withLock { $0 }.map { slot in
            let lag = head > slot.checkpoint ? head - slot.checkpoint : 0
            var lagMilliseconds: Int64 = 0
            if lag > 0, let recorded = store.recordedTime(at: slot.checkpoint + 1) {
                lagMilliseconds = max(0, (Timestamp.now().microseconds - recorded.microseconds) / 1_000)
            }
            let state: ProjectionStatus.State = slot.failure.map { .failed($0) }
                ?? (slot.rebuilding || slot.needsRebuild ? .rebuilding : stalled.map { .stalled($0) } ?? .following)
            return ProjectionStatus(name: slot.name, version: slot.version, position: slot.checkpoint,
                                    lagEvents: lag, lagMilliseconds: lagMilliseconds, state: state)
        }
    }

    /// Waits until `projection` (or, with nil, every following projection) has applied the
    /// log up to `position`; false on timeout. Reads pass the position their write returned.
    public func waitUntil(_ position: Position, projection: String? = nil, timeout: Duration) async -> Bool {
        if reached(position, projection) { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                await waiters.wait(for: position, projection: projection) { [self] in reached($0, $1) }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    func reached(_ position: Position, _ projection: String?) -> Bool {
        state.withLock { slots in
            if let projection {
                return slots.first { $0.name == projection }.map { $0.checkpoint >= position && $0.isFollowing } ?? false
            }
            return slots.allSatisfy { !$0.isFollowing || $0.checkpoint >= position }
        }
    }

    /// Drops model databases the catalog does not point at: halves of interrupted rebuilds
    /// and the emptied models that rebuilds replaced.
    private func dropUnusedDatabases() throws {
        let current = Set(state.withLock { $0 }.flatMap { slot in
            slot.databases.keys.map { CatalogEntry.modelDatabaseName(slot.name, generation: $0) }
        })
        let names = Set(projections.map(\.name))
        let unused = try views.databaseNames().filter { name in
            guard let at = name.lastIndex(of: "@") else { return false }
            return names.contains(String(name[..<at])) && !current.contains(name)
        }
        guard !unused.isEmpty else { return }
        let databases = try unused.compactMap { try views.database($0, create: false) }
        try views.write { transaction in
            for database in databases { try transaction.drop(database) }
        }
        logger.info("dropped unused read-model databases", metadata: ["databases": "\(unused.sorted())"])
    }
}

/// A projection's model cannot be read right now (it is being built); retry shortly.
public struct ProjectionUnavailable: Error, Sendable, CustomStringConvertible {
    public let projection: String

    public var description: String {
        "the read model '\(projection)' is being rebuilt from the log: retry in a few seconds"
    }
}
