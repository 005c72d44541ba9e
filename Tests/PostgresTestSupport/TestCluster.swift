import Foundation
import TribelogSupport

/// A PostgreSQL primary with a synchronous standby of its own (`Tools/postgres`), for a
/// test that kills a primary: the suite's shared cluster must survive it. Loopback only,
/// on a free port pair, removed by `down()`.
public struct TestCluster: Sendable {
    public let directory: URL
    public let port: Int

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tools/postgres").standardizedFileURL

    static let closingDescriptors = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$@""#

    /// Starts one, trying a few random port pairs in case one is taken.
    public static func start() async throws -> TestCluster {
        var failure = ""
        for _ in 0..<4 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-cluster-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // The servers run as the postgres user when the tests run as root: it must enter the folder.
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            let cluster = TestCluster(directory: directory, port: Int.random(in: 56_000..<59_000) & ~1)
            let (status, output) = try await cluster.run(["up"])
            if status == 0 { return cluster }
            failure = output
            _ = try? await cluster.run(["down"])
            try? FileManager.default.removeItem(at: directory)
        }
        throw TestSetupError("Tools/postgres up failed four times; the last said:\n\(failure)")
    }

    /// `Tools/postgres url WHICH` (primary, replica, or all).
    public func url(_ which: String) async throws -> String {
        let (status, output) = try await run(["url", which])
        guard status == 0 else { throw TestSetupError("Tools/postgres url \(which) failed: \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Kills the primary and promotes the standby (`Tools/postgres failover`).
    public func failover() async throws {
        let (status, output) = try await run(["failover"])
        guard status == 0 else { throw TestSetupError("Tools/postgres failover failed: \(output)") }
    }

    /// Stops the servers and removes the folder.
    public func down() async {
        _ = try? await run(["down"])
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        // Foundation learns that a child exited when a socket the child inherited closes; the
        // servers `up` starts would inherit it too and keep it open for as long as they run.
        // So every descriptor past standard error is closed before the script starts.
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", Self.closingDescriptors, "bash", Self.script.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PGDIR"] = directory.appendingPathComponent("pg").path
        environment["PGPORT"] = "\(port)"
        process.environment = environment
        let output = directory.appendingPathComponent("tools-postgres.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try Spawn.start(process)
        guard await Spawn.exit(of: process, killingAfter: .seconds(120)) else {
            throw TestSetupError("Tools/postgres \(arguments.joined(separator: " ")) did not finish within 120 s")
        }
        try? handle.close()
        return (process.terminationStatus, String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self))
    }
}
