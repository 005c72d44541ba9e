import EventLog
import Logging
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

/// Random valid histories (the demo planner with a random seed, every command through the
/// deciders) → each read model equals `OracleWorld`'s plain recomputation.
@Suite struct OracleTests {
    static let seeds: [UInt64] = [11, 23, 37, 41, 53]

    private func world(seed: UInt64) async throws -> (Scenario, OracleWorld) {
        let scenario = try Scenario(TribelogProjections.all())
        var logger = Logger(label: "oracle")
        logger.logLevel = .warning
        let size = DemoSize(tribes: 5, members: 70, partups: 25, seed: seed)
        _ = try await DemoGenerator(size: size, logger: logger).run(into: scenario.store)
        try scenario.host.catchUp()
        return (scenario, try OracleWorld(try scenario.store.read(from: 1, limit: .max)))
    }

    @Test(arguments: seeds) func directoryMatchesTheEventList(seed: UInt64) async throws {
        let (s, world) = try await world(seed: seed)
        try s.host.read(DirectoryModel.projection) { model in
            for (id, tribe) in world.tribes {
                let record = try #require(try DirectoryModel.tribe(model, TribeID(id)))
                #expect(Int(record.members) == tribe.members.count && Int(record.admins) == tribe.admins.count, "tribe \(id)")
                #expect(Int(record.activePartups) == world.activePartups(of: id).count, "tribe \(id)")
            }
            for (id, partup) in world.partups {
                let record = try #require(try DirectoryModel.partup(model, PartupID(id)))
                #expect(Set(record.partners) == partup.partners && record.isDissolved == (partup.dissolvedAt != nil), "part-up \(id)")
            }
        }
    }

    @Test(arguments: seeds) func dashboardsMatchTheEventList(seed: UInt64) async throws {
        let (s, world) = try await world(seed: seed)
        try s.host.read("dashboards") { model in
            for (id, tribe) in world.tribes {
                let board = try #require(try DashboardsModel.tribe(model, tribe: TribeID(id)))
                let partups = world.partups.values.filter { $0.tribe == id }
                let dissolved = partups.compactMap { p in p.dissolvedAt.map { Double($0 - p.launchedAt) / 1_000_000 } }
                #expect(board.members == tribe.members.count && board.admins == tribe.admins.count, "tribe \(id)")
                #expect(board.pendingApplications == tribe.pending.count, "tribe \(id)")
                #expect(board.activePartups == world.activePartups(of: id).count && board.dissolvedPartups == dissolved.count, "tribe \(id)")
                #expect(abs(board.talentUtilisation - world.utilisation(of: id)) < 1e-9, "tribe \(id)")
                if !dissolved.isEmpty {
                    #expect(abs((board.averageLifetimeSeconds ?? 0) - dissolved.reduce(0, +) / Double(dissolved.count)) < 1e-3, "tribe \(id)")
                }
                if !partups.isEmpty {
                    let teams = Double(partups.map(\.largestTeam).reduce(0, +)) / Double(partups.count)
                    #expect(abs((board.averageTeamSize ?? 0) - teams) < 1e-9, "tribe \(id)")
                }
            }
        }
    }

    @Test(arguments: seeds) func collaborationMatchesTheEventList(seed: UInt64) async throws {
        let (s, world) = try await world(seed: seed)
        func list(_ weights: [OracleWorld.Pair: Int]) -> [CollaborationEdge] {
            weights.keys.sorted().map { CollaborationEdge(source: $0.a, target: $0.b, weight: weights[$0]!) }
        }
        try s.host.read("collaboration") { model in
            let whole = try CollaborationModel.edges(model, tribe: nil)
            #expect(whole == list(world.edges))
            for id in world.tribes.keys {
                let edges = try CollaborationModel.edges(model, tribe: TribeID(id))
                #expect(edges == list(world.tribeEdges[id] ?? [:]), "tribe \(id)")
            }
            let tribesOf = Dictionary(grouping: world.tribeEdges.flatMap { tribe, edges in edges.keys.flatMap { [($0.a, tribe), ($0.b, tribe)] } },
                                      by: \.0).mapValues { Set($0.map(\.1)) }
            let bridges = tribesOf.filter { $0.value.count >= 2 }.keys.sorted()
            let found = try CollaborationModel.bridges(model).map(\.member)
            #expect(found == bridges)
        }
    }

    @Test(arguments: seeds) func matchingProposesExactlyWhoMayAndShouldJoin(seed: UInt64) async throws {
        let (s, world) = try await world(seed: seed)
        try s.host.read("matching") { model in
            for id in world.partups.keys.sorted() {
                let found = try MatchingModel.candidates(model, partup: PartupID(id), limit: .max) ?? []
                #expect(Set(found.map(\.member)) == world.candidates(for: id), "part-up \(id)")
                // Best first.
                #expect(zip(found, found.dropFirst()).allSatisfy { $0.score.total >= $1.score.total }, "part-up \(id)")
            }
        }
    }
}
