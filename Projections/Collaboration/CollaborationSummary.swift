/// The shape of a collaboration graph: how many groups of people work together, and how
/// tightly.
public struct CollaborationSummary: Codable, Sendable, Hashable {
    /// Members with at least one edge.
    public var members: Int
    public var edges: Int
    /// Sum of the edge weights (pairings over all part-ups).
    public var totalWeight: Int
    /// Connected components (groups linked by chains of collaborations).
    public var components: Int
    /// Members in the largest component.
    public var largestComponent: Int
    /// edges / possible pairs of members, 0 below two members.
    public var density: Double

    public init(_ graph: [CollaborationEdge]) {
        var parent: [String: String] = [:]
        func root(_ node: String) -> String {
            var node = node
            while let up = parent[node], up != node {
                parent[node] = parent[up]  // path halving
                node = up
            }
            return node
        }
        for edge in graph {
            for end in [edge.source, edge.target] where parent[end] == nil { parent[end] = end }
            let (a, b) = (root(edge.source), root(edge.target))
            if a != b { parent[a] = b }
        }
        var sizes: [String: Int] = [:]
        for node in parent.keys { sizes[root(node), default: 0] += 1 }
        members = parent.count
        edges = graph.count
        totalWeight = graph.reduce(0) { $0 + $1.weight }
        components = sizes.count
        largestComponent = sizes.values.max() ?? 0
        density = members < 2 ? 0 : Double(edges) / (Double(members) * Double(members - 1) / 2)
    }
}
