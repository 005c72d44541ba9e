import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TribeDomain

/// The request context of every route: who is asking (the token's subject) and from where.
public struct TribelogContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The member of a valid bearer token; nil without a token.
    public var actor: MemberID?
    /// The client's address (IP without port), for rate limits.
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.actor = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The acting member, or 401.
    func requireActor() throws -> MemberID {
        guard let actor else {
            throw APIError.unauthorized("sign in: send `Authorization: Bearer TOKEN` (get one with `tribelog token --member ID --data DIR`)")
        }
        return actor
    }
}

/// JSON in and out.
enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        response(bytes: try bytes(value), status: status, headers: headers)
    }

    static func bytes<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try encoder.encode(value))
    }

    /// A JSON answer already encoded (e.g. a cached page).
    static func response(bytes: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }

    /// Decodes the request body as `T`: 413 when too large, 400 naming what to fix.
    static func body<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw APIError.tooLarge(limit) }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit)
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("the request has no body: send a JSON object (see GET /openapi.json for its fields)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.reduce(into: "") { path, key in
                if let index = key.intValue { path += "[\(index)]" } else { path += path.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "the field '\(path(context, key))' is missing: add it to the JSON body"
        case .valueNotFound(_, let context):
            return "the field '\(path(context))' is null: give it a value"
        case .typeMismatch(let type, let context):
            let field = path(context)
            return "\(field.isEmpty ? "the body" : "the field '\(field)'") should be \(describe(type)): fix its type"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "the body is not valid JSON: send a JSON object"
            }
            return "the field '\(path(context))' is not valid: \(context.debugDescription)"
        @unknown default:
            return "the body could not be read: send a JSON object"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is UInt64.Type, is Int64.Type: "a number"
        case is [String].Type: "a list of strings"
        default: type is any Collection.Type ? "a list" : "an object"
        }
    }
}
