import Foundation
import Glibc
import MountSupport
import Testing
@testable import tribelog

/// `tribelog serve` on a folder it cannot have: read-only, or held by another server.
/// Either way it exits non-zero at once with a message that says why, and touches nothing.
@Suite struct ServeFolderFaultTests {
    /// A data folder with a log, read models and a secret, made by a server that stopped.
    static func makeFolder(_ data: String) async throws {
        let server = try await ServeChild.start(data: data)
        #expect(await server.send("POST", "/members", json: #"{"id":"ann","name":"Ann"}"#)?.status == 201)
        #expect(try await server.terminate())
    }

    @Test(.enabled(if: PrivateMount.isAvailable, "needs root and mount namespaces"), .timeLimit(.minutes(1)))
    func serveOnAReadOnlyFolderExitsAtOnceSayingSo() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        try await Self.makeFolder(data)
        let readOnly = try PrivateMount(.readOnly, at: data)
        defer { readOnly.remove() }

        let started = ContinuousClock.now
        let run = try await CLI.run(["serve", "--data", data, "--port", "0"], timeout: 20, launcher: readOnly.launcher)
        let took = ContinuousClock.now - started
        #expect(run.status != 0)
        #expect(run.stderr.contains("data folder is not writable: \(data)"), "\(run.stderr)")
        #expect(!run.stdout.contains("serving"), "\(run.stdout)")
        #expect(took < .seconds(10))
        print("serve on a read-only folder: exit \(run.status) after \(took): \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    @Test(.timeLimit(.minutes(1)))
    func secondServeOnTheSameFolderIsRefusedAndTheFirstGoesOn() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let first = try await ServeChild.start(data: data)
        #expect(await first.send("POST", "/members", json: #"{"id":"ann","name":"Ann"}"#)?.status == 201)

        let started = ContinuousClock.now
        let second = try await CLI.run(["serve", "--data", data, "--port", "0"], timeout: 20)
        let took = ContinuousClock.now - started
        #expect(second.status != 0)
        #expect(second.stderr.contains("already open for writing by another tribelog process (pid \(first.process.processIdentifier))"),
                "\(second.stderr)")
        #expect(!second.stdout.contains("serving"), "\(second.stdout)")
        #expect(took < .seconds(10))

        #expect(first.process.isRunning)
        #expect(await first.send("GET", "/health")?.status == 200)
        #expect(await first.send("GET", "/members/ann")?.status == 200)
        #expect(await first.send("POST", "/members", json: #"{"id":"bob","name":"Bob"}"#)?.status == 201)
        #expect(try await first.terminate())
        #expect(first.process.terminationStatus == 0)
        print("second serve on a served folder: exit \(second.status) after \(took): \(second.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}
