import ProjectionKit
import TribeDomain

/// Two members who were partners in the same part-ups at the same time; `source` comes
/// before `target` in id order.
public struct CollaborationEdge: Codable, Sendable, Hashable {
    public var source: String
    public var target: String
    /// How many part-ups they shared.
    public var weight: Int

    public init(source: String, target: String, weight: Int) {
        self.source = source
        self.target = target
        self.weight = weight
    }
}

/// A member who collaborated in two tribes or more, and those tribes (sorted by id).
public struct Bridge: Codable, Sendable, Hashable {
    public var member: String
    public var tribes: [String]
}

/// Reads the collaboration model; exports live in `CollaborationExport`.
public enum CollaborationModel {
    /// The edges of one tribe's part-ups, or of the whole platform with nil, sorted by
    /// source then target.
    public static func edges(_ model: ModelReader, tribe: TribeID?) throws -> [CollaborationEdge] {
        let prefix = tribe.map(CollaborationKeys.tribeEdges) ?? CollaborationKeys.edges
        var edges: [CollaborationEdge] = []
        try model.scanCounts(under: prefix) { cursor, weight in
            guard let source = cursor.string(), let target = cursor.string() else { return }
            edges.append(CollaborationEdge(source: source, target: target, weight: Int(weight)))
        }
        return edges
    }

    /// Members with collaborators in at least two tribes, sorted by member id.
    public static func bridges(_ model: ModelReader) throws -> [Bridge] {
        var bridges: [Bridge] = []
        var current: Bridge?
        func close() {
            if let done = current, done.tribes.count >= 2 { bridges.append(done) }
        }
        // Keys are member then tribe: one member's tribes are consecutive.
        try model.scan(prefix: CollaborationKeys.memberTribes) { key, _ in
            var cursor = KeyCursor(key, after: CollaborationKeys.memberTribes)
            guard let member = cursor.string(), let tribe = cursor.string() else { return true }
            if current?.member == member {
                current?.tribes.append(tribe)
            } else {
                close()
                current = Bridge(member: member, tribes: [tribe])
            }
            return true
        }
        close()
        return bridges
    }

    /// `source,target,weight` with a header line, one row per edge in the given order.
    public static func csv(_ edges: [CollaborationEdge]) -> String {
        CollaborationExport.csv(edges)
    }

    /// GraphML: an undirected graph whose nodes are the members on the edges.
    public static func graphML(_ edges: [CollaborationEdge]) -> String {
        CollaborationExport.graphML(edges)
    }

    /// Components and density of one tribe's graph (or the platform's with nil).
    public static func summary(_ model: ModelReader, tribe: TribeID?) throws -> CollaborationSummary {
        CollaborationSummary(try edges(model, tribe: tribe))
    }
}
