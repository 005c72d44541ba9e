import Foundation
import TribeDomain
import TribelogServer

/// The server under load: `tribelog serve` on a demo history, driven by wrk on loopback.
///   1. GET /health — the cheapest route, the server's ceiling on this machine;
///   2. GET /tribes/{id}/feed as a member of the first open tribe (target ≥ 0.5 × health);
///   3. POST /partups/{id}/partners from every connection, a different member and part-up
///      per request (join.lua), so each one appends; events/s and appends per commit
///      from the log head and the server's metrics before and after.
enum HTTPLoad {
    struct Figures {
        var health: Wrk.Result
        var feed: Wrk.Result
        var join: Wrk.Result
        var joinEventsPerSecond: Double
        var appendsPerCommit: Double
        var stoppedCleanly: Bool
    }

    /// Members minted tokens for the join run.
    static let joiners = 256

    static func measure(data: URL, scratch: URL, wrk: Wrk) async throws -> Figures {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let server = try ServeChild(data: data, logFile: scratch.appendingPathComponent("serve.log"))
        // Measured once every read model has caught up: a first start builds them.
        try await server.waitUntilCaughtUp(timeout: 600)
        let authority = await TokenAuthority(secret: try JWTSecret.load(data: data))
        let inputs = try await JoinInputs.write(into: scratch, from: server, authority: authority)

        let health = try wrk.run(server.base + "/health")
        let feed = try wrk.run(server.base + "/tribes/\(inputs.readerTribe)/feed",
                               ["-H", "Authorization: Bearer \(inputs.readerToken)"])
        let before = try await Counters.read(server)
        let started = ContinuousClock.now
        guard let script = Bundle.module.url(forResource: "join", withExtension: "lua") else {
            throw BenchError("the bench's wrk script (join.lua) is not next to this tribelog: rebuild it with `swift build -c release`")
        }
        let join = try wrk.run(server.base, ["-s", script.path],
                               environment: ["LOAD_DIR": scratch.path, "LOAD_THREADS": "\(wrk.threads)"])
        let elapsed = Measurements.seconds(since: started)
        let after = try await Counters.read(server)
        let stopped = try await server.stop()
        return Figures(health: health, feed: feed, join: join,
                       joinEventsPerSecond: Double(after.head - before.head) / elapsed,
                       appendsPerCommit: Double(after.appends - before.appends) / Double(max(after.commits - before.commits, 1)),
                       stoppedCleanly: stopped)
    }

    /// The log head and the writer's counters, as the server reports them.
    private struct Counters {
        var head: Int
        var commits: Int
        var appends: Int

        static func read(_ server: ServeChild) async throws -> Counters {
            let health = try await server.getJSON("/health") as? [String: Any]
            let metrics = try await server.getText("/metrics")
            func metric(_ name: String) -> Int {
                metrics.split(separator: "\n").lazy.compactMap { line -> Int? in
                    let parts = line.split(separator: " ")
                    return parts.count == 2 && parts[0] == name ? Double(parts[1]).map { Int($0) } : nil
                }.first ?? 0
            }
            return Counters(head: health?["head"] as? Int ?? 0, commits: metric("tribelog_log_commits_total"),
                            appends: metric("tribelog_log_append_requests_total"))
        }
    }
}

/// What the load needs from the served history: a reader of an open tribe's feed, and for
/// join.lua `tokens.txt` ("MEMBER TOKEN" per line) and `partups.txt` (part-ups anyone may
/// join: public, not dissolved, in open tribes).
struct JoinInputs {
    var readerTribe: String
    var readerToken: String

    static func write(into folder: URL, from server: ServeChild, authority: TokenAuthority) async throws -> JoinInputs {
        let tribes = try await items(server, "/tribes?limit=500")
        let open = tribes.filter { $0["privacy"] as? String == "open" }.compactMap { $0["id"] as? String }
        var reader: (tribe: String, member: String)?
        var partups: [String] = []
        for tribe in open {
            if reader == nil, let member = try await items(server, "/tribes/\(tribe)/members?limit=1").first?["member"] as? String {
                reader = (tribe, member)
            }
            partups += try await items(server, "/tribes/\(tribe)/partups?limit=500")
                .filter { $0["privacy"] as? String == "public" && $0["outcome"] == nil }
                .compactMap { $0["id"] as? String }
        }
        guard let reader, !partups.isEmpty else {
            throw BenchError("the served history has no open tribe with members and joinable part-ups: serve a demo history")
        }
        var tokens: [String] = []
        // Members from the middle of the demo's numbering: most are in few part-ups yet.
        for number in 0..<HTTPLoad.joiners {
            let member = try MemberID(String(format: "m-%05d", 4_001 + number))
            tokens.append("\(member.rawValue) \(try await authority.issue(member: member, lifetime: 3_600))")
        }
        try (tokens.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("tokens.txt"), atomically: true, encoding: .utf8)
        try (partups.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("partups.txt"), atomically: true, encoding: .utf8)
        return JoinInputs(readerTribe: reader.tribe,
                          readerToken: try await authority.issue(member: try MemberID(reader.member), lifetime: 3_600))
    }

    private static func items(_ server: ServeChild, _ path: String) async throws -> [[String: Any]] {
        (try await server.getJSON(path) as? [String: Any])?["items"] as? [[String: Any]] ?? []
    }
}
