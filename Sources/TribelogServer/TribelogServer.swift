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
    /// The log, whichever engine holds it (`settings.log`).
    public let store: any EventLogStore
    public let views: ViewStore
    public let host: ProjectionHost
    public let commands: CommandService
    public let tokens: TokenAuthority
    public let metrics: ServerMetrics
    let writerStatistics: @Sendable () -> WriterStatistics
    let registrations: RateLimiter
    let feedPages = FeedCache()
    /// Keeps the data folder's writer lock while the log is elsewhere.
    private let folder: ReadModelFolder?
    var logger: Logger { settings.logger }

    /// Opens the log (creating the data folder when new), the read models and the signing
    /// secret, and builds the read models that are outdated (missing, or of an older version).
    public init(settings: ServerSettings) async throws {
        let opening = BlockingWorker(label: "tribelog.open")
        let log = try await OpenedLog.open(settings, on: opening)
        do {
            let (views, host, secret) = try await opening.run {
                let views = try ViewStore.open(directory: log.viewsDirectory, logger: settings.logger)
                let host = try ProjectionHost(store: log.source, views: views, projections: TribelogProjections.all(), logger: settings.logger)
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
            await log.store.shutdown()
            throw error
        }
        self.settings = settings
        self.store = log.store
        self.folder = log.folder
        self.writerStatistics = log.writerStatistics
        self.commands = CommandService(store: log.store, logger: settings.logger)
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
        guard let position = try ReadRoutes.position(request, .after, head: try await head(covering: request)) else { return }
        guard await host.waitUntil(position, projection: projection, timeout: settings.readWait) else {
            throw APIError.unavailable("the \(projection) read model has not reached position \(position) yet: retry in a moment", retryAfter: 1)
        }
    }

    /// The head to check the request's position parameters against: this process's when
    /// they are all within it, else the one the log holds now (on a shared log another
    /// server may have committed past what this one has heard of; a client may have its
    /// answer already).
    func head(covering request: Request) async throws -> Position {
        let head = store.head
        let parameters = request.uri.queryParameters
        let beyond = PositionParameter.allCases.contains { parameter in
            parameters.get(parameter.rawValue).flatMap { Position($0) }.map { $0 > head } ?? false
        }
        return beyond ? try await store.latestHead() : head
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
    let store: any EventLogStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        // Closing finishes the queued appends (and, for LMDB, waits for the indexer's
        // thread, off the pool).
        await store.shutdown()
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
