import EventLog
import Foundation
import Logging
import Testing

@testable import ProjectionKit

@Suite struct RebuildTests {
    /// Every key and value of a model, for comparing a followed model with a rebuilt one.
    static func entries(_ host: ProjectionHost, _ name: String = "counts") throws -> [[UInt8]: [UInt8]] {
        try host.read(name) { model in
            var all: [[UInt8]: [UInt8]] = [:]
            for space in ["type", "tag", "feed"] {
                try model.scan(prefix: ModelKey(space)) { key, value in
                    all[Array(key)] = Array(value)
                    return true
                }
            }
            #expect(all.count == (try model.count()))
            return all
        }
    }

    @Test func aRebuiltModelEqualsTheFollowedOne() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let host = try scratch.host([CountingProjection()], batchSize: 64)
        try host.rebuild()
        for _ in 0..<5 {
            try await scratch.append(333)
            try host.catchUp()
        }
        let followed = try Self.entries(host)
        try host.rebuild(["counts"])
        #expect(try Self.entries(host) == followed)
        #expect(host.status().first?.position == scratch.store.head)
    }

    /// A rebuild applies the projections of a chunk on several threads, each reading what
    /// earlier chunks committed from a snapshot of its own, and reads the next chunk while
    /// it writes: over several chunks, every model must still equal the followed one.
    @Test func concurrentRebuildOfSeveralProjectionsOverSeveralChunksEqualsFollowing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let projections: [any Projection] = [
            CountingProjection(name: "all"),
            CountingProjection(name: "only-a", eventTypes: ["A"]),
            CountingProjection(name: "b-and-c", eventTypes: ["B", "C"]),
            CountingProjection(name: "also-all"),
        ]
        let host = try scratch.host(projections, batchSize: 1_000)
        try host.rebuild()
        try await scratch.append(ProjectionHost.rebuildChunk + 2_345, tags: ["t:1", "t:2", "t:3"])
        try host.catchUp()
        var followed: [String: [[UInt8]: [UInt8]]] = [:]
        for projection in projections { followed[projection.name] = try Self.entries(host, projection.name) }
        #expect(followed["all"] == followed["also-all"])

        try host.rebuild()
        for projection in projections {
            #expect(try Self.entries(host, projection.name) == followed[projection.name], "\(projection.name)")
        }
        let all = try scratch.store.read(from: 1, limit: .max)
        #expect(try CountingProjection.counts(host, name: "only-a") == CountingProjection.expected(all, types: ["A"]))
        #expect(host.status().allSatisfy { $0.position == scratch.store.head && $0.state == .following })
    }

    @Test func aRebuildStopsAtTheFirstProjectionThatFailsAndKeepsTheOldModels() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(300)
        let views = try scratch.views()
        let good = try scratch.host([CountingProjection(name: "good"), CountingProjection(name: "picky")], views: views)
        try good.rebuild()
        let before = try CountingProjection.counts(good, name: "picky")
        try await scratch.append(ProjectionHost.rebuildChunk + 10)
        let failing = try scratch.host([CountingProjection(name: "good"), CountingProjection(name: "picky", failOn: "C")], views: views)
        #expect(throws: ApplyFailure.self) { try failing.rebuild() }
        // Nothing was swapped in: both models are still the ones built before.
        #expect(try CountingProjection.counts(failing, name: "picky") == before)
        #expect(try CountingProjection.counts(failing, name: "good") == before)
    }

    @Test func aNewVersionIsRebuiltOnStartAndTheOldModelIsDropped() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(500)
        let views = try scratch.views()
        let first = try scratch.host([CountingProjection(version: 1)], views: views)
        try first.rebuild()
        #expect(try views.databaseNames().contains("counts@1"))

        let second = try scratch.host([CountingProjection(version: 2)], views: views)
        #expect(second.outdated == ["counts"])
        #expect(throws: ProjectionUnavailable.self) { try CountingProjection.counts(second) }
        let running = Task { try await second.run() }
        defer { running.cancel() }
        #expect(await second.waitUntil(scratch.store.head, projection: "counts", timeout: .seconds(60)))
        #expect(try CountingProjection.counts(second) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
        // The replaced model was emptied in the swap and is dropped on the next start.
        _ = try scratch.host([CountingProjection(version: 2)], views: views)
        #expect(try views.databaseNames().filter { $0.hasPrefix("counts@") } == ["counts@2"])
    }

    @Test func aReaderHoldingTheOldSnapshotKeepsSeeingTheOldModelWhole() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(200)
        let views = try scratch.views()
        let host = try scratch.host([CountingProjection()], views: views)
        try host.rebuild()
        let before = try CountingProjection.counts(host)
        try await scratch.append(100)
        // A read that began before the swap sees the old model, not an emptied one.
        let seenDuringSwap = try host.read("counts") { model -> UInt64 in
            try host.rebuild(["counts"])
            var total: UInt64 = 0
            try model.scan(prefix: ModelKey("type")) { _, value in
                total += CountingProjection.number(Array(value))
                return true
            }
            return total
        }
        #expect(seenDuringSwap == before.filter { $0.key.hasPrefix("type/") }.values.reduce(0, +))
        #expect(try CountingProjection.counts(host)["type/A"] == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max))["type/A"])
    }

    @Test func rebuildUntilAPositionTravelsBackInTime() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(400)
        let host = try scratch.host([CountingProjection()])
        try host.rebuild(until: 150)
        #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: 150)))
        #expect(host.status().first?.position == 150)
    }

    @Test func halfBuiltDatabasesOfAnInterruptedRebuildAreDroppedOnStart() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(50)
        let views = try scratch.views()
        let host = try scratch.host([CountingProjection()], views: views)
        try host.rebuild()
        // What a crash in the middle of the next rebuild leaves behind.
        let leftover = try #require(try views.database("counts@7", create: true))
        try views.write { try $0.put(leftover, [1], [2]) }
        _ = try scratch.host([CountingProjection()], views: views)
        #expect(try views.databaseNames().filter { $0.hasPrefix("counts@") } == ["counts@1"])
    }

    @Test func rebuildReportsProgressUpToItsTarget() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let head = try await scratch.append(ProjectionHost.rebuildChunk + 10)
        let host = try scratch.host([CountingProjection()])
        nonisolated(unsafe) var reports: [Position] = []
        try host.rebuild { position, target in
            #expect(target == head)
            reports.append(position)
        }
        #expect(reports == [Position(ProjectionHost.rebuildChunk), head])
    }
}
