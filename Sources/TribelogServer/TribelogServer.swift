import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ProjectionKit
import ServiceLifecycle
import TribelogSupport
import TribeDomain
import TribeProjections

/// Everything the routes share: the log, the read models and their host, the command
/// service, tokens, metrics and limits. One per data folder (the folder's writer lock).
public final class TribelogServer: Sendable {
    public let settings: ServerSettings
    public let store: EventStore
    public let views: ViewStore
    public let host: ProjectionHost
    public let commands: CommandService
    public let tokens: TokenAuthority
    public let metrics: ServerMetrics
    let registrations: RateLimiter
    let feedPages = FeedCache()
    var logger: Logger { settings.logger }

    /// Opens (creating if new) the data folder, its read models and the signing secret,
    /// and builds the read models that are outdated (missing, or of an older version).
    public init(settings: ServerSettings) async throws {
        var options = EventStoreOptions()
        options.durability = settings.durability
        options.logger = settings.logger
        // Opening replays the log after the index checkpoint and reads the read models'
        // catalog: file I/O that may take seconds, so it runs off the cooperative pool.
        let opening = BlockingWorker(label: "tribelog.open")
        let store = try await opening.run { [options] in try EventStore.open(directory: settings.data, options: options) }
        do {
            let (views, host, secret) = try await opening.run {
                let views = try ViewStore.open(directory: store.viewsDirectory, logger: settings.logger)
                let host = try ProjectionHost(store: store, views: views, projections: TribelogProjections.all(), logger: settings.logger)
                return (views, host, try JWTSecret.load(data: settings.data, explicit: settings.jwtSecret))
            }
            // Outdated read models are built before the server listens (a fresh or
            // upgraded folder), so that no request finds a model half-built.
            if !host.outdated.isEmpty {
                settings.logger.info("building read models", metadata: ["projections": "\(host.outdated)"])
                try await host.buildOutdatedModels()
            }
            self.host = host
            self.views = views
            self.tokens = await TokenAuthority(secret: secret)
        } catch {
            await opening.run { store.close() }
            throw error
        }
        self.settings = settings
        self.store = store
        self.commands = CommandService(store: store, logger: settings.logger)
        self.metrics = ServerMetrics()
        self.registrations = RateLimiter(limit: settings.registrationsPerMinute)
    }

    /// The router with every route of the API.
    public func router() -> Router<TribelogContext> {
        let router = Router(context: TribelogContext.self)
        router.add(middleware: ObservabilityMiddleware(metrics: metrics, auth: AuthMiddleware(tokens: tokens)))
        CommandRoutes(server: self).addRoutes(to: router)
        ReadRoutes(server: self).addRoutes(to: router)
        EventStreamRoutes(server: self).addRoutes(to: router)
        SystemRoutes(server: self).addRoutes(to: router)
        return router
    }

    /// The Hummingbird application: the HTTP server, the read-model follower, and closing
    /// the log after both stopped. On SIGTERM the server stops accepting and finishes the
    /// requests in flight (event streams end), then the follower stops, then the log closes
    /// (queued appends finish first).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "tribelog"),
            // Shut down in reverse order: the HTTP server (last, added by Hummingbird), the follower, then the log.
            services: [LogCloser(store: store, logger: logger), ProjectionFollower(host: host, logger: logger)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    // MARK: Helpers for the routes

    /// Waits until the read model has applied `?after=POSITION`, when the request has one;
    /// 503 with Retry-After when it has not within `readWait`. A position past the log's
    /// head was never returned by a command, so waiting cannot help: 400 at once.
    func waitForAfter(_ request: Request, projection: String) async throws {
        guard let position = try ReadRoutes.position(request, .after, head: store.head) else { return }
        guard await host.waitUntil(position, projection: projection, timeout: settings.readWait) else {
            throw APIError.unavailable("the \(projection) read model has not reached position \(position) yet: retry in a moment", retryAfter: 1)
        }
    }

    /// Reads one model in a snapshot.
    func read<T>(_ projection: String, _ body: (ModelReader) throws -> T) throws -> T {
        try host.read(projection, body)
    }

    /// The directory's view of a tribe for `viewer`: 404 when missing or hidden.
    func visibleTribe(_ tribe: TribeID, viewer: MemberID?, in model: ModelReader) throws -> (TribeRecord, TribeVisibility) {
        guard let record = try DirectoryModel.tribe(model, tribe) else { throw APIError.notFound("there is no tribe \(tribe)") }
        let visibility = try DirectoryModel.visibility(of: record, to: viewer, in: model)
        if visibility == .hidden { throw APIError.notFound("there is no tribe \(tribe)") }
        return (record, visibility)
    }

    /// Like `visibleTribe`, and 403 unless the viewer may see the tribe's insides.
    func fullyVisibleTribe(_ tribe: TribeID, viewer: MemberID?, in model: ModelReader, what: String) throws -> TribeRecord {
        let (record, visibility) = try visibleTribe(tribe, viewer: viewer, in: model)
        guard visibility == .full else {
            throw APIError.forbidden("tribe \(tribe) is invite-only: its \(what) are for its members; ask an admin for an invitation")
        }
        return record
    }

    /// A part-up `viewer` may see: 404 when missing or its tribe hidden, 403 when its own privacy keeps the viewer out.
    func visiblePartup(_ partup: PartupID, viewer: MemberID?, in model: ModelReader) throws -> PartupRecord {
        guard let record = try DirectoryModel.partup(model, partup) else { throw APIError.notFound("there is no part-up \(partup)") }
        let tribe = try TribeID(record.tribe)
        _ = try visibleTribe(tribe, viewer: viewer, in: model)
        guard try DirectoryModel.canSee(record, viewer: viewer, in: model) else {
            throw APIError.forbidden("part-up \(partup) is for \(record.partupPrivacy) of tribe \(tribe): \(viewer == nil ? "sign in as one of them" : "only they can see it")")
        }
        return record
    }
}

/// Follows the log with the read models until the application shuts down.
struct ProjectionFollower: Service {
    let host: ProjectionHost
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown { [host] in try await host.run() }
    }
}

/// Closes the log once everything that writes or reads it has stopped.
struct LogCloser: Service {
    let store: EventStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        // Closing waits for the queued appends' commits and for the indexer's thread.
        await BlockingWorker(label: "tribelog.close").run { store.close() }
        logger.info("log closed", metadata: ["head": "\(store.head)"])
    }
}

/// Builds the application `tribelog serve` runs.
public func buildApplication(_ settings: ServerSettings,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    let server = try await TribelogServer(settings: settings)
    return server.application(onServerRunning: onServerRunning)
}

/// Path parameters: an id that cannot be valid names nothing (404).
extension TribelogContext {
    func tribeParameter(_ name: String = "id") throws -> TribeID {
        let raw = try parameters.require(name)
        guard let id = try? TribeID(raw) else { throw APIError.notFound("there is no tribe \(raw)") }
        return id
    }

    func partupParameter(_ name: String = "id") throws -> PartupID {
        let raw = try parameters.require(name)
        guard let id = try? PartupID(raw) else { throw APIError.notFound("there is no part-up \(raw)") }
        return id
    }

    /// A member id in the path; `me` is the acting member.
    func memberParameter(_ name: String) throws -> MemberID {
        // Routes spelled with a literal `me` have no parameter.
        guard let raw = parameters.get(name) else { return try requireActor() }
        if raw == "me" { return try requireActor() }
        guard let id = try? MemberID(raw) else { throw APIError.notFound("there is no member \(raw)") }
        return id
    }
}
