import EventLog
import TribelogSupport
import Logging

extension ProjectionHost {
    /// Rebuilds what is outdated, then follows the log until the task is cancelled or the
    /// store closes. Run it as the host's service.
    ///
    /// A batch that cannot be stored (a full disk) is retried, pausing longer each time up
    /// to `maxRetryPause`: nothing of it was written, so the next try starts at the same
    /// event and none is skipped. Throwing instead would stop the whole server.
    public func run() async throws {
        try await buildOutdatedModels()
        var pause = Self.firstRetryPause
        var failingSince: ContinuousClock.Instant?
        while !Task.isCancelled {
            let applied: Int
            do {
                applied = try await worker.run { try self.step() }
            } catch {
                logger.error("read models could not be written; retrying", metadata: [
                    "error": "\(error)", "retry_in": "\(pause)"])
                failingSince = failingSince ?? .now
                storeFailure.withLock { $0 = "the read models could not be stored since \(Timestamp.now().iso8601) (\(error)); retrying every \(pause)" }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, Self.maxRetryPause)
                continue
            }
            if let since = failingSince {
                logger.notice("read models are written again", metadata: ["failed_for": "\(ContinuousClock.now - since)"])
                failingSince = nil
                storeFailure.withLock { $0 = nil }
                pause = Self.firstRetryPause
            }
            if applied > 0 { continue }
            let from = lowestFollowingCheckpoint() ?? store.head
            guard await store.waitForCommit(after: from) else { return }
        }
    }

    /// Builds the outdated projections on the follower's thread; a server calls it before
    /// it listens, so that its first requests find every model built.
    public func buildOutdatedModels() async throws {
        if !outdated.isEmpty { try await worker.run { try self.buildOutdated() } }
    }

    /// Builds the outdated projections together; one that cannot apply an event is left
    /// failed (its status says where and why), as a projection that fails while following
    /// is, and the others are built together again without it: one bad model must not keep
    /// the server, and every other model, from starting.
    func buildOutdated() throws {
        var names = outdated
        while !names.isEmpty {
            do {
                try rebuild(names)
                return
            } catch let failure as ApplyFailure {
                logger.error("projection failed while being built", metadata: [
                    "projection": "\(failure.projection)", "position": "\(failure.position)", "error": "\(failure.error)"])
                state.withLock { $0[failure.index].failure = failure.message }
                names.removeAll { $0 == failure.projection }
            }
        }
    }

    /// Applies everything committed so far (or up to `bound`) and returns how many events
    /// were read. For tools and tests that do not run the host as a service.
    @discardableResult
    public func catchUp(until bound: Position? = nil) throws -> Int {
        var total = 0
        while true {
            let applied = try step(until: bound)
            if applied == 0 { return total }
            total += applied
        }
    }

    static let firstRetryPause = Duration.milliseconds(100)
    static let maxRetryPause = Duration.seconds(2)

    func lowestFollowingCheckpoint() -> Position? {
        state.withLock { $0.filter(\.isFollowing).map(\.checkpoint).min() }
    }

    /// One batch: reads up to `batchSize` events after the lowest checkpoint and applies
    /// them to every following projection in one views transaction. Returns how many
    /// events it read (0 when every projection is at the head).
    func step(until bound: Position? = nil) throws -> Int {
        try serial.withLock { _ in
            let following = state.withLock { slots in slots.indices.filter { slots[$0].isFollowing }.map { ($0, slots[$0]) } }
            guard let from = following.map(\.1.checkpoint).min() else { return 0 }
            let target = min(bound ?? .max, store.head)
            guard from < target else { return 0 }
            let events = try store.readBlocking(from: from + 1, limit: min(batchSize, Int(target - from))).map(ProjectedEvent.init)
            guard let last = events.last?.position else { return 0 }
            do {
                try views.write { transaction in
                    for (index, slot) in following {
                        guard let database = slot.databases[slot.generation] else { continue }
                        let model = ModelWriter(transaction: transaction, database: database)
                        try apply(events, after: slot.checkpoint, projection: index, to: model)
                        try model.flush()
                        try catalog.set(CatalogEntry(version: slot.version, generation: slot.generation, checkpoint: last),
                                        for: slot.name, in: transaction)
                    }
                }
            } catch let failure as ApplyFailure {
                // Nothing of the batch was stored; the next step goes on without this projection.
                logger.error("projection failed", metadata: ["projection": "\(failure.projection)", "position": "\(failure.position)", "error": "\(failure.error)"])
                state.withLock { $0[failure.index].failure = failure.message }
                return events.count
            }
            state.withLock { slots in for (index, _) in following { slots[index].checkpoint = last } }
            waiters.advance { reached($0, $1) }
            return events.count
        }
    }

    /// Applies the events after `checkpoint` that the projection reads, writing early when
    /// the batch grows large.
    func apply(_ events: [ProjectedEvent], after checkpoint: Position, projection index: Int, to model: ModelWriter) throws {
        let projection = projections[index]
        for event in events where event.position > checkpoint && (event.readers.map { $0 & 1 << index != 0 } ?? projection.handles(event.type)) {
            do {
                try projection.apply(event, to: model)
            } catch {
                throw ApplyFailure(index: index, projection: projection.name, position: event.position, error: error)
            }
            try model.flushIfLarge()
        }
    }
}

/// A projection threw while applying an event.
struct ApplyFailure: Error, CustomStringConvertible {
    let index: Int
    let projection: String
    let position: Position
    let error: any Error

    /// What its status says.
    var message: String {
        "projection '\(projection)' could not apply the event at position \(position): \(error); the others go on: fix the projection and restart, or rebuild it"
    }

    var description: String { message }
}
