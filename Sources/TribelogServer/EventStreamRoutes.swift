import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import TribeDomain
import TribeProjections

/// `GET /tribes/{id}/events`: the tribe's events as Server-Sent Events, for those who may
/// read the tribe. `id:` is the log position, `event:` the type, `data:` the event as an
/// NDJSON export line. Without `Last-Event-ID` the stream starts at the tribe's first
/// event (`?from=now` starts with the next one); with it, right after that position.
/// Events of part-ups the reader may not see are left out. The stream ends when the
/// reader loses access (removed, left, tribe made private) and when the server shuts down.
struct EventStreamRoutes {
    let server: TribelogServer

    func addRoutes(to router: Router<TribelogContext>) {
        router.get("/tribes/{id}/events", use: events)
    }

    @Sendable func events(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        let tribe = try context.tribeParameter()
        try await server.waitForAfter(request, projection: DirectoryModel.projection)
        func checkAccess() throws {
            _ = try server.read(DirectoryModel.projection) { try server.fullyVisibleTribe(tribe, viewer: viewer, in: $0, what: "events") }
        }
        do {
            try checkAccess()
        } catch let refusal as APIError where refusal.status == .notFound || refusal.status == .forbidden {
            // A client that just created the tribe, or was just admitted, opens its stream
            // without ?after=: the directory may not have applied that yet. Ask it again
            // once it has reached the log's head (bounded), before refusing.
            _ = await server.host.waitUntil(server.store.head, projection: DirectoryModel.projection, timeout: server.settings.readWait)
            try checkAccess()
        }
        var start: Position = 0
        if let text = request.headers[.lastEventID] ?? request.uri.queryParameters.get("lastEventId") {
            guard let position = Position(text.trimmingCharacters(in: .whitespaces)) else {
                throw APIError.badRequest("Last-Event-ID \(text) is not a log position: send the id of the last event received")
            }
            start = position
        } else if request.uri.queryParameters.get("from") == "now" {
            start = server.store.head
        }
        let stream = TribeEventStream(server: server, tribe: tribe, viewer: viewer, after: start, logger: context.logger)
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // A write waits until the client has taken what was sent before it. A client that
            // stopped reading would keep that write, and with it the server's graceful
            // shutdown, waiting forever: on shutdown this request's task is cancelled, which
            // ends such a write (NIOAsyncWriter throws CancellationError) and the stream.
            let task = StreamTask()
            try await withGracefulShutdownHandler {
                try await stream.run(&writer)
            } onGracefulShutdown: {
                task.cancel()
            }
        })
    }
}

/// The task serving an event stream, for the shutdown handler to cancel. Only used while
/// that task runs (`withGracefulShutdownHandler` drops the handler before it returns).
struct StreamTask: @unchecked Sendable {
    private let task: UnsafeCurrentTask?

    init() { task = withUnsafeCurrentTask { $0 } }

    func cancel() { task?.cancel() }
}

/// One reader's stream: catch up from the tribe's tag index, then wait for commits.
struct TribeEventStream: Sendable {
    let server: TribelogServer
    let tribe: TribeID
    let viewer: MemberID
    let after: Position
    let logger: Logger

    /// Events after which the reader's access is checked again.
    static let accessEvents: Set<String> = ["MemberRemoved", "MemberLeft", "TribePrivacyChanged"]

    enum Wake: Sendable { case commit, heartbeat, shutdown }

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var last = after
        let query = Query([QueryItem(tags: [tribe.tag])])
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        while !Task.isCancelled {
            // Everything committed up to `head` is read now; later commits wake the wait below.
            let head = server.store.head
            while last < head {
                let batch = try await server.store.events(matching: query, after: last, limit: 256).filter { $0.position <= head }
                guard !batch.isEmpty else { break }
                var recheck = false
                var text = ""
                for event in batch {
                    last = event.position
                    guard try visible(event) else { continue }
                    var line: [UInt8] = []
                    event.ndjsonLine(into: &line)
                    if line.last == UInt8(ascii: "\n") { line.removeLast() }
                    text += "id: \(event.position)\nevent: \(event.type)\ndata: \(String(decoding: line, as: UTF8.self))\n\n"
                    if Self.accessEvents.contains(event.type) { recheck = true }
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                if recheck, try await !stillAllowed(upTo: last) {
                    try await writer.write(ByteBuffer(string: "event: access-ended\ndata: {}\n\n"))
                    try await writer.finish(nil)
                    return
                }
            }
            last = max(last, head)
            switch await wait(after: head) {
            case .commit: continue
            case .heartbeat:
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                if try await !stillAllowed(upTo: last) {
                    try await writer.write(ByteBuffer(string: "event: access-ended\ndata: {}\n\n"))
                    try await writer.finish(nil)
                    return
                }
            case .shutdown:
                try await writer.finish(nil)
                return
            }
        }
        try await writer.finish(nil)
    }

    /// Whichever comes first: a commit after `head`, the heartbeat, or the server shutting down.
    private func wait(after head: Position) async -> Wake {
        let store = server.store
        let heartbeat = server.settings.heartbeat
        return await withTaskGroup(of: Wake.self) { group in
            group.addTask { await store.waitForCommit(after: head) ? .commit : .shutdown }
            group.addTask {
                do { try await Task.sleep(for: heartbeat) } catch { return .shutdown }
                return .heartbeat
            }
            group.addTask {
                do { try await gracefulShutdown() } catch { return .heartbeat }
                return .shutdown
            }
            let first = await group.next() ?? .shutdown
            group.cancelAll()
            return first
        }
    }

    /// Events of part-ups the reader may not see are left out.
    private func visible(_ event: RecordedEvent) throws -> Bool {
        guard let tag = event.tags.first(where: { $0.hasPrefix("partup:") }),
              let partup = try? PartupID(String(tag.dropFirst("partup:".count))) else { return true }
        return try server.read(DirectoryModel.projection) { model in
            // Not in the directory yet (just launched): the launch is shown to whoever may see the tribe's public part-ups.
            guard let record = try DirectoryModel.partup(model, partup) else { return true }
            return try DirectoryModel.canSee(record, viewer: viewer, in: model)
        }
    }

    /// Whether the reader may still read the tribe once the directory has applied `position`.
    private func stillAllowed(upTo position: Position) async throws -> Bool {
        _ = await server.host.waitUntil(position, projection: DirectoryModel.projection, timeout: server.settings.readWait)
        return try server.read(DirectoryModel.projection) { model in
            guard let record = try DirectoryModel.tribe(model, tribe) else { return false }
            return try DirectoryModel.visibility(of: record, to: viewer, in: model) == .full
        }
    }
}
