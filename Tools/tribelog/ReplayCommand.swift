import ArgumentParser
import EventLog
import Foundation
import ProjectionKit

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild read models up to a moment into a separate folder, for analysis.",
        discussion: """
            Time travel: the read models as they were at a position or time, built into their own \
            folder; the live read models are never touched, and the log is only read (safe while \
            a server runs).

            Examples:
              tribelog replay --data ./data --until 2024-12-31 --out ./end-of-2024
              tribelog replay --data ./data --until 20000 --projection collaboration --out ./p20000
            """)

    @Option(help: "The data folder.") var data: String
    @Option(help: "Last position (a number) or time (ISO 8601, e.g. 2024-12-31) to replay.") var until: Moment?
    @Option(help: "Replay only this read model.") var projection: String?
    @Option(help: "Folder for the replayed read models (must be new or empty).") var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let names = try ReadModels.chosen(projection)
        let outURL = URL(fileURLWithPath: out)
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: outURL.path), !entries.isEmpty {
            throw CLIError("\(out) is not empty: choose a new folder for the replay")
        }
        var options = EventStoreOptions()
        options.readOnly = true
        options.logger = ReadModels.logger()
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let target = try until?.position(in: store)
        let views = try ViewStore.open(directory: outURL, logger: options.logger)
        let built = try ReadModels.build(from: store, into: views, names: names, until: target, label: "replaying")
        if json {
            return try JSONOutput.print(built.result(names))
        }
        let last = try store.read(from: built.position, limit: 1).first
        let when = last.map { " (recorded \($0.recordedAt.date.formatted(.iso8601)))" } ?? ""
        print(String(format: "replayed %@ up to position %llu%@ in %.2f s into %@", names?.joined(separator: ", ") ?? "all read models",
                     built.position, when, built.seconds, out))
        for status in built.host.status() where names?.contains(status.name) ?? true {
            print("  \(status.name): position \(status.position)")
        }
    }
}
