import ArgumentParser
import EventLog
import Foundation
import ProjectionKit

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the data folder's read models from the log.",
        discussion: """
            Builds each read model from position 1 into a fresh database and swaps it in at \
            the end, so readers see the old model until the new one is whole. Needs the data \
            folder to itself: stop a server running on it first.

            Examples:
              tribelog rebuild --data ./data
              tribelog rebuild --data ./data --projection feeds
            """)

    @Option(help: "The data folder.") var data: String
    @Option(help: "Rebuild only this read model.") var projection: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let names = try ReadModels.chosen(projection)
        var options = EventStoreOptions()
        options.automaticIndexing = false
        options.logger = ReadModels.logger()
        // Opened for writing only to hold the folder's writer lock: a running server would
        // be following these read models.
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let views = try ViewStore.open(directory: store.viewsDirectory, logger: options.logger)
        let built = try ReadModels.build(from: store, into: views, names: names, until: nil, label: "rebuilding")
        let models = names?.joined(separator: ", ") ?? "all read models"
        if json {
            return try JSONOutput.print(built.result(names))
        }
        print(String(format: "rebuilt %@ from %llu events in %.2f s (%.0f events/s)", models, built.position, built.seconds,
                     built.eventsPerSecond))
    }
}

extension ReadModels.Built {
    var eventsPerSecond: Double { Double(position) / max(seconds, 1e-9) }

    /// What `rebuild --json` and `replay --json` print.
    func result(_ names: [String]?) -> RebuildResult {
        RebuildResult(models: names ?? host.status().map(\.name), events: position, seconds: seconds, eventsPerSecond: eventsPerSecond)
    }
}

struct RebuildResult: Encodable {
    let models: [String]
    let events: Position
    let seconds: Double
    let eventsPerSecond: Double
}
