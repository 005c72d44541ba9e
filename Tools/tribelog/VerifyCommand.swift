import ArgumentParser
import EventLog
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the hash chain and check the indexes agree with the events.",
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
        if json {
            let fields: [String: Any] = [
                "intact": report.isIntact, "events": report.events, "indexed": report.indexedUpTo,
                "first_bad_position": report.firstBadPosition.map { $0 as Any } ?? NSNull(),
                "problems": report.problems,
            ]
            let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report)
        }
        if !report.isIntact { throw ExitCode(1) }
    }
}
