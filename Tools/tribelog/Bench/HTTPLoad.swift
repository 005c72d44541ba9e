import Foundation
import TribeDomain
import TribelogServer

/// The server under load: `tribelog serve` on a demo history, driven by wrk on loopback.
///   1. GET /health — the cheapest route, the server's ceiling on this machine;
///   2. GET /tribes/{id}/feed as a member of the first open tribe (target ≥ 0.5 × health);
///   3. GET a mix of eight read routes, each as the member it is about (reads.lua);
///   4. POST /partups/{id}/partners from every connection, a different member and part-up
///      per request (join.lua), so each one appends; events/s and appends per commit
///      from the log head and the server's metrics before and after.
enum HTTPLoad {
    struct Figures {
        var health: Wrk.Result
        var feed: Wrk.Result
        var reads: Wrk.Result
        var join: Wrk.Result
        var joinEventsPerSecond: Double
        var appendsPerCommit: Double
        var stoppedCleanly: Bool
    }

    /// Members minted tokens for the join run.
    static let joiners = 256

    static func measure(data: URL, scratch: URL, wrk: Wrk) async throws -> Figures {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let server = try await ServeChild.start(data: data, logFile: scratch.appendingPathComponent("serve.log"))
        // Measured once every read model has caught up: a first start builds them.
        guard try await server.waitUntilModelsCaughtUp(timeout: 600) else {
            await server.crash()
            throw BenchError("the served read models did not catch up with the log within 600 s; see \(server.logFile.path)")
        }
        let authority = await TokenAuthority(secret: try JWTSecret.load(data: data))
        let inputs = try await LoadInputs.write(into: scratch, from: server, authority: authority)
        let scripts = ["LOAD_DIR": scratch.path, "LOAD_THREADS": "\(wrk.threads)"]

        let health = try wrk.run(server.base + "/health")
        let feed = try wrk.run(server.base + "/tribes/\(inputs.readerTribe)/feed",
                               ["-H", "Authorization: Bearer \(inputs.readerToken)"])
        let reads = try wrk.run(server.base, ["-s", try script("reads")], environment: scripts)
        let before = try await Counters.read(server)
        let started = ContinuousClock.now
        let join = try wrk.run(server.base, ["-s", try script("join")], environment: scripts)
        let elapsed = Measurements.seconds(since: started)
        let after = try await Counters.read(server)
        let stopped = try await server.stop() == 0
        return Figures(health: health, feed: feed, reads: reads, join: join,
                       joinEventsPerSecond: Double(after.head - before.head) / elapsed,
                       appendsPerCommit: Double(after.appends - before.appends) / Double(max(after.commits - before.commits, 1)),
                       stoppedCleanly: stopped)
    }

    /// One of the bench's wrk scripts, shipped beside tribelog.
    private static func script(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua") else {
            throw BenchError("the bench's wrk script (\(name).lua) is not next to this tribelog: rebuild it with `swift build -c release`")
        }
        return url.path
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

/// What the load needs from the served history: a reader of an open tribe's feed; for
/// reads.lua `reads.txt` ("PATH TOKEN" per line: eight routes for each of some members of
/// open tribes); for join.lua `tokens.txt` ("MEMBER TOKEN" per line) and `partups.txt`
/// (part-ups anyone may join: public, not dissolved, in open tribes).
struct LoadInputs {
    var readerTribe: String
    var readerToken: String

    /// Members whose reads make up reads.txt, a few from each open tribe.
    static let readers = 64

    static func write(into folder: URL, from server: ServeChild, authority: TokenAuthority) async throws -> LoadInputs {
        let tribes = try await items(server, "/tribes?limit=500")
        let open = tribes.filter { $0["privacy"] as? String == "open" }.compactMap { $0["id"] as? String }
        var members: [(tribe: String, member: String)] = []
        var partups: [String] = []
        for tribe in open {
            if members.count < readers {
                members += try await items(server, "/tribes/\(tribe)/members?limit=4")
                    .compactMap { $0["member"] as? String }.map { (tribe, $0) }
            }
            partups += try await items(server, "/tribes/\(tribe)/partups?limit=500")
                .filter { $0["privacy"] as? String == "public" && $0["outcome"] == nil }
                .compactMap { $0["id"] as? String }
        }
        guard let reader = members.first, !partups.isEmpty else {
            throw BenchError("the served history has no open tribe with members and joinable part-ups: serve a demo history")
        }
        var reads: [String] = []
        for (tribe, member) in members.prefix(readers) {
            let token = try await authority.issue(member: try MemberID(member), lifetime: 3_600)
            for path in ["/members/me/dashboard", "/members/me/matches", "/members/me/feed", "/members/me/notifications",
                         "/tribes/\(tribe)", "/tribes/\(tribe)/members", "/tribes/\(tribe)/dashboard", "/tribes/\(tribe)/feed"] {
                reads.append("\(path) \(token)")
            }
        }
        var tokens: [String] = []
        // Members from the middle of the demo's numbering: most are in few part-ups yet.
        for number in 0..<HTTPLoad.joiners {
            let member = try MemberID(String(format: "m-%05d", 4_001 + number))
            tokens.append("\(member.rawValue) \(try await authority.issue(member: member, lifetime: 3_600))")
        }
        for (name, lines) in [("reads.txt", reads), ("tokens.txt", tokens), ("partups.txt", partups)] {
            try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return LoadInputs(readerTribe: reader.tribe,
                          readerToken: try await authority.issue(member: try MemberID(reader.member), lifetime: 3_600))
    }

    private static func items(_ server: ServeChild, _ path: String) async throws -> [[String: Any]] {
        (try await server.getJSON(path) as? [String: Any])?["items"] as? [[String: Any]] ?? []
    }
}
