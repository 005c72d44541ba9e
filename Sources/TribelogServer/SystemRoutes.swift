import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import ProjectionKit

/// `/health`, `/metrics` and `/openapi.json`.
struct SystemRoutes {
    let server: TribelogServer

    func addRoutes(to router: Router<TribelogContext>) {
        router.get("/health", use: health)
        router.get("/metrics", use: metrics)
        router.get("/openapi.json", use: openAPI)
    }

    struct Health: Encodable {
        struct Projection: Encodable {
            var name: String
            var position: Position
            var lagEvents: UInt64
            var state: String
            var error: String?
        }
        var status: String
        var head: Position
        var projections: [Projection]
    }

    /// 200 {"status":"ok"} while every read model follows or rebuilds; 200 "degraded" while
    /// they cannot be stored (reads answer, from models that stopped moving); 503 "failing"
    /// when one stopped.
    @Sendable func health(_ request: Request, context: TribelogContext) async throws -> Response {
        let projections = server.host.status().map { status -> Health.Projection in
            switch status.state {
            case .following: Health.Projection(name: status.name, position: status.position, lagEvents: status.lagEvents, state: "following")
            case .rebuilding: Health.Projection(name: status.name, position: status.position, lagEvents: status.lagEvents, state: "rebuilding")
            case .stalled(let message):
                Health.Projection(name: status.name, position: status.position, lagEvents: status.lagEvents, state: "stalled", error: message)
            case .failed(let message):
                Health.Projection(name: status.name, position: status.position, lagEvents: status.lagEvents, state: "failed", error: message)
            }
        }
        let failing = projections.contains { $0.state == "failed" }
        let degraded = projections.contains { $0.state == "stalled" }
        return try JSON.response(Health(status: failing ? "failing" : degraded ? "degraded" : "ok", head: server.store.head, projections: projections),
                                 status: failing ? .serviceUnavailable : .ok)
    }

    @Sendable func metrics(_ request: Request, context: TribelogContext) async throws -> Response {
        let bytes = server.metrics.render(head: server.store.head, writer: server.writerStatistics(), projections: server.host.status())
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func openAPI(_ request: Request, context: TribelogContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
    }
}

/// The OpenAPI 3 document, a resource of this module.
public enum OpenAPIDocument {
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            return Array(#"{"openapi":"3.0.3","info":{"title":"Tribelog","version":"1"},"paths":{}}"#.utf8)
        }
        return Array(data)
    }()
}
