import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import ProjectionKit
import TribeDomain

/// An error the API answers with `{"error":{"code":"…","message":"…"}}`. The message says
/// what went wrong and what to do.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }
    static func invalid(_ message: String) -> APIError { APIError(.unprocessableContent, code: "invalid_input", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message) }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message) }
    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message, headers: [.wwwAuthenticate: "Bearer"])
    }
    static func unavailable(_ message: String, retryAfter seconds: Int = 1) -> APIError {
        APIError(.serviceUnavailable, code: "unavailable", message, headers: [.retryAfter: "\(seconds)"])
    }
    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", "the request body is larger than \(limit) bytes: send less")
    }

    /// The API error for anything a handler or the router threw.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DomainError:
            switch error.kind {
            case .invalidInput: return APIError(.unprocessableContent, code: "invalid_input", error.description)
            case .notFound: return APIError(.notFound, code: "not_found", error.description)
            case .forbidden: return APIError(.forbidden, code: "forbidden", error.description)
            case .conflict: return APIError(.conflict, code: "conflict", error.description)
            }
        case let error as CommandContention:
            return APIError(.serviceUnavailable, code: "contention", error.description, headers: [.retryAfter: "1"])
        case let error as ProjectionUnavailable:
            return .unavailable(error.description, retryAfter: 2)
        case let error as LMDBError where error.isDiskFull:
            // Nothing of the command was written; the folder's path stays in the server's log.
            return APIError(.serviceUnavailable, code: "disk_full",
                            "the server's disk is full, so this command was not recorded: retry later, once the operator has freed space on the data folder's disk (everything acknowledged before is safe)",
                            headers: [.retryAfter: "30"])
        case let error as AppendNotConfirmed:
            // Retrying with the same Idempotency-Key is safe: a stored command answers as before.
            return .unavailable("the command was written but the disk did not confirm it (\(error.cause)): retry with the same Idempotency-Key later", retryAfter: 30)
        case let error as EventStoreUnavailable:
            return .unavailable("the event log cannot take commands right now (\(error.description)): retry later", retryAfter: 30)
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound: return .notFound("there is no such route: see GET /openapi.json for the routes")
            case .methodNotAllowed:
                return APIError(.methodNotAllowed, code: "method_not_allowed", "this route does not take this method: see GET /openapi.json")
            case .contentTooLarge: return APIError(.contentTooLarge, code: "payload_too_large", "the request body is too large: send less")
            default:
                return APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                                (error as? HTTPError)?.body ?? error.status.reasonPhrase)
            }
        default:
            return APIError(.internalServerError, code: "internal",
                            "the server failed to answer (\(String(describing: error).prefix(300))): try again, and report it if it persists")
        }
    }

    func response() -> Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
            }
            var error: Inner
        }
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = (try? JSON.encoder.encode(Body(error: .init(code: code, message: message)))) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
