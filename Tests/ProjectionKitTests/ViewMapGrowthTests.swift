import Foundation
import Logging
import Testing

@testable import EventLog
import ProjectionKit

/// The read models' LMDB map, like the log's (MapGrowthTests), starts small and doubles
/// whenever a write fills it: the batch is written again and nothing is lost or doubled.
@Suite struct ViewMapGrowthTests {
    @Test(.timeLimit(.minutes(1))) func readModelsGrowFromATinyMap() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(20_000)
        let tiny = 64 << 10
        do {
            let views = try ViewStore.open(directory: scratch.store.viewsDirectory, logger: Logger(label: "test"), initialMapSize: tiny)
            #expect(views.environment.currentMapSize == tiny)
            let host = try scratch.host([CountingProjection()], views: views, batchSize: 2_000)
            try host.rebuild(host.outdated)  // first start: built from the log
            try await scratch.append(5_000)
            #expect(try host.catchUp() == 5_000)  // then followed
            #expect(views.environment.currentMapSize >= 1 << 20, "the 25,000 feed entries fit in \(views.environment.currentMapSize) bytes?")
            #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
        }

        // Reopened with the same tiny setting: LMDB maps the whole file, the host goes on.
        try await scratch.append(5_000)
        let views = try ViewStore.open(directory: scratch.store.viewsDirectory, logger: Logger(label: "test"), initialMapSize: tiny)
        #expect(views.environment.currentMapSize > tiny, "LMDB maps at least the file")
        let host = try scratch.host([CountingProjection()], views: views)
        #expect(host.outdated.isEmpty)
        #expect(try host.catchUp() == 5_000)
        #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
        #expect(host.status().first?.position == 30_000)
    }

    /// A rebuild writes each model in a transaction of its own while the others still
    /// apply: several of them filling the map at once must each be written again after it
    /// grew, whole and once.
    @Test(.timeLimit(.minutes(1))) func severalModelsRebuiltAtOnceGrowATinyMap() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(20_000)
        let tiny = 64 << 10
        let views = try ViewStore.open(directory: scratch.store.viewsDirectory, logger: Logger(label: "test"), initialMapSize: tiny)
        let names = ["first", "second", "third", "fourth"]
        let host = try scratch.host(names.map { CountingProjection(name: $0) }, views: views)
        try host.rebuild()
        #expect(views.environment.currentMapSize >= 1 << 20)
        let expected = CountingProjection.expected(try scratch.store.read(from: 1, limit: .max))
        for name in names {
            #expect(try CountingProjection.counts(host, name: name) == expected, "\(name)")
        }
        #expect(host.status().allSatisfy { $0.position == 20_000 && $0.state == .following })
    }
}
