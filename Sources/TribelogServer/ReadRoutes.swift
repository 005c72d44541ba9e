import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import ProjectionKit
import TribeDomain
import TribeProjections

/// The read models over HTTP, with the privacy rules of the directory applied.
struct ReadRoutes {
    let server: TribelogServer
    let directory = DirectoryModel.projection

    func addRoutes(to router: Router<TribelogContext>) {
        router.get("/tribes", use: tribes)
        router.get("/tribes/{id}", use: tribe)
        router.get("/tribes/{id}/members", use: members)
        router.get("/tribes/{id}/partups", use: partups)
        router.get("/tribes/{id}/dashboard", use: tribeDashboard)
        router.get("/tribes/{id}/feed", use: tribeFeed)
        router.get("/tribes/{id}/history", use: history)
        router.get("/members/{id}", use: member)
        router.get("/members/me", use: member)
        router.get("/members/{id}/dashboard", use: memberDashboard)
        router.get("/members/me/dashboard", use: memberDashboard)
        router.get("/members/me/matches", use: matches)
        router.get("/members/me/feed", use: memberFeed)
        router.get("/members/me/notifications", use: notifications)
        router.get("/partups/{id}", use: partup)
        router.get("/partups/{id}/candidates", use: candidates)
        router.get("/collaboration", use: collaboration)
    }

    // MARK: Tribes

    @Sendable func tribes(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        let (limit, cursor) = try Self.page(request, of: TribeID.self)
        let viewer = context.actor
        let page = try server.read(directory) { model in
            let found = try DirectoryModel.tribes(model, visibleTo: viewer, after: cursor, limit: limit + 1)
            return try found.prefix(limit).map { record in
                TribeView(record, visibility: try DirectoryModel.visibility(of: record, to: viewer, in: model),
                          standing: try viewer.flatMap { try DirectoryModel.membership(model, try TribeID(record.id), $0) })
            }.page(more: found.count > limit, cursor: \.id)
        }
        return try JSON.response(page)
    }

    @Sendable func tribe(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        let id = try context.tribeParameter()
        let viewer = context.actor
        let view = try server.read(directory) { model in
            let (record, visibility) = try server.visibleTribe(id, viewer: viewer, in: model)
            return TribeView(record, visibility: visibility, standing: try viewer.flatMap { try DirectoryModel.membership(model, id, $0) })
        }
        return try JSON.response(view)
    }

    /// Members and admins; admins also see applicants, invitees and former members.
    @Sendable func members(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        let id = try context.tribeParameter()
        let (limit, cursor) = try Self.page(request, of: MemberID.self)
        let viewer = context.actor
        let page = try server.read(directory) { model in
            _ = try server.fullyVisibleTribe(id, viewer: viewer, in: model, what: "members")
            let isAdmin = try viewer.flatMap { try DirectoryModel.membership(model, id, $0) }?.status == .admin
            let (shown, more) = try FilteredPage.read(from: cursor, limit: limit, cursor: \.member,
                                                      fetch: { try DirectoryModel.memberships(model, id, after: $0, limit: $1) },
                                                      keep: { isAdmin || $0.isMember })
            return shown.map(MembershipView.init).page(more: more, cursor: \.member)
        }
        return try JSON.response(page)
    }

    @Sendable func partups(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        let id = try context.tribeParameter()
        let (limit, cursor) = try Self.page(request, of: PartupID.self)
        let viewer = context.actor
        let page = try server.read(directory) { model in
            _ = try server.fullyVisibleTribe(id, viewer: viewer, in: model, what: "part-ups")
            let (shown, more) = try FilteredPage.read(from: cursor, limit: limit, cursor: \.id,
                                                      fetch: { try DirectoryModel.partups(model, of: id, after: $0, limit: $1) },
                                                      keep: { try DirectoryModel.canSee($0, viewer: viewer, in: model) })
            return shown.map(PartupView.init).page(more: more, cursor: \.id)
        }
        return try JSON.response(page)
    }

    @Sendable func tribeDashboard(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        try await server.waitForAfter(request, projection: "dashboards")
        let id = try context.tribeParameter()
        let viewer = context.actor
        _ = try server.read(directory) { try server.fullyVisibleTribe(id, viewer: viewer, in: $0, what: "dashboard") }
        guard let dashboard = try server.read("dashboards", { try DashboardsModel.tribe($0, tribe: id) }) else {
            throw APIError.notFound("there is no tribe \(id)")
        }
        return try JSON.response(dashboard)
    }

    @Sendable func tribeFeed(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        try await server.waitForAfter(request, projection: FeedsModel.projection)
        let id = try context.tribeParameter()
        let viewer = context.actor
        let (before, limit) = (try Self.position(request, .before, head: try await server.head(covering: request)), try Self.limit(request))
        _ = try server.read(directory) { try server.fullyVisibleTribe(id, viewer: viewer, in: $0, what: "feed") }
        let build = {
            try JSON.bytes(try server.read(FeedsModel.projection) { model in
                // Without a viewer the model keeps every entry; anonymous readers see public part-ups only.
                var page = try FeedsModel.tribeFeed(model, tribe: id, before: before, limit: limit, viewer: viewer)
                if viewer == nil { page.entries.removeAll { $0.partupPrivacy != nil && $0.partupPrivacy != PartupPrivacy.public.rawValue } }
                return page
            })
        }
        // A page is reused only while the feeds model has applied the whole log, so a cached
        // page is never older than the head it is filed under (and than any `?after=`).
        let head = server.store.head
        guard await server.host.waitUntil(head, projection: FeedsModel.projection, timeout: .zero) else {
            return JSON.response(bytes: try build())
        }
        let key = FeedCache.Key(tribe: id.rawValue, viewer: viewer?.rawValue, before: before, limit: limit)
        return JSON.response(bytes: try server.feedPages.page(key, at: head, build: build))
    }

    /// The tribe as it was at `?at=POSITION|TIME` (now without), and its audit timeline
    /// oldest first from `?cursor=POSITION`.
    @Sendable func history(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        try await server.waitForAfter(request, projection: TribeHistoryModel.projection)
        let id = try context.tribeParameter()
        let viewer = context.actor
        _ = try server.read(directory) { try server.fullyVisibleTribe(id, viewer: viewer, in: $0, what: "history") }
        let head = try await server.head(covering: request)
        let moment = try Self.moment(request, head: head)
        let cursor = try Self.position(request, .cursor, head: head) ?? 0
        let limit = try Self.limit(request)
        struct History: Encodable {
            var tribe: String
            var state: TribeSnapshot?
            var timeline: TimelinePage
        }
        let history = try server.read(TribeHistoryModel.projection) { model in
            History(tribe: id.rawValue, state: try TribeHistoryModel.state(model, tribe: id, at: moment),
                    timeline: try TribeHistoryModel.timeline(model, tribe: id, from: .after(cursor), limit: limit))
        }
        return try JSON.response(history)
    }

    // MARK: Members

    @Sendable func member(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        let id = try context.memberParameter("id")
        let viewer = context.actor
        let view = try server.read(directory) { model -> MemberView in
            guard let record = try DirectoryModel.member(model, id) else { throw APIError.notFound("there is no member \(id)") }
            var tribes: [MembershipView] = []
            for standing in try DirectoryModel.tribes(of: id, in: model) {
                guard let tribe = try DirectoryModel.tribe(model, try TribeID(standing.tribe)) else { continue }
                let visibility = try DirectoryModel.visibility(of: tribe, to: viewer, in: model)
                if id == viewer || (standing.isMember && visibility != .hidden) {
                    tribes.append(MembershipView(standing))
                }
            }
            return MemberView(id: record.id, name: record.name, skills: record.skills, regions: record.regions,
                              registeredAt: TimeText.iso(Timestamp(microseconds: record.registeredAt)), tribes: tribes)
        }
        return try JSON.response(view)
    }

    /// A member's dashboard names all their part-ups: for themselves only.
    @Sendable func memberDashboard(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        try await server.waitForAfter(request, projection: "dashboards")
        let id = try context.memberParameter("id")
        guard id == viewer else { throw APIError.forbidden("a member's dashboard is for that member only: read /members/me/dashboard") }
        guard let dashboard = try server.read("dashboards", { try DashboardsModel.member($0, member: id) }) else {
            throw APIError.notFound("there is no member \(id)")
        }
        return try JSON.response(dashboard)
    }

    @Sendable func matches(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        try await server.waitForAfter(request, projection: directory)
        try await server.waitForAfter(request, projection: "matching")
        let limit = try Self.limit(request)
        let found = try server.read("matching") { try MatchingModel.partups($0, member: viewer, limit: limit) }
        let visible = try server.read(directory) { model in
            try found.filter { match in
                guard let id = try? PartupID(match.partup), let record = try DirectoryModel.partup(model, id) else { return false }
                return try DirectoryModel.canSee(record, viewer: viewer, in: model)
            }
        }
        return try JSON.response(["items": visible])
    }

    @Sendable func memberFeed(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        try await server.waitForAfter(request, projection: FeedsModel.projection)
        let (before, limit) = (try Self.position(request, .before, head: try await server.head(covering: request)), try Self.limit(request))
        let page = try server.read(FeedsModel.projection) { try FeedsModel.memberFeed($0, member: viewer, before: before, limit: limit) }
        return try JSON.response(page)
    }

    @Sendable func notifications(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        try await server.waitForAfter(request, projection: FeedsModel.projection)
        let (before, limit) = (try Self.position(request, .before, head: try await server.head(covering: request)), try Self.limit(request))
        let unreadOnly = try Self.flag(request, "unread")
        let page = try server.read(FeedsModel.projection) {
            try FeedsModel.notifications($0, member: viewer, before: before, limit: limit, unreadOnly: unreadOnly)
        }
        return try JSON.response(page)
    }

    // MARK: Part-ups

    @Sendable func partup(_ request: Request, context: TribelogContext) async throws -> Response {
        try await server.waitForAfter(request, projection: directory)
        let id = try context.partupParameter()
        let viewer = context.actor
        let view = try server.read(directory) { PartupView(try server.visiblePartup(id, viewer: viewer, in: $0)) }
        return try JSON.response(view)
    }

    /// Ranked candidates name members and their skills: for members of the part-up's tribe who may see it.
    @Sendable func candidates(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        try await server.waitForAfter(request, projection: directory)
        try await server.waitForAfter(request, projection: "matching")
        let id = try context.partupParameter()
        let limit = try Self.limit(request)
        try server.read(directory) { model in
            let record = try server.visiblePartup(id, viewer: viewer, in: model)
            guard try DirectoryModel.isMember(viewer, of: try TribeID(record.tribe), in: model) else {
                throw APIError.forbidden("candidates of part-up \(id) are for members of tribe \(record.tribe)")
            }
        }
        let found = try server.read("matching") { try MatchingModel.candidates($0, partup: id, limit: limit) } ?? []
        return try JSON.response(["items": found])
    }

    // MARK: Query parameters

    /// `?limit=`: 1–500, 50 when left out.
    static func limit(_ request: Request, default fallback: Int = 50) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return fallback }
        guard let limit = Int(text), (1...maxLimit).contains(limit) else {
            throw APIError.badRequest("limit=\(text.prefix(40)) is not a page size: pass a whole number from 1 to \(maxLimit), or leave it out for \(fallback)")
        }
        return limit
    }

    static let maxLimit = 500

    /// A list's page: `?limit=` and `?cursor=`, the previous page's `next`, which is always
    /// an id of the list's kind (a valid id past the list's end is an empty page).
    static func page<Kind>(_ request: Request, of kind: Identifier<Kind>.Type) throws -> (limit: Int, cursor: String?) {
        let limit = try limit(request)
        guard let cursor = request.uri.queryParameters.get("cursor") else { return (limit, nil) }
        guard (try? Identifier<Kind>(cursor)) != nil else {
            throw APIError.badRequest("cursor=\(cursor.prefix(70)) is not a page cursor (a \(Kind.name) id): pass the previous page's `next`, or leave it out for the first page")
        }
        return (limit, cursor)
    }

    /// A log position in the query: a whole number up to the log's head. A position past
    /// the head names nothing that happened (no answer ever carried it), so it is the
    /// client's mistake at once, not something to wait for.
    static func position(_ request: Request, _ parameter: PositionParameter, head: Position) throws -> Position? {
        guard let text = request.uri.queryParameters.get(parameter.rawValue) else { return nil }
        return try position(text, parameter, head: head)
    }

    static func position(_ text: String, _ parameter: PositionParameter, head: Position) throws -> Position {
        guard let position = Position(text) else {
            throw APIError.badRequest("\(parameter.rawValue)=\(text.prefix(40)) is not a log position (a whole number from 0 to the head, now \(head)): \(parameter.advice)")
        }
        guard position <= head else {
            throw APIError(.badRequest, code: "position_not_in_log",
                           "\(parameter.rawValue)=\(position) is past the log's head (\(head)), so no answer carried it: \(parameter.advice)")
        }
        return position
    }

    /// `?at=POSITION|TIME` of the history, now when left out. Digits are a position (and
    /// so at most the head); anything else must be an ISO 8601 time.
    static func moment(_ request: Request, head: Position) throws -> HistoryMoment {
        guard let at = request.uri.queryParameters.get("at") else { return .now }
        if !at.isEmpty, at.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return .position(try position(at, .at, head: head))
        }
        // A query parameter that cannot be read is 400, like the others (422 is for a body's values).
        guard let time = try? CommandRoutes.time(at, field: "at") else {
            throw APIError.badRequest("at=\(at.prefix(40)) is neither a log position nor an ISO 8601 time: \(PositionParameter.at.advice)")
        }
        return .time(time)
    }

    /// `?name=true|false`, false when left out.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        switch request.uri.queryParameters.get(name) {
        case nil, "false": return false
        case "true": return true
        case let text?: throw APIError.badRequest("\(name)=\(text.prefix(40)) is neither true nor false: pass one of them, or leave it out for false")
        }
    }

    static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The query parameters that are log positions, and what a client should pass instead of a wrong one.
enum PositionParameter: String, CaseIterable {
    case after, before, cursor, at

    var advice: String {
        switch self {
        case .after: "pass the `position` a command answered, or leave `after` out"
        case .before: "pass the previous page's `next`, or leave `before` out for the newest entries"
        case .cursor: "pass the previous page's `next`, or leave `cursor` out to start at the first entry"
        case .at: "pass a position up to the head or an ISO 8601 time, or leave `at` out for now"
        }
    }
}

extension Array {
    func page(more: Bool, cursor: KeyPath<Element, String>) -> Page<Element> where Element: Encodable {
        Page(items: self, next: more ? last?[keyPath: cursor] : nil)
    }
}

/// One page of a list the reader sees only part of: filtering may drop records, so batches
/// are read on until the page is full or the list ends.
enum FilteredPage {
    static func read<Record>(
        from cursor: String?, limit: Int, cursor key: KeyPath<Record, String>,
        fetch: (_ after: String?, _ limit: Int) throws -> [Record], keep: (Record) throws -> Bool
    ) throws -> (records: [Record], more: Bool) {
        var shown: [Record] = []
        var after = cursor
        while true {
            let batch = try fetch(after, limit + 1)
            for record in batch where try keep(record) {
                if shown.count == limit { return (shown, true) }
                shown.append(record)
            }
            guard batch.count > limit, let last = batch.last else { return (shown, false) }
            after = last[keyPath: key]
        }
    }
}
