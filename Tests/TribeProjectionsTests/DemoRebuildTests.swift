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
    static let spaces: [String: [String]] = [
        "directory": ["tribe", "membership", "member-of", "member", "partup", "tribe-partup"],
        "dashboards": DashboardsKeys.spaces,
        "matching": MatchingKeys.spaces,
        "collaboration": CollaborationKeys.spaces,
    ]

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
        #expect(Set(projections.map(\.name)) == Set(Self.spaces.keys))
        let host = try ProjectionHost(store: store, views: views, projections: projections, logger: logger, batchSize: 97)
        try host.rebuild()

        _ = try await DemoGenerator(size: DemoSize(tribes: 12, members: 300, partups: 120, seed: 3), logger: logger).run(into: store)
        #expect(store.head > 2_000)
        try host.catchUp()

        func dumps() throws -> [String: ModelDump] {
            var found: [String: ModelDump] = [:]
            for (name, spaces) in Self.spaces { found[name] = try host.read(name) { try ModelDump($0, spaces: spaces) } }
            return found
        }
        let followed = try dumps()
        try host.rebuild()
        let rebuilt = try dumps()
        for (name, model) in followed {
            #expect(model.entries.count == model.total, "a key space of \(name) is missing from the dump")
            #expect(model.total > 100, "\(name)")
            #expect(rebuilt[name] == model, "\(name)")
        }
    }
}
