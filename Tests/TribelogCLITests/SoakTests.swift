import Foundation
import Testing

/// The soak's short form (Tools/soak runs it for minutes): eight seconds of commands, mixed
/// reads and event streams that come and go (slow readers among them), then SIGTERM with
/// the load still running. The server must stop cleanly within 10 s, /health must answer
/// within a second throughout, and the folder must verify.
@Suite struct SoakTests {
    static let commands = ["create tribe", "join tribe", "launch part-up", "join part-up"]
    static let reads = ["health", "tribe feed", "tribe dashboard", "tribe members", "member dashboard", "member feed", "member matches"]

    @Test(.timeLimit(.minutes(2))) func eightSecondsOfMixedLoadThenSigtermStopsTheServerWithinTenSeconds() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let run = try await CLI.run(["soak", "--data", scratch.path("data"), "--seconds", "8", "--json"], timeout: 110)
        let result = try #require(try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
        #expect(run.status == 0, "\(result["failures"] ?? "") \(result["problems"] ?? "")\n\(run.stderr)")

        let commands = result["commands"] as? [String: [String: Any]] ?? [:]
        for kind in Self.commands {
            #expect((commands[kind]?["ok"] as? Int ?? 0) > 0, "no \(kind) command was acknowledged: \(commands)")
        }
        let reads = result["reads"] as? [String: [String: Any]] ?? [:]
        for kind in Self.reads {
            #expect((reads[kind]?["ok"] as? Int ?? 0) > 0, "no \(kind) read was answered: \(reads)")
        }
        let sse = result["sse"] as? [String: Any] ?? [:]
        #expect((sse["sessions"] as? Int ?? 0) > 0 && (sse["slow_sessions"] as? Int ?? 0) > 0, "\(sse)")
        #expect((sse["events"] as? Int ?? 0) > 0, "no event was streamed: \(sse)")

        let health = result["health"] as? [String: Any] ?? [:]
        #expect((health["probes"] as? Int ?? 0) > 0)
        #expect((health["max_ms"] as? Int ?? .max) < 1_000, "GET /health took up to \(health["max_ms"] ?? "?") ms")
        #expect(result["stopped_cleanly"] as? Bool == true,
                "stop took \(result["stop_seconds"] ?? "?") s, exit \(result["exit_status"] ?? "none")\n\(result["stop_stacks"] ?? "")")
        #expect(result["verify"] as? String == "ok", "\(result["verify_problems"] ?? "")")
        if let stacks = result["hang_stacks"] { Issue.record("the server stopped answering /health; its threads:\n\(stacks)") }
    }
}
