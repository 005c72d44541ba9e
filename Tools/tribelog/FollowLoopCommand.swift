import ArgumentParser
import EventLog
import Foundation
import ProjectionKit
import TribeDomain
import TribeProjections

/// For crash tests: generates a demo history while the read models follow it live, until
/// killed. Prints "following" once the host runs and each position the models reached.
struct FollowLoopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow-loop", abstract: "Append a demo history while projections follow it (crash tests).",
        shouldDisplay: false)

    @Option(help: "The data folder.") var data: String
    @Option(help: "Seed of the demo history.") var seed: UInt64 = 5

    func run() async throws {
        var options = EventStoreOptions()
        options.logger = ReadModels.logger()
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        let views = try ViewStore.open(directory: store.viewsDirectory, logger: options.logger)
        let host = try ProjectionHost(store: store, views: views, projections: TribelogProjections.all(), logger: options.logger,
                                      batchSize: 64)
        let following = Task { try await host.run() }
        FileHandle.standardOutput.write(Data("following\n".utf8))
        let demo = DemoGenerator(size: DemoSize(tribes: 10, members: 300, partups: 100, seed: seed), logger: options.logger)
        _ = try await demo.run(into: store) { _, _ in
            FileHandle.standardOutput.write(Data("models at \(host.status().map(\.position).min() ?? 0)\n".utf8))
        }
        // Still alive: the test kills the process at a moment of its choosing.
        try await following.value
    }
}
