import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct CollaborationTests {
    /// Tribe t1: p1 with ann, bob, cat, where bob leaves, dan joins and bob rejoins; p2 with
    /// ann and bob. Tribe t2: p3 with eve and bob.
    private func twoTribes() async throws -> Scenario {
        let scenario = try Scenario([CollaborationProjection()])
        try await scenario.register(["ann", "bob", "cat", "dan", "eve"])
        try await scenario.run(CreateTribe(tribe: "t1", name: "One", privacy: .open), as: "ann")
        for member: MemberID in ["bob", "cat", "dan"] { try await scenario.run(ApplyToTribe(tribe: "t1"), as: member) }
        try await scenario.run(LaunchPartup(tribe: "t1", partup: "p1", title: "First"), as: "ann")
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p1"), as: "bob")
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p1"), as: "cat")
        try await scenario.run(LeavePartup(tribe: "t1", partup: "p1"), as: "bob")
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p1"), as: "dan")
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p1"), as: "bob")
        try await scenario.run(LaunchPartup(tribe: "t1", partup: "p2", title: "Second"), as: "ann")
        try await scenario.run(JoinPartup(tribe: "t1", partup: "p2"), as: "bob")
        try await scenario.run(CreateTribe(tribe: "t2", name: "Two", privacy: .open), as: "eve")
        try await scenario.run(ApplyToTribe(tribe: "t2"), as: "bob")
        try await scenario.run(LaunchPartup(tribe: "t2", partup: "p3", title: "Third"), as: "eve")
        try await scenario.run(JoinPartup(tribe: "t2", partup: "p3"), as: "bob")
        return scenario
    }

    private func edges(_ scenario: Scenario, _ tribe: TribeID?) throws -> [CollaborationEdge] {
        try scenario.host.read("collaboration") { try CollaborationModel.edges($0, tribe: tribe) }
    }

    private func edge(_ source: String, _ target: String, _ weight: Int) -> CollaborationEdge {
        CollaborationEdge(source: source, target: target, weight: weight)
    }

    @Test func weightsCountSharedPartupsOncePerPartup() async throws {
        let scenario = try await twoTribes()
        // ann–bob shared p1 and p2 (bob's rejoin of p1 does not count again); bob met dan on rejoining
        #expect(try edges(scenario, "t1") == [edge("ann", "bob", 2), edge("ann", "cat", 1), edge("ann", "dan", 1),
                                             edge("bob", "cat", 1), edge("bob", "dan", 1), edge("cat", "dan", 1)])
        #expect(try edges(scenario, "t2") == [edge("bob", "eve", 1)])
        #expect(try edges(scenario, nil) == [edge("ann", "bob", 2), edge("ann", "cat", 1), edge("ann", "dan", 1),
                                             edge("bob", "cat", 1), edge("bob", "dan", 1), edge("bob", "eve", 1),
                                             edge("cat", "dan", 1)])
    }

    @Test func membersWhoCollaborateInTwoTribesBridgeThem() async throws {
        let scenario = try await twoTribes()
        let bridges = try scenario.host.read("collaboration") { try CollaborationModel.bridges($0) }
        #expect(bridges == [Bridge(member: "bob", tribes: ["t1", "t2"])])
    }

    @Test func csvHasOneSortedRowPerPair() async throws {
        let scenario = try await twoTribes()
        #expect(CollaborationModel.csv(try edges(scenario, nil)) == """
            source,target,weight
            ann,bob,2
            ann,cat,1
            ann,dan,1
            bob,cat,1
            bob,dan,1
            bob,eve,1
            cat,dan,1

            """)
        #expect(CollaborationModel.csv([edge("a,1", "b\"2", 3)]) == "source,target,weight\n\"a,1\",\"b\"\"2\",3\n")
    }

    @Test func graphMLParsesWithEscapedIds() throws {
        let graph = [edge("a&b", "c<d>", 2), edge("c<d>", "e\"'f", 1)]
        let parsed = try GraphMLReading(CollaborationModel.graphML(graph))
        #expect(parsed.edgeDefault == "undirected")
        #expect(parsed.nodes == ["a&b", "c<d>", "e\"'f"])
        #expect(parsed.edges == [["a&b", "c<d>", "2"], ["c<d>", "e\"'f", "1"]])
        #expect(parsed.keys == ["weight"])
    }

    @Test func summaryCountsComponentsAndDensity() {
        let summary = CollaborationSummary([edge("a", "b", 2), edge("b", "c", 1), edge("x", "y", 1)])
        #expect((summary.members, summary.edges, summary.totalWeight) == (5, 3, 4))
        #expect((summary.components, summary.largestComponent) == (2, 3))
        #expect(summary.density == 0.3)
    }
}

/// What XMLParser finds in a GraphML document.
private final class GraphMLReading: NSObject, XMLParserDelegate {
    var nodes: [String] = []
    var edges: [[String]] = []
    var keys: [String] = []
    var edgeDefault = ""
    private var text = ""

    init(_ xml: String) throws {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        text = ""
        switch element {
        case "node": nodes.append(attributes["id"] ?? "")
        case "edge": edges.append([attributes["source"] ?? "", attributes["target"] ?? ""])
        case "key": keys.append(attributes["id"] ?? "")
        case "graph": edgeDefault = attributes["edgedefault"] ?? ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "data", !edges.isEmpty { edges[edges.count - 1].append(text) }
    }
}
