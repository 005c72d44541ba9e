import EventLog
import Foundation
import HTTPTypes
import Testing
@testable import TribelogServer

/// Sends requests as a client would, each named by the documented operation it exercises,
/// and checks every answer is a success of the documented status and shape.
final class RouteWalk {
    let api: TestAPI
    let shape: OpenAPIShape
    private(set) var walked: Set<String> = []

    init(_ api: TestAPI) throws {
        self.api = api
        self.shape = try OpenAPIShape()
    }

    /// `operation` is `METHOD /documented/{path}`; `uri` the concrete request.
    @discardableResult
    func call(_ operation: String, _ uri: String, as member: String? = nil, _ json: String? = nil,
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> Answer {
        let method = HTTPRequest.Method(String(operation.prefix { $0 != " " }))!
        let answer = try await api.request(method, uri, as: member, json: json)
        #expect((200..<300).contains(answer.status.code), "\(operation) \(uri): \(answer.status) \(answer.text)",
                sourceLocation: sourceLocation)
        #expect(shape.problems(operation, answer) == [], "\(uri)", sourceLocation: sourceLocation)
        walked.insert(operation)
        return answer
    }

    /// Marks an operation exercised by other means (the event stream, read with a streaming client).
    func walked(_ operation: String) { walked.insert(operation) }
}

@Suite("Every route of openapi.json against a live server", .timeLimit(.minutes(1)))
struct RouteWalkTests {
    @Test("each command and read answers success with the documented shape")
    func everyRoute() async throws {
        try await TestServer.run { api in
            let walk = try RouteWalk(api)
            try await commands(walk)
            try await reads(walk, after: api.head)
            let missing = try OpenAPIShape().operations.subtracting(walk.walked)
            #expect(missing.sorted() == [], "documented routes no request exercised")
        }
    }

    func commands(_ walk: RouteWalk) async throws {
        for member in ["ann", "bob", "cat", "dan", "fay", "eve"] {
            try await walk.call("POST /members", "/members", #"{"id":"\#(member)","name":"\#(member.capitalized)"}"#)
        }
        try await walk.call("PUT /members/me/profile", "/members/me/profile", as: "bob", #"{"skills":["carpentry"],"regions":["north"]}"#)
        for (tribe, privacy) in [("makers", "open"), ("vault", "closed"), ("lab", "open")] {
            try await walk.call("POST /tribes", "/tribes", as: "ann", #"{"id":"\#(tribe)","name":"\#(tribe.capitalized)","privacy":"\#(privacy)"}"#)
        }
        try await walk.call("PUT /tribes/{id}/rules", "/tribes/makers/rules", as: "ann", #"{"rules":"be kind","onlyAdminsLaunch":false}"#)
        try await walk.call("PUT /tribes/{id}/privacy", "/tribes/lab/privacy", as: "ann", #"{"privacy":"invite"}"#)
        let applied = try await walk.call("POST /tribes/{id}/applications", "/tribes/makers/applications", as: "bob", #"{"motivation":"I build"}"#)
        #expect(applied.json["status"] as? String == "member")
        try await walk.call("POST /tribes/{id}/applications", "/tribes/vault/applications", as: "dan")
        try await walk.call("POST /tribes/{id}/applications", "/tribes/vault/applications", as: "fay")
        try await walk.call("POST /tribes/{id}/members", "/tribes/vault/members", as: "ann", #"{"member":"dan"}"#)
        try await walk.call("POST /tribes/{id}/rejections", "/tribes/vault/rejections", as: "ann", #"{"member":"fay","reason":"full"}"#)
        try await walk.call("POST /tribes/{id}/invitations", "/tribes/vault/invitations", as: "ann", #"{"member":"cat"}"#)
        try await walk.call("PUT /tribes/{id}/admins/{member}", "/tribes/makers/admins/bob", as: "ann")
        try await walk.call("DELETE /tribes/{id}/admins/{member}", "/tribes/makers/admins/bob", as: "ann")
        for partup in ["shed", "kiln"] {
            try await walk.call("POST /tribes/{id}/partups", "/tribes/makers/partups", as: "ann",
                                #"{"id":"\#(partup)","title":"Build a \#(partup)","wantedSkills":["carpentry"],"endDate":"2031-01-01"}"#)
        }
        try await walk.call("PATCH /partups/{id}", "/partups/shed", as: "ann", #"{"goal":"keep the tools dry"}"#)
        try await walk.call("POST /partups/{id}/partners", "/partups/shed/partners", as: "bob")
        try await walk.call("POST /partups/{id}/partners", "/partups/kiln/partners", as: "bob")
        try await walk.call("DELETE /partups/{id}/partners/me", "/partups/kiln/partners/me", as: "bob")
        try await walk.call("POST /partups/{id}/supporters", "/partups/shed/supporters", as: "cat")
        try await walk.call("POST /partups/{id}/dissolution", "/partups/kiln/dissolution", as: "ann", #"{"outcome":"completed","note":"fired"}"#)
        try await walk.call("DELETE /tribes/{id}/members/{member}", "/tribes/vault/members/dan?reason=moved", as: "ann")
        try await walk.call("POST /tribes/{id}/applications", "/tribes/makers/applications", as: "fay")
        try await walk.call("DELETE /tribes/{id}/members/me", "/tribes/makers/members/me", as: "fay")
        try await walk.call("POST /members/me/notifications/read", "/members/me/notifications/read", as: "ann",
                            #"{"upTo":\#(walk.api.head)}"#)
    }

    func reads(_ walk: RouteWalk, after last: Position) async throws {
        let tribes = try await walk.call("GET /tribes", "/tribes?after=\(last)&limit=2", as: "eve")
        #expect(tribes.items.compactMap { $0["id"] as? String } == ["lab", "makers"])
        try await walk.call("GET /tribes/{id}", "/tribes/makers?after=\(last)", as: "bob")
        let members = try await walk.call("GET /tribes/{id}/members", "/tribes/makers/members?after=\(last)", as: "bob")
        #expect(members.items.compactMap { $0["member"] as? String } == ["ann", "bob"])
        #expect(try await walk.call("GET /tribes/{id}/partups", "/tribes/makers/partups?after=\(last)", as: "bob").items.count == 2)
        try await walk.call("GET /tribes/{id}/dashboard", "/tribes/makers/dashboard?after=\(last)", as: "bob")
        let feed = try await walk.call("GET /tribes/{id}/feed", "/tribes/makers/feed?after=\(last)&limit=3", as: "bob")
        #expect((feed.json["entries"] as? [Any])?.count == 3)
        let history = try await walk.call("GET /tribes/{id}/history", "/tribes/makers/history?after=\(last)", as: "bob")
        #expect(history.json["timeline"] is [String: Any])
        let stream = try await readEvents(port: walk.api.port, path: "/tribes/makers/events", token: try await walk.api.token("bob"), count: 1)
        #expect(stream.first?.type == "TribeCreated")
        walk.walked("GET /tribes/{id}/events")
        let bob = try await walk.call("GET /members/{id}", "/members/bob?after=\(last)", as: "eve")
        #expect(bob.json["skills"] as? [String] == ["carpentry"])
        try await walk.call("GET /members/me", "/members/me?after=\(last)", as: "bob")
        try await walk.call("GET /members/me/dashboard", "/members/me/dashboard?after=\(last)", as: "bob")
        try await walk.call("GET /members/{id}/dashboard", "/members/bob/dashboard?after=\(last)", as: "bob")
        try await walk.call("GET /members/me/matches", "/members/me/matches?after=\(last)", as: "bob")
        try await walk.call("GET /members/me/feed", "/members/me/feed?after=\(last)", as: "bob")
        try await walk.call("GET /members/me/notifications", "/members/me/notifications?after=\(last)&unread=true", as: "ann")
        let shed = try await walk.call("GET /partups/{id}", "/partups/shed?after=\(last)", as: "eve")
        #expect(shed.json["supporters"] as? [String] == ["cat"])
        let candidates = try await walk.call("GET /partups/{id}/candidates", "/partups/shed/candidates?after=\(last)", as: "ann")
        #expect(candidates.json["items"] is [Any])
        let graph = try await walk.call("GET /collaboration", "/collaboration?after=\(last)&tribe=makers", as: "ann")
        #expect(graph.json["edges"] is [Any])
        let health = try await walk.call("GET /health", "/health")
        #expect((health.json["head"] as? NSNumber)?.uint64Value == last)
        #expect(try await walk.call("GET /metrics", "/metrics").text.contains("tribelog_log_head_position \(last)"))
        try await walk.call("GET /openapi.json", "/openapi.json")
    }
}
