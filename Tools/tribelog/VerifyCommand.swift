import ArgumentParser
import EventLog
import EventLogPostgres
import Foundation
import Logging
import ProjectionKit
import TribelogServer
import TribelogSupport

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain, check the indexes agree with the events and no read model is ahead of the log.",
        discussion: """
            Exit status 0 when the log is intact; 1 naming the first bad position otherwise.
            Safe while a server is writing: it opens the log read-only. With --read-models it \
            also rebuilds every read model into a temporary folder, up to the position the live \
            one reached, and compares them entry by entry, naming the first key that differs.

            With --log postgres://… (or TRIBELOG_LOG_URL) it verifies the shared log on \
            PostgreSQL: the same hash chain, recomputed from the rows, and the tags table \
            against the events.

            Examples:
              tribelog verify --data ./data
              tribelog verify --data ./data --read-models
              tribelog verify --log postgres://tribelog:secret@db:5432/tribelog
            """)

    @Option(help: "The data folder (not needed with --log).") var data: String?
    @Option(help: "A shared log to verify instead, postgres://USER:PASSWORD@HOST:PORT/DATABASE (default: TRIBELOG_LOG_URL).")
    var log: String?
    @Flag(help: "Also compare every read model with a rebuild from the log.") var readModels = false
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let (report, models): (VerificationReport, [String])
        switch try LogLocation(argument: log ?? ProcessInfo.processInfo.environment["TRIBELOG_LOG_URL"]) {
        case .postgres(let url):
            guard !readModels else {
                throw ValidationError("--read-models compares a data folder's read models with its embedded log; leave it out with --log")
            }
            let shared = try await PostgresEventLog.connect(url: url, logger: ReadModels.logger())
            let verified = await Result(awaiting: { try await shared.verifyLog() })
            await shared.shutdown()
            (report, models) = (try verified.get(), [])
        case .dataFolder:
            guard let data else { throw ValidationError("give --data DIR (the data folder), or --log with a postgres:// URL") }
            (report, models) = try Self.check(data: data, readModels: readModels)
        }
        if json {
            var fields: [String: Any] = [
                "intact": report.isIntact && models.isEmpty, "events": report.events, "indexed": report.indexedUpTo,
                "first_bad_position": report.firstBadPosition.map { $0 as Any } ?? NSNull(),
                "problems": report.problems + models,
            ]
            if readModels { fields["read_models_equal_rebuild"] = models.isEmpty }
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report)
            for problem in models { print(problem) }
            if readModels && models.isEmpty { print("every read model equals a rebuild from the log") }
        }
        if !report.isIntact || !models.isEmpty { throw ExitCode(1) }
    }

    /// The log's report and the read models' problems (the crash test checks with it too).
    static func check(data: String, readModels: Bool) throws -> (report: VerificationReport, models: [String]) {
        var options = EventStoreOptions()
        options.readOnly = true
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        let progress = Progress("verifying")
        let verified = Result { try store.verify { done, total in progress.update(done, of: total) } }
        progress.finish()
        let ahead = Result { try readModelProblems(store, data: data) }
        // Closed before the comparison opens the folder again: LMDB wants one handle per process.
        store.close()
        let report = try verified.get()
        var models = try ahead.get()
        if readModels && models.isEmpty {
            let compared = try ReadModelComparison(data: data).run()
            models += compared.differences
        }
        return (report, models)
    }

    /// A read model whose checkpoint is past the log's head was built from another log
    /// (the log was replaced or restored from an older backup).
    private static func readModelProblems(_ store: EventStore, data: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: store.viewsDirectory.appendingPathComponent("data.mdb").path) else { return [] }
        let views = try ViewStore.open(directory: store.viewsDirectory, readOnly: true, logger: Logger(label: "tribelog.verify"))
        return try ProjectionHost.checkpoints(in: views).sorted { $0.key < $1.key }.compactMap { name, checkpoint in
            checkpoint > store.head
                ? "read model '\(name)' is at position \(checkpoint), past the log's head \(store.head): the log was replaced; run `tribelog rebuild --data \(data)`"
                : nil
        }
    }
}
