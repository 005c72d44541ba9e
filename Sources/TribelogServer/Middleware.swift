import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TribeDomain

/// The one middleware: reads the bearer token, turns every error into the API's JSON
/// error, and for every request logs one line (request id, route, status, duration,
/// actor) and records its metrics.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = TribelogContext
    let metrics: ServerMetrics
    let auth: AuthMiddleware

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        var context = context
        do {
            context.actor = try await auth.actor(of: request)
            response = try await next(request, context)
        } catch {
            var apiError = APIError.from(error)
            if let routing = error as? HTTPError, routing.status == .notFound {
                // The router matched no route: a documented path with another method is a 405.
                let allowed = DocumentedMethods.served.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    apiError = APIError(.methodNotAllowed, code: "method_not_allowed",
                                        "\(request.method.rawValue) is not a method of this path: use \(allowed.joined(separator: " or ")) (see GET /openapi.json)",
                                        headers: [.allow: allowed.joined(separator: ", ")])
                }
            }
            if apiError.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            response = apiError.response()
        }
        let duration = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        let requestID = context.logger[metadataKey: "hb.request.id"].map { "\($0)" } ?? ""
        response.headers[.requestID] = requestID
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code, duration: duration)
        let level: Logger.Level = response.status.code >= 500 ? .warning : .info
        context.logger.log(level: level, "request", metadata: [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
            "duration_ms": "\(String(format: "%.2f", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000))",
            "actor": "\(context.actor?.rawValue ?? "-")",
        ])
        return response
    }
}

/// Reads the bearer token, if any: a valid one sets `context.actor`, an invalid one is 401
/// on every route (a client that sends a broken token should hear so, not be served as
/// anonymous). Event streams may pass it as `?access_token=` (browsers' EventSource
/// cannot send headers).
struct AuthMiddleware {
    let tokens: TokenAuthority

    func actor(of request: Request) async throws -> MemberID? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError.unauthorized("the Authorization header must be `Bearer TOKEN`")
            }
            // Trimmed in Swift: Foundation's trimmingCharacters(in:) goes through NSString and was 6% of a feed request.
            var token = parts[1].drop { $0 == " " || $0 == "\t" }
            while token.last == " " || token.last == "\t" { token = token.dropLast() }
            return try await tokens.member(of: String(token))
        }
        if request.uri.path.hasSuffix("/events"), let token = request.uri.queryParameters.get("access_token") {
            return try await tokens.member(of: token)
        }
        return nil
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
