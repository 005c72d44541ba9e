import EventLog
import Foundation
import Testing

@testable import ProjectionKit

@Suite struct ProjectionHostTests {
    @Test func catchUpAppliesEveryEventOnceAndStoresTheCheckpoint() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let head = try await scratch.append(1_200)
        let host = try scratch.host([CountingProjection()], batchSize: 256)
        try host.rebuild(host.outdated)  // first start: nothing built yet
        #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
        try await scratch.append(300)
        #expect(try host.catchUp() == 300)
        let status = try #require(host.status().first)
        #expect(status.position == head + 300 && status.lagEvents == 0 && status.state == .following)
        #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
    }

    @Test func aReopenedHostResumesFromItsCheckpointWithoutApplyingTwice() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(700)
        do {
            let host = try scratch.host([CountingProjection()])
            try host.rebuild(host.outdated)
            try await scratch.append(100)
            try host.catchUp()
        }
        try await scratch.append(50)
        let reopened = try scratch.host([CountingProjection()])
        #expect(reopened.outdated.isEmpty)
        #expect(reopened.status().first?.position == 800)
        #expect(try reopened.catchUp() == 50)
        #expect(try CountingProjection.counts(reopened) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
    }

    @Test func runFollowsLiveAppendsAndWaitUntilGivesReadYourWrites() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(100)
        let host = try scratch.host([CountingProjection()])
        let running = Task { try await host.run() }
        defer { running.cancel() }
        for round in 1...20 {
            let position = try await scratch.store.append(
                [NewEvent(type: "Live", tags: ["t:live"])], to: "live").positions[0]
            #expect(await host.waitUntil(position, projection: "counts", timeout: .seconds(60)))
            #expect(try CountingProjection.counts(host)["type/Live"] == UInt64(round))
        }
        #expect(await host.waitUntil(scratch.store.head, timeout: .seconds(60)))
    }

    @Test func waitUntilGivesUpAfterItsTimeout() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let head = try await scratch.append(10)
        let host = try scratch.host([CountingProjection()])
        try host.rebuild()
        let start = ContinuousClock.now
        #expect(await host.waitUntil(head + 5, timeout: .milliseconds(200)) == false)
        #expect(ContinuousClock.now - start < .seconds(30))  // gave up, rather than waiting for the head
    }

    @Test func onlyTheEventTypesAProjectionNamesAreApplied() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try await scratch.append(90)
        let host = try scratch.host([CountingProjection(eventTypes: ["A"])])
        try host.rebuild()
        #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max), types: ["A"]))
    }

    /// 30 events, one that "picky" refuses, 30 more; a host of "counts" and "picky".
    private func poisonedLog(_ scratch: Scratch) async throws -> (host: ProjectionHost, bad: Position) {
        try await scratch.append(30, types: ["A"])
        let bad = try await scratch.store.append([NewEvent(type: "Poison")], to: "s").positions[0]
        try await scratch.append(30, types: ["B"])
        return (try scratch.host([CountingProjection(), CountingProjection(name: "picky", failOn: "Poison")]), bad)
    }

    @Test func aFailingProjectionStopsAtItsEventWhileTheOthersGoOn() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (host, bad) = try await poisonedLog(scratch)
        try host.rebuild(["counts"])
        // "picky" has no model yet: build it up to just before the poison, then follow.
        try host.rebuild(["picky"], until: bad - 1)
        try host.catchUp()
        let status = Dictionary(uniqueKeysWithValues: host.status().map { ($0.name, $0) })
        #expect(status["counts"]?.position == scratch.store.head && status["counts"]?.state == .following)
        #expect(status["picky"]?.position == bad - 1)
        guard case .failed(let message)? = status["picky"]?.state else {
            Issue.record("picky should have failed: \(String(describing: status["picky"]))")
            return
        }
        #expect(message.contains("position \(bad)") && message.contains("refused on purpose"))
        #expect(try CountingProjection.counts(host, name: "picky")["type/A"] == 30)
        #expect(await host.waitUntil(scratch.store.head, projection: "picky", timeout: .milliseconds(100)) == false)
    }

    /// On start the outdated models are built together; one that cannot apply an event
    /// must not keep the others (and the server running the host) from starting.
    @Test func aModelThatCannotBeBuiltOnStartLeavesTheOthersFollowing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (host, bad) = try await poisonedLog(scratch)
        #expect(Set(host.outdated) == ["counts", "picky"])
        let running = Task { try await host.run() }
        defer { running.cancel() }
        let live = try await scratch.store.append([NewEvent(type: "Live")], to: "live").positions[0]
        #expect(await host.waitUntil(live, projection: "counts", timeout: .seconds(60)))
        #expect(try CountingProjection.counts(host) == CountingProjection.expected(try scratch.store.read(from: 1, limit: .max)))
        // Picky is marked failed once building the two together has failed (run() is async).
        var picky = host.status().first { $0.name == "picky" }
        let deadline = ContinuousClock.now + .seconds(60)
        while picky?.state == .rebuilding && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            picky = host.status().first { $0.name == "picky" }
        }
        guard case .failed(let message)? = picky?.state else {
            Issue.record("picky should have failed: \(String(describing: picky))")
            return
        }
        #expect(message.contains("position \(bad)") && message.contains("refused on purpose"))
    }
}
