import Dispatch
import EventLog
import Logging

extension ProjectionHost {
    /// Builds the named projections (all with nil) from position 1 up to `until` (default:
    /// the head) into fresh databases, then swaps them in: one transaction points the
    /// catalog at the new models and empties the old ones, so readers see either the old
    /// or the new model, whole. Until then the old models stay as they were. `progress` is
    /// called after each chunk with (position, target).
    ///
    /// Reads the log once for all of them, a chunk at a time: the projections apply a
    /// chunk each on a thread of its own and each writes its changes in a transaction of
    /// its own as soon as it is done, while the others still apply and the next chunk is
    /// read and decoded. Follow steps wait meanwhile.
    public func rebuild(_ names: [String]? = nil, until: Position? = nil,
                        progress: ((Position, Position) -> Void)? = nil) throws {
        let chosen = try indices(of: names)
        guard !chosen.isEmpty else { return }
        try serial.withLock { _ in
            let target = min(until ?? .max, store.head)
            let fresh = try prepareFreshDatabases(chosen)
            defer { state.withLock { slots in for index in chosen { slots[index].rebuilding = false } } }
            let writers = fresh.map { index, fresh in
                RebuildWriter(index: index, model: ModelWriter(database: fresh.database, capacity: Self.rebuildChunk))
            }
            var next: Position = 1
            var events = try readChunk(from: next, target: target, for: chosen, inHalves: true)
            repeat {
                let isLast = events.last.map { $0.position >= target } ?? true
                next = (events.last?.position ?? target) + 1
                // The next chunk is read and decoded on a thread of its own meanwhile: it
                // takes the cores the projections leave idle as they finish one by one.
                let upcoming = Upcoming()
                let reading = DispatchGroup()
                if next <= target {
                    Self.readingQueue.async(group: reading) { [self, next] in
                        upcoming.events = Result { try readChunk(from: next, target: target, for: chosen) }
                    }
                }
                let applying = ContinuousClock.now
                let applied = Result { try applyConcurrently(events, writers) }
                let applyEnd = ContinuousClock.now
                if case .success = applied, isLast {
                    try views.write { try swap(fresh, checkpoint: target, in: $0) }
                }
                reading.wait()
                try applied.get()
                logger.debug("rebuild chunk", metadata: [
                    "events": "\(events.count)", "apply_and_write": "\(applyEnd - applying)",
                    "read_wait": "\(ContinuousClock.now - applyEnd)",
                    "by_projection": "\(writers.map { "\(projections[$0.index].name) \($0.duration) (write \($0.writeDuration))" }.joined(separator: ", "))"])
                progress?(min(next - 1, target), target)
                events = try upcoming.events?.get() ?? []
            } while next <= target
            finishSwap(fresh, checkpoint: target)
        }
        logger.info("read models rebuilt", metadata: ["projections": "\(chosen.map { projections[$0].name })", "position": "\(until.map { min($0, store.head) } ?? store.head)"])
        waiters.advance { reached($0, $1) }
    }

    /// Where a rebuild reads its next chunk: a queue of its own, so that it gets a thread
    /// of its own rather than one of the workers that apply the projections.
    private static let readingQueue = DispatchQueue(label: "tribelog.rebuild.reading")

    /// The next chunk of a rebuild, read while the current one is written.
    private final class Upcoming: @unchecked Sendable {
        var events: Result<[ProjectedEvent], any Error>?
    }

    /// Up to a chunk of events from `from` on (none past `target`), each prepared by the
    /// first of the projections that reads it (a domain projection decodes it there, once
    /// for all of them: see `Projection.prepare`).
    private func readChunk(from: Position, target: Position, for chosen: [Int], inHalves: Bool = false) throws -> [ProjectedEvent] {
        guard from <= target else { return [] }
        let count = min(Self.rebuildChunk, Int(target - from + 1))
        // The first chunk is read in two halves at once: nothing else runs meanwhile.
        let parts = inHalves && count >= 1_024 ? [(from, count / 2), (from + Position(count / 2), count - count / 2)] : [(from, count)]
        let read = parts.map { _ in Upcoming() }
        DispatchQueue.concurrentPerform(iterations: parts.count) { part in
            read[part].events = Result {
                // Which projections read each type is worked out once per type, not per
                // event and projection.
                var readersOfType: [String: UInt64] = [:]
                return try store.readBlocking(from: parts[part].0, limit: parts[part].1).map { recorded in
                    guard projections.count <= 64 else {
                        let event = ProjectedEvent(recorded)
                        if let reader = chosen.first(where: { projections[$0].handles(recorded.type) }) { projections[reader].prepare(event) }
                        return event
                    }
                    let readers = readersOfType[recorded.type] ?? {
                        let found = chosen.reduce(UInt64(0)) { projections[$1].handles(recorded.type) ? $0 | 1 << $1 : $0 }
                        readersOfType[recorded.type] = found
                        return found
                    }()
                    let event = ProjectedEvent(recorded, readers: readers)
                    if readers != 0 { projections[readers.trailingZeroBitCount].prepare(event) }
                    return event
                }
            }
        }
        return try read.flatMap { try $0.events?.get() ?? [] }
    }

    /// One projection's part of a rebuild: its writer, kept from chunk to chunk (with the
    /// capacity it grew to), and how its last chunk went.
    private final class RebuildWriter: @unchecked Sendable {
        let index: Int
        let model: ModelWriter
        var failure: (any Error)?
        /// How long the last chunk took, to start the slowest projections first.
        var duration: Duration = .zero
        /// The part of `duration` spent writing.
        var writeDuration: Duration = .zero

        init(index: Int, model: ModelWriter) {
            self.index = index
            self.model = model
        }
    }

    /// Applies a chunk to every projection, each on a thread of its own (as many run at
    /// once as there are cores), and writes each projection's changes in a transaction of
    /// its own the moment it is done: writing was one thread's work after all had applied,
    /// now it fills the time the other projections still take. LMDB's write transaction
    /// belongs to one thread, so each projection reads what earlier chunks committed from a
    /// read-only snapshot of its own and keeps its changes pending (laid out in key order)
    /// until its write. The fresh databases are in no catalog entry until the swap, so no
    /// reader sees a model before all of it is written.
    /// Projections are independent, so the result is the one a sequential apply gives.
    private func applyConcurrently(_ events: [ProjectedEvent], _ writers: [RebuildWriter]) throws {
        // Slowest first: the last one started then ends about when the others do.
        let order = writers.sorted { $0.duration > $1.duration }
        DispatchQueue.concurrentPerform(iterations: order.count) { turn in
            let writer = order[turn]
            let start = ContinuousClock.now
            do {
                try views.read { snapshot in
                    writer.model.attach(snapshot: snapshot)
                    defer { writer.model.detach() }
                    try apply(events, after: 0, projection: writer.index, to: writer.model)
                }
                writer.model.prepareWrite()
                let writing = ContinuousClock.now
                try views.write { try writer.model.write(into: $0) }
                writer.model.clear()
                writer.writeDuration = ContinuousClock.now - writing
            } catch {
                writer.failure = error
            }
            writer.duration = ContinuousClock.now - start
        }
        if let failure = writers.lazy.compactMap(\.failure).first { throw failure }
    }

    /// Events per rebuild transaction: large enough that fsyncs do not matter and that a
    /// key changed all through the log is written rarely (the first chunk is a bulk load),
    /// small enough that a chunk of decoded events and its pending changes stay well under
    /// a hundred MB.
    static var rebuildChunk: Int { 65_536 }

    private func indices(of names: [String]?) throws -> [Int] {
        guard let names else { return Array(projections.indices) }
        return try names.map { name in
            guard let index = projections.firstIndex(where: { $0.name == name }) else {
                throw ProjectionError("there is no projection named '\(name)': choose one of \(projections.map(\.name).joined(separator: ", "))")
            }
            return index
        }
    }

    private struct Fresh {
        var generation: UInt32
        var database: ViewDatabase
    }

    /// A new, empty database per projection, one generation past the current one.
    private func prepareFreshDatabases(_ chosen: [Int]) throws -> [(Int, Fresh)] {
        let fresh = try chosen.map { index -> (Int, Fresh) in
            let (name, generation) = state.withLock { ($0[index].name, $0[index].generation + 1) }
            guard let database = try views.database(CatalogEntry.modelDatabaseName(name, generation: generation), create: true) else {
                throw ProjectionError("could not create the read-model database for '\(name)'")
            }
            return (index, Fresh(generation: generation, database: database))
        }
        // A database of that name may hold a half-built model from an interrupted rebuild.
        try views.write { transaction in
            for (_, fresh) in fresh { try transaction.clear(fresh.database) }
        }
        state.withLock { slots in
            for (index, fresh) in fresh {
                slots[index].rebuilding = true
                slots[index].databases[fresh.generation] = fresh.database
            }
        }
        return fresh
    }

    /// Points the catalog at the fresh models and empties the old ones (emptied rather than
    /// dropped: a reader may still hold the old handle; `init` drops them on the next start).
    private func swap(_ fresh: [(Int, Fresh)], checkpoint: Position, in transaction: ViewWriteTransaction) throws {
        let slots = state.withLock { $0 }
        for (index, new) in fresh {
            let slot = slots[index]
            if let old = slot.databases[slot.generation], slot.generation != new.generation { try transaction.clear(old) }
            try catalog.set(CatalogEntry(version: projections[index].version, generation: new.generation, checkpoint: checkpoint),
                            for: slot.name, in: transaction)
        }
    }

    private func finishSwap(_ fresh: [(Int, Fresh)], checkpoint: Position) {
        state.withLock { slots in
            for (index, new) in fresh {
                slots[index].generation = new.generation
                slots[index].checkpoint = checkpoint
                slots[index].version = projections[index].version
                slots[index].needsRebuild = false
                slots[index].failure = nil
                slots[index].databases = slots[index].databases.filter { $0.key >= new.generation }
            }
        }
    }
}
