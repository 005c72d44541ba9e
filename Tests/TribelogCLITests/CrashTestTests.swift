import EventLog
import Foundation
import Logging
import Testing

/// The crash test's short form (Tools/crashtest runs 20 rounds of it), and the read-model
/// comparison it ends with, which `verify --read-models` offers on its own.
@Suite struct CrashTestTests {
    @Test(.timeLimit(.minutes(3))) func twoRoundsOfKillsLoseNoAcknowledgedCommand() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let run = try await CLI.run(["crash-test", "--data", scratch.path("data"), "--rounds", "2", "--clients", "8", "--json"], timeout: 150)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(result["lost"] as? Int == 0, "\(result["lost_examples"] ?? "")")
        #expect(result["verify"] as? String == "ok", "\(result["verify_problems"] ?? "")")
        #expect(result["read_models_equal_rebuild"] as? Bool == true, "\(result["read_model_problems"] ?? "")")
        #expect(result["final_exit_status"] as? Int == 0)
        #expect((result["acknowledged"] as? Int ?? 0) > 8, "too few commands were acknowledged to mean anything")
        // Every acknowledgement is also on disk, one JSON line each.
        let lines = try String(contentsOfFile: scratch.path("data") + "-acks.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == result["acknowledged"] as? Int)
    }

    @Test(.timeLimit(.minutes(2))) func verifyReadModelsNamesAnEntryARebuildWouldNotHold() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        try #require(try await CLI.run(["demo", "--data", data, "--tribes", "4", "--members", "60", "--partups", "10"]).status == 0)
        try #require(try await CLI.run(["rebuild", "--data", data]).status == 0)
        let clean = try await CLI.run(["verify", "--data", data, "--read-models"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("every read model equals a rebuild"))

        // An entry no event put there, as a projection bug or a lost write would leave.
        let views = try ViewStore.open(directory: URL(fileURLWithPath: data).appendingPathComponent("views"), logger: Logger(label: "test"))
        let model = try #require(try views.databaseNames().sorted().first { $0.hasPrefix("directory@") })
        let database = try #require(try views.database(model, create: false))
        try views.write { try $0.put(database, Array("zz-stray\u{0}".utf8), [1, 2, 3]) }

        let tampered = try await CLI.run(["verify", "--data", data, "--read-models", "--json"])
        #expect(tampered.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(tampered.stdout.utf8)) as? [String: Any], "\(tampered.stderr)")
        #expect(report["read_models_equal_rebuild"] as? Bool == false)
        let problems = report["problems"] as? [String] ?? []
        #expect(problems.count == 1 && problems.first?.contains("read model 'directory' differs") == true
                    && problems.first?.contains(#"key "zz-stray/" is not in the rebuild"#) == true, "\(problems)")
    }
}
