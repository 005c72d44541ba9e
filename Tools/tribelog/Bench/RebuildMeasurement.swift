import EventLog
import Foundation
import Logging
import ProjectionKit
import TribeDomain
import TribeProjections

extension Measurements {
    struct Rebuilt {
        var events: Int
        var seconds: Double
    }

    /// A demo-size history (DemoGenerator's default size), generated untimed into `folder`
    /// through the domain's commands; then a timed full rebuild of every read model from
    /// it, as `tribelog rebuild` does on a data folder.
    static func rebuild(in folder: URL) async throws -> Rebuilt {
        var demoOptions = options(automaticIndexing: true)
        demoOptions.durability = .noSync
        let demo = try EventStore.open(directory: folder, options: demoOptions)
        do {
            _ = try await DemoGenerator(size: DemoSize(), logger: demoOptions.logger).run(into: demo)
        } catch {
            demo.close()
            throw error
        }
        demo.close()  // syncs the log and stops its indexer, which would share the cores

        let store = try EventStore.open(directory: folder, options: options(automaticIndexing: false))
        defer { store.close() }
        let views = try ViewStore.open(directory: store.viewsDirectory, logger: store.options.logger)
        let host = try ProjectionHost(store: store, views: views, projections: TribelogProjections.all(), logger: store.options.logger)
        let start = ContinuousClock.now
        try host.rebuild()
        let elapsed = seconds(since: start)
        guard host.status().allSatisfy({ $0.position == store.head && $0.state == .following }) else {
            throw BenchError("the rebuild left a read model behind the head of the log: \(host.status())")
        }
        return Rebuilt(events: Int(store.head), seconds: elapsed)
    }
}
