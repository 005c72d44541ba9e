import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TribeDomain
@testable import TribelogServer

@Suite("HTTP API against a live server", .timeLimit(.minutes(1)))
struct ServerTests {
    @Test("register → token → tribe → apply → launch → join; ?after= reads the join")
    func happyPath() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob")
            let tribe = try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            #expect(tribe.status == .created)
            #expect(tribe.json["tribe"] as? String == "makers")
            let applied = try await api.command(.post, "/tribes/makers/applications", as: "bob", #"{"motivation":"I build"}"#)
            #expect(applied.json["status"] as? String == "member")
            #expect(applied.json["events"] as? [String] == ["MemberApplied", "MemberAdmitted"])
            try await api.command(.post, "/tribes/makers/partups", as: "ann",
                                  #"{"id":"shed","title":"Build a shed","wantedSkills":["carpentry"],"endDate":"2031-01-01"}"#)
            let joined = try await api.command(.post, "/partups/shed/partners", as: "bob")
            #expect(joined.status == .created)
            let partup = try await api.get("/partups/shed?after=\(joined.position)", as: "bob")
            #expect(partup.status == .ok)
            #expect(partup.json["partners"] as? [String] == ["ann", "bob"])
            #expect(partup.json["endDate"] as? String == "2031-01-01T00:00:00.000000Z")
            let members = try await api.get("/tribes/makers/members?after=\(joined.position)", as: "bob")
            #expect(members.items.map { $0["member"] as? String } == ["ann", "bob"])
            let dashboard = try await api.get("/members/me/dashboard?after=\(joined.position)", as: "bob")
            #expect(dashboard.status == .ok)
            #expect((dashboard.json["activePartups"] as? [[String: Any]])?.first?["partup"] as? String == "shed")
            let feed = try await api.get("/tribes/makers/feed?after=\(joined.position)", as: "bob")
            #expect((feed.json["entries"] as? [[String: Any]])?.first?["type"] as? String == "PartnerJoined")
            let history = try await api.get("/tribes/makers/history?at=\(tribe.position)&after=\(joined.position)", as: "bob")
            #expect((history.json["state"] as? [String: Any])?["members"] as? [String] == ["ann"])
            let health = try await api.get("/health")
            #expect(health.json["status"] as? String == "ok")
            #expect((health.json["head"] as? NSNumber)?.uint64Value == api.head)
        }
    }

    @Test("an Idempotency-Key retry returns the first positions and appends once")
    func idempotency() async throws {
        try await TestServer.run { api in
            try await api.register("ann")
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "create-makers-1"]
            let body = #"{"name":"Makers","privacy":"open"}"#
            let first = try await api.request(.post, "/tribes", as: "ann", json: body, headers: key)
            let head = api.head
            let second = try await api.request(.post, "/tribes", as: "ann", json: body, headers: key)
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(second.json["replayed"] as? Bool == true)
            #expect(second.json["positions"] as? [Int] == first.json["positions"] as? [Int])
            #expect(second.json["tribe"] as? String == first.json["tribe"] as? String)
            #expect(api.head == head)
            // Registration without a chosen id: a retry must not register a second generated id.
            let registerKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "signup-42"]
            let once = try await api.request(.post, "/members", json: #"{"name":"Cleo"}"#, headers: registerKey)
            let twice = try await api.request(.post, "/members", json: #"{"name":"Cleo"}"#, headers: registerKey)
            #expect(once.json["member"] as? String == twice.json["member"] as? String)
            #expect(once.position == twice.position)
        }
    }

    @Test("401 without a token, with a bad one and with an expired one; nothing appended")
    func unauthorized() async throws {
        try await TestServer.run { api in
            try await api.register("ann")
            let head = api.head
            let none = try await api.post("/tribes", #"{"name":"Makers","privacy":"open"}"#)
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthorized")
            let bad = try await api.request(.post, "/tribes", json: #"{"name":"Makers","privacy":"open"}"#,
                                            headers: [.authorization: "Bearer not.a.token"])
            #expect(bad.status == .unauthorized)
            let foreign = try await TokenAuthority(secret: Array("another-secret-0123456789-0123456789".utf8)).issue(member: "ann", lifetime: 60)
            let forged = try await api.request(.get, "/members/me/feed", headers: [.authorization: "Bearer \(foreign)"])
            #expect(forged.status == .unauthorized)
            let expired = try await api.server.tokens.issue(member: "ann", lifetime: 60, now: Date().addingTimeInterval(-3_600))
            let late = try await api.request(.get, "/members/me/feed", headers: [.authorization: "Bearer \(expired)"])
            #expect(late.status == .unauthorized)
            #expect(late.errorMessage.contains("expired"))
            #expect(api.head == head)
        }
    }

    @Test("the actor is the token's subject: bob's token cannot act as ann")
    func actorIsSubject() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            try await api.command(.post, "/tribes/makers/applications", as: "bob")
            let removal = try await api.request(.delete, "/tribes/makers/members/ann", as: "bob")
            #expect(removal.status == .forbidden)
            #expect(removal.errorMessage.contains("bob"))
            let rules = try await api.request(.put, "/tribes/makers/rules", as: "bob", json: #"{"rules":"mine now"}"#)
            #expect(rules.status == .forbidden)
            let profile = try await api.command(.put, "/members/me/profile", as: "bob", #"{"skills":["welding"]}"#)
            let ann = try await api.get("/members/ann?after=\(profile.position)", as: "bob")
            let bob = try await api.get("/members/me?after=\(profile.position)", as: "bob")
            #expect(ann.json["skills"] as? [String] == [])
            #expect(bob.json["skills"] as? [String] == ["welding"])
        }
    }

    @Test("closed tribes are 404 to non-members; invite-only shows a summary, members-only parts are 403")
    func privacy() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "eve")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"vault","name":"Vault","privacy":"closed","rules":"secret"}"#)
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"club","name":"Club","privacy":"invite","rules":"be kind"}"#)
            try await api.command(.post, "/tribes/vault/partups", as: "ann", #"{"id":"heist","title":"Heist"}"#)
            let last = try await api.command(.post, "/tribes/club/partups", as: "ann", #"{"id":"party","title":"Party"}"#).position
            for path in ["/tribes/vault", "/tribes/vault/members", "/tribes/vault/partups", "/tribes/vault/feed", "/tribes/vault/history",
                         "/tribes/vault/dashboard", "/tribes/vault/events", "/partups/heist", "/partups/heist/candidates"] {
                let answer = try await api.get("\(path)?after=\(last)", as: "eve")
                #expect(answer.status == .notFound, "\(path)")
            }
            for path in ["/tribes/vault", "/tribes/vault/feed", "/tribes/vault/partups", "/partups/heist"] {
                #expect(try await api.get("\(path)?after=\(last)").status == .notFound, "anonymous \(path)")
            }
            let collaboration = try await api.get("/collaboration?tribe=vault&after=\(last)", as: "eve")
            #expect(collaboration.status == .notFound)
            let join = try await api.post("/partups/heist/partners", as: "eve")
            #expect(join.status == .notFound)
            let summary = try await api.get("/tribes/club?after=\(last)", as: "eve")
            #expect(summary.status == .ok)
            #expect(summary.json["visibility"] as? String == "summary")
            #expect(summary.json["rules"] as? String == "be kind")
            #expect(summary.json["members"] == nil)
            for path in ["/tribes/club/members", "/tribes/club/partups", "/tribes/club/dashboard", "/tribes/club/feed", "/partups/party"] {
                let answer = try await api.get("\(path)?after=\(last)", as: "eve")
                #expect(answer.status == .forbidden, "\(path)")
            }
            let listed = try await api.get("/tribes?after=\(last)", as: "eve").items.compactMap { $0["id"] as? String }
            #expect(listed == ["club"])
            let full = try await api.get("/tribes/vault?after=\(last)", as: "ann")
            #expect(full.json["visibility"] as? String == "full")
            #expect(try await api.get("/tribes/club/partups?after=\(last)", as: "ann").items.count == 1)
        }
    }

    @Test("a removed member loses access at once")
    func removal() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"vault","name":"Vault","privacy":"closed"}"#)
            let applied = try await api.command(.post, "/tribes/vault/applications", as: "bob")
            #expect(applied.json["status"] as? String == "applied")
            let admitted = try await api.command(.post, "/tribes/vault/members", as: "ann", #"{"member":"bob"}"#)
            #expect(try await api.get("/tribes/vault/members?after=\(admitted.position)", as: "bob").status == .ok)
            let removed = try await api.command(.delete, "/tribes/vault/members/bob", as: "ann")
            #expect(try await api.get("/tribes/vault?after=\(removed.position)", as: "bob").status == .notFound)
            #expect(try await api.get("/tribes/vault/members", as: "bob").status == .notFound)
            #expect(try await api.get("/tribes/vault/events", as: "bob").status == .notFound)
        }
    }

    @Test("bad JSON and missing fields are 400, big bodies 413, bad ids 422; nothing appended")
    func badInput() async throws {
        try await TestServer.run({ $0.maxBodyBytes = 1_024 }) { api in
            try await api.register("ann")
            let head = api.head
            let broken = try await api.post("/tribes", as: "ann", #"{"name": "#)
            #expect(broken.status == .badRequest)
            #expect(broken.errorCode == "bad_request")
            let missing = try await api.post("/tribes", as: "ann", #"{"name":"Makers"}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.errorMessage.contains("'privacy'"))
            let wrongType = try await api.post("/tribes", as: "ann", #"{"name":42,"privacy":"open"}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.errorMessage.contains("'name'"))
            let big = try await api.post("/tribes", as: "ann", #"{"name":"\#(String(repeating: "x", count: 2_000))","privacy":"open"}"#)
            #expect(big.status == .contentTooLarge)
            let badID = try await api.post("/tribes", as: "ann", #"{"id":"a b","name":"Makers","privacy":"open"}"#)
            #expect(badID.status == .unprocessableContent)
            let badPrivacy = try await api.post("/tribes", as: "ann", #"{"name":"Makers","privacy":"secret"}"#)
            #expect(badPrivacy.status == .unprocessableContent)
            let badAfter = try await api.get("/tribes?after=soon")
            #expect(badAfter.status == .badRequest)
            // Past the log's head: no command returned it, so waiting cannot help.
            let future = try await api.get("/tribes?after=\(head + 100)")
            #expect(future.status == .badRequest)
            #expect(future.errorCode == "position_not_in_log")
            #expect(api.head == head)
        }
    }

    @Test("domain refusals are 409 with the domain's message")
    func conflict() async throws {
        try await TestServer.run { api in
            try await api.register("ann")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            let head = api.head
            let again = try await api.post("/tribes", as: "ann", #"{"id":"makers","name":"Makers again","privacy":"open"}"#)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "conflict")
            #expect(again.errorMessage == "tribe makers already exists: choose another id")
            let leave = try await api.request(.delete, "/tribes/makers/members/me", as: "ann")
            #expect(leave.status == .conflict)
            #expect(leave.errorMessage.contains("last admin"))
            let twice = try await api.post("/members", #"{"id":"ann","name":"Ann"}"#)
            #expect(twice.status == .conflict)
            #expect(api.head == head)
        }
    }

    @Test("registrations are rate-limited per client address")
    func rateLimit() async throws {
        try await TestServer.run({ $0.registrationsPerMinute = 3 }) { api in
            try await api.register("a1", "a2", "a3")
            let fourth = try await api.post("/members", #"{"id":"a4","name":"A4"}"#)
            #expect(fourth.status == .tooManyRequests)
            #expect(fourth.errorCode == "rate_limited")
            #expect(fourth.headers[.retryAfter] != nil)
            #expect(try await api.get("/members/a4", as: "a1").status == .notFound)
        }
    }

    @Test("/metrics has the route histogram, append latency and batch size, group commits, projection positions and lag")
    func metrics() async throws {
        try await TestServer.run { api in
            try await api.register("ann", "bob")
            try await api.command(.post, "/tribes", as: "ann", #"{"id":"makers","name":"Makers","privacy":"open"}"#)
            let applied = try await api.command(.post, "/tribes/makers/applications", as: "bob")
            _ = try await api.get("/tribes?after=\(applied.position)")
            let text = try await api.get("/metrics").text
            // Applying to an open tribe appends two events (applied, admitted) in one append.
            #expect(text.contains(#"tribelog_command_append_batch_events_bucket{command="ApplyToTribe",le="1.0"} 0"#))
            #expect(text.contains(#"tribelog_command_append_batch_events_bucket{command="ApplyToTribe",le="2.0"} 1"#))
            #expect(text.contains(#"tribelog_command_append_batch_events_sum{command="RegisterMember"} 2"#))
            #expect(text.contains("tribelog_log_commits_total "))
            #expect(text.contains("tribelog_log_append_requests_total 4"))
            #expect(text.contains("tribelog_log_requests_per_commit_ratio "))
            #expect(text.contains(#"tribelog_projection_position_position{projection="directory"} \#(applied.position)"#))
            #expect(text.contains(#"tribelog_http_request_duration_seconds_bucket{route="/members",method="POST",status="201""#))
            #expect(text.contains(#"tribelog_http_requests_total{route="/tribes",method="GET",status="200"} 1"#))
            #expect(text.contains(#"tribelog_command_append_duration_seconds_count{command="RegisterMember",outcome="applied"} 2"#))
            #expect(text.contains(#"tribelog_projection_position_position{projection="directory"}"#))
            #expect(text.contains(#"tribelog_projection_lag_events{projection="directory"}"#))
        }
    }

    @Test("/openapi.json lists every registered route and no other")
    func openAPI() async throws {
        try await TestServer.run { api in
            let answer = try await api.get("/openapi.json")
            #expect(answer.status == .ok)
            let paths = answer.json["paths"] as? [String: [String: Any]] ?? [:]
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            let registered = Set(api.server.router().routes.map { "\($0.method.rawValue) \($0.path.description)" })
            #expect(registered.subtracting(documented).sorted() == [])
            #expect(documented.subtracting(registered).sorted() == [])
            #expect(registered.count > 35)
        }
    }
}

@Suite("Signing secret")
struct SecretTests {
    @Test("made once in DIR/secrets/jwt.key with mode 0600, read back the same")
    func secretFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try JWTSecret.load(data: folder, environment: [:])
        let second = try JWTSecret.load(data: folder, environment: [:])
        #expect(first == second)
        #expect(first.count == 64)
        let path = folder.appendingPathComponent("secrets/jwt.key").path
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(try JWTSecret.load(data: folder, environment: ["TRIBELOG_JWT_SECRET": "from-the-environment-0123456789-abcdef"]) == Array("from-the-environment-0123456789-abcdef".utf8))
        #expect(throws: SecretError.self) { try JWTSecret.load(data: folder, environment: ["TRIBELOG_JWT_SECRET": "short"]) }
        #expect(TokenLifetime.parse("1h") == 3_600)
        #expect(TokenLifetime.parse("7d") == 604_800)
        #expect(TokenLifetime.parse("soon") == nil)
    }
}

@Suite("Methods a path does not take")
struct MethodNotAllowedTests {
    @Test("a documented path with an undocumented method is 405 with Allow; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await TestServer.run { api in
            let wrong = try await api.request(.delete, "/health")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
            #expect(wrong.errorCode == "method_not_allowed")
            let partup = try await api.request(.put, "/partups/p-1/partners")
            #expect(partup.status == .methodNotAllowed)
            #expect(partup.headers[.allow]?.contains("POST") == true)
            let unknown = try await api.get("/no/such/path")
            #expect(unknown.status == .notFound)
            let missingTribe = try await api.get("/tribes/nope")
            #expect(missingTribe.status == .notFound)
        }
    }
}
