import ArgumentParser
import EventLog
import Foundation
import Logging
import ProjectionKit

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain, check the indexes agree with the events and no read model is ahead of the log.",
        discussion: """
            Exit status 0 when the log is intact; 1 naming the first bad position otherwise.
            Safe while a server is writing: it opens the log read-only.

            Example: tribelog verify --data ./data
            """)

    @Option(help: "The data folder.") var data: String
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        var options = EventStoreOptions()
        options.readOnly = true
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let progress = Progress("verifying")
        let report = try store.verify { done, total in progress.update(done, of: total) }
        progress.finish()
        let models = try readModelProblems(store)
        if json {
            let fields: [String: Any] = [
                "intact": report.isIntact && models.isEmpty, "events": report.events, "indexed": report.indexedUpTo,
                "first_bad_position": report.firstBadPosition.map { $0 as Any } ?? NSNull(),
                "problems": report.problems + models,
            ]
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report)
            for problem in models { print(problem) }
        }
        if !report.isIntact || !models.isEmpty { throw ExitCode(1) }
    }

    /// A read model whose checkpoint is past the log's head was built from another log
    /// (the log was replaced or restored from an older backup).
    private func readModelProblems(_ store: EventStore) throws -> [String] {
        guard FileManager.default.fileExists(atPath: store.viewsDirectory.appendingPathComponent("data.mdb").path) else { return [] }
        let views = try ViewStore.open(directory: store.viewsDirectory, readOnly: true, logger: Logger(label: "tribelog.verify"))
        return try ProjectionHost.checkpoints(in: views).sorted { $0.key < $1.key }.compactMap { name, checkpoint in
            checkpoint > store.head
                ? "read model '\(name)' is at position \(checkpoint), past the log's head \(store.head): the log was replaced; run `tribelog rebuild --data \(data)`"
                : nil
        }
    }
}
