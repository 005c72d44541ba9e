import EventLog
import Foundation
import Logging
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

/// A demo history followed in small batches, then rebuilt (every model at once, each on a
/// thread of its own, in one chunk): every model must come out byte for byte the same.
@Suite struct DemoRebuildTests {
    @Test func everyModelRebuiltFromADemoHistoryEqualsTheFollowedOne() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-demo-rebuild-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        var logger = Logger(label: "demo-rebuild")
        logger.logLevel = .warning
        var options = EventStoreOptions()
        options.durability = .noSync
        options.logger = logger
        let store = try EventStore.open(directory: url, options: options)
        defer { store.close() }
        let views = try ViewStore.open(directory: store.viewsDirectory, logger: logger)
        let projections = TribelogProjections.all()
        let host = try ProjectionHost(store: store, views: views, projections: projections, logger: logger, batchSize: 97)
        try host.rebuild()

        _ = try await DemoGenerator(size: DemoSize(tribes: 12, members: 300, partups: 120, seed: 3), logger: logger).run(into: store)
        #expect(store.head > 2_000)
        try host.catchUp()

        /// Every entry of every model, by projection.
        func dumps() throws -> [String: [[UInt8]]] {
            var found: [String: [[UInt8]]] = [:]
            for projection in projections {
                found[projection.name] = try host.read(projection.name) { model in
                    var entries: [[UInt8]] = []
                    try model.scanAll { key, value in
                        entries.append(Array(key) + [0xFF, 0xFE] + Array(value))
                        return true
                    }
                    return entries
                }
            }
            return found
        }
        let followed = try dumps()
        try host.rebuild()
        let rebuilt = try dumps()
        #expect(Set(followed.keys) == Set(projections.map(\.name)))
        for (name, model) in followed {
            #expect(model.count > 100, "\(name)")
            #expect(rebuilt[name] == model, "\(name)")
        }
    }
}
