import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

/// A model rebuilt from position 1 must be byte for byte the model that followed the log.
@Suite struct RebuiltEqualsFollowedTests {
    private func history() async throws -> Scenario {
        let scenario = try Scenario(TribelogProjections.all())
        try await Stories.closedTribe(scenario)
        try await Stories.openTribe(scenario)
        try await Stories.closedTribeLater(scenario)
        return scenario
    }

    @Test(arguments: [
        ("dashboards", DashboardsKeys.spaces), ("matching", MatchingKeys.spaces), ("collaboration", CollaborationKeys.spaces),
    ])
    func rebuiltModelEqualsTheFollowedOne(projection: String, spaces: [String]) async throws {
        let scenario = try await history()
        let models = try scenario.rebuildAndRead(projection) { try ModelDump($0, spaces: spaces) }
        #expect(models.followed.entries.count == models.followed.total, "a key space is missing from the dump")
        #expect(models.followed.total > 20)
        #expect(models.rebuilt == models.followed)
    }

    @Test func readResultsAgreeAfterRebuild() async throws {
        let scenario = try await history()
        let dashboards = try scenario.rebuildAndRead("dashboards") {
            [try DashboardsModel.tribe($0, tribe: "t1"), try DashboardsModel.tribe($0, tribe: "t2")]
        }
        #expect(dashboards.rebuilt == dashboards.followed)
        let matching = try scenario.rebuildAndRead("matching") { model in
            MatchingReads(candidates: try MatchingModel.candidates(model, partup: "p3", limit: 5),
                          partups: try ["bob", "dan", "fay"].map { try MatchingModel.partups(model, member: $0, limit: 5) })
        }
        #expect(matching.rebuilt == matching.followed)
        let collaboration = try scenario.rebuildAndRead("collaboration") {
            try CollaborationModel.csv(CollaborationModel.edges($0, tribe: nil))
        }
        #expect(collaboration.rebuilt == collaboration.followed)
        #expect(collaboration.followed.contains("bob,fay,1"))
    }
}

private struct MatchingReads: Equatable {
    var candidates: [Candidate]?
    var partups: [[PartupMatch]]
}
