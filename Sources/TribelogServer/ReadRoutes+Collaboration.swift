import Foundation
import Hummingbird
import TribeDomain
import TribeProjections

/// `GET /collaboration`: who worked with whom, in the tribes the viewer may see inside.
extension ReadRoutes {
    /// The co-partner graph of one tribe (`?tribe=`), or of every tribe the viewer may see
    /// inside, as JSON, CSV (`source,target,weight`) or GraphML.
    @Sendable func collaboration(_ request: Request, context: TribelogContext) async throws -> Response {
        let viewer = try context.requireActor()
        try await server.waitForAfter(request, projection: directory)
        try await server.waitForAfter(request, projection: "collaboration")
        let format = request.uri.queryParameters.get("format") ?? "json"
        guard ["json", "csv", "graphml"].contains(format) else {
            throw APIError.badRequest("format=\(format.prefix(40)) is not a format of this route: pass json, csv or graphml, or leave it out for json")
        }
        let tribe = try request.uri.queryParameters.get("tribe").map { raw -> TribeID in
            guard let id = try? TribeID(raw) else { throw APIError.notFound("there is no tribe \(raw)") }
            return id
        }
        let tribes: [TribeID] = try server.read(directory) { model in
            if let tribe {
                _ = try server.fullyVisibleTribe(tribe, viewer: viewer, in: model, what: "collaborations")
                return [tribe]
            }
            return try DirectoryModel.allTribes(model).filter { try DirectoryModel.visibility(of: $0, to: viewer, in: model) == .full }
                .map { try TribeID($0.id) }
        }
        let edges = try server.read("collaboration") { model in
            var weights: [Pair: Int] = [:]
            for tribe in tribes {
                for edge in try CollaborationModel.edges(model, tribe: tribe) {
                    weights[Pair(source: edge.source, target: edge.target), default: 0] += edge.weight
                }
            }
            return weights.map { CollaborationEdge(source: $0.key.source, target: $0.key.target, weight: $0.value) }
                .sorted { $0.source != $1.source ? $0.source < $1.source : $0.target < $1.target }
        }
        switch format {
        case "csv":
            return Self.text(CollaborationModel.csv(edges), type: "text/csv; charset=utf-8")
        case "graphml":
            return Self.text(CollaborationModel.graphML(edges), type: "application/graphml+xml; charset=utf-8")
        default:
            struct Graph: Encodable {
                var tribe: String?
                var edges: [CollaborationEdge]
            }
            return try JSON.response(Graph(tribe: tribe?.rawValue, edges: edges))
        }
    }

    /// An edge's ends, summing weights across tribes.
    struct Pair: Hashable {
        var source: String
        var target: String
    }
}
