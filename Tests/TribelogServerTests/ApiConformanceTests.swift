import EventLog
import Foundation
import HTTPTypes
import Testing
@testable import TribelogServer

/// The edges of the read routes' query parameters, walked from openapi.json: a value the
/// client got wrong is a 400 at once that names the parameter and what to pass, never a
/// wait, and every answer is one the document lists for the route.
@Suite("Query parameters at their edges", .timeLimit(.minutes(1)))
struct ApiConformanceTests {
    @Test("?after= past the log's head is 400 position_not_in_log in under 50 ms on every read route that takes it")
    func afterPastTheHead() async throws {
        try await ConformanceWorld.run { world in
            let routes = world.shape.paths.filter { _, operations in
                ((operations["get"] as? [String: Any])?["parameters"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "after" }
            }.keys.sorted()
            #expect(routes.count >= 15, "the document lists \(routes) as taking ?after=")
            let head = world.api.head
            for route in routes {
                for position in [head + 1, head + 1_000_000] {
                    let started = ContinuousClock.now
                    let answer = try await world.get("\(world.concrete(route))?after=\(position)")
                    let took = ContinuousClock.now - started
                    #expect(answer.status == .badRequest && answer.errorCode == "position_not_in_log", "\(route): \(answer.status) \(answer.text)")
                    #expect(answer.errorMessage.contains("head (\(head))") && answer.errorMessage.contains("pass"), "\(route): \(answer.errorMessage)")
                    #expect(took < .milliseconds(50), "\(route)?after=\(position) took \(took)")
                    #expect(world.shape.problems("GET \(route)", answer) == [], "\(route)")
                }
            }
            #expect(world.api.head == head)
        }
    }

    @Test("limit, cursor, before, at and unread: a wrong value is 400 naming it; the edges that are right answer 200")
    func parameterEdges() async throws {
        try await ConformanceWorld.run { world in
            let head = world.api.head
            let wrong: [(route: String, query: String, code: String)] = [
                ("/tribes", "limit=0", "bad_request"), ("/tribes", "limit=501", "bad_request"), ("/tribes", "limit=-1", "bad_request"),
                ("/tribes", "limit=ten", "bad_request"), ("/tribes/{id}/members", "limit=1.5", "bad_request"),
                ("/tribes", "cursor=", "bad_request"), ("/tribes", "cursor=a%20b", "bad_request"),
                ("/tribes/{id}/members", "cursor=a:b", "bad_request"),
                ("/tribes/{id}/partups", "cursor=\(String(repeating: "p", count: 65))", "bad_request"),
                ("/tribes/{id}/feed", "before=-1", "bad_request"), ("/tribes/{id}/feed", "before=soon", "bad_request"),
                ("/tribes/{id}/feed", "before=\(head + 1)", "position_not_in_log"),
                ("/members/me/feed", "before=\(head + 1)", "position_not_in_log"),
                ("/members/me/notifications", "before=\(head + 1)", "position_not_in_log"),
                ("/members/me/notifications", "unread=yes", "bad_request"),
                ("/tribes/{id}/history", "cursor=\(head + 1)", "position_not_in_log"), ("/tribes/{id}/history", "cursor=-1", "bad_request"),
                ("/tribes/{id}/history", "at=&cursor=0", "bad_request"), ("/tribes/{id}/history", "at=yesterday", "bad_request"),
                ("/tribes/{id}/history", "at=\(head + 1)", "position_not_in_log"),
                ("/members/me/matches", "limit=0", "bad_request"), ("/partups/{id}/candidates", "limit=100000", "bad_request"),
                ("/collaboration", "format=pdf", "bad_request"),
            ]
            for (route, query, code) in wrong {
                let answer = try await world.get("\(world.concrete(route))?\(query)")
                let name = String(query.prefix { $0 != "=" })
                #expect(answer.status == .badRequest && answer.errorCode == code, "\(route)?\(query): \(answer.status) \(answer.text)")
                #expect(answer.errorMessage.contains("\(name)=") && answer.errorMessage.contains(":"), "\(route)?\(query): \(answer.errorMessage)")
                #expect(world.shape.problems("GET \(route)", answer) == [], "\(route)?\(query)")
            }
            let right: [(route: String, query: String)] = [
                ("/tribes", "limit=1"), ("/tribes", "limit=500"), ("/tribes", "cursor=zzz"), ("/tribes/{id}/members", "cursor=zzz"),
                ("/tribes/{id}/feed", "before=\(head)"), ("/tribes/{id}/feed", "before=0"), ("/members/me/notifications", "unread=false"),
                ("/tribes/{id}/history", "cursor=\(head)"), ("/tribes/{id}/history", "at=\(head)&cursor=0"),
                ("/tribes/{id}/history", "at=2020-01-01"), ("/tribes/{id}", "after=\(head)"),
            ]
            for (route, query) in right {
                let answer = try await world.get("\(world.concrete(route))?\(query)")
                #expect(answer.status == .ok, "\(route)?\(query): \(answer.status) \(answer.text)")
                #expect(world.shape.problems("GET \(route)", answer) == [], "\(route)?\(query)")
            }
            // A cursor past the list's end is an empty last page, not an error.
            #expect(try await world.get("/tribes?cursor=zzz").items.isEmpty)
        }
    }
}

/// A small world the conformance tests share: ann founded the open tribe `makers` and its
/// part-up `shed`; bob joined the tribe. Requests go as ann with a token issued once, so
/// that a request's time is the server's.
struct ConformanceWorld {
    let api: TestAPI
    let shape: OpenAPIShape
    let token: String

    static func run(_ body: @Sendable (ConformanceWorld) async throws -> Void) async throws {
        try await TestServer.run({ $0.registrationsPerMinute = 1_000 }) { api in
            try await api.register("ann", "bob")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            try await api.command(.post, "/tribes/makers/partups", as: "ann", #"{"id":"shed","title":"Shed"}"#)
            let last = try await api.command(.post, "/tribes/makers/applications", as: "bob")
            // Read models at the head, so no answer below waits for them.
            _ = try await api.get("/partups/shed/candidates?after=\(last.position)", as: "ann")
            _ = try await api.get("/tribes/makers/history?after=\(last.position)", as: "ann")
            try await body(ConformanceWorld(api: api, shape: try OpenAPIShape(), token: try await api.token("ann")))
        }
    }

    /// A documented path with its parameters filled from the world.
    func concrete(_ template: String) -> String {
        let id = template.hasPrefix("/tribes/") ? "makers" : template.hasPrefix("/partups/") ? "shed" : "ann"
        return template.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{member}", with: "bob")
    }

    func get(_ uri: String) async throws -> Answer {
        try await request(.get, uri)
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> Answer {
        try await api.request(method, uri, json: json, headers: [.authorization: "Bearer \(token)"])
    }
}
