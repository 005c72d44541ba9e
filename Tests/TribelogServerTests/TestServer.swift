import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TribeDomain
@testable import TribelogServer

/// A server on a fresh data folder, on 127.0.0.1 with an ephemeral port (HummingbirdTesting's `.live`).
struct TestServer {
    static let secret = "tribelog-test-secret-0123456789-abcdefgh"

    static func run<T: Sendable>(_ tweak: (inout ServerSettings) -> Void = { _ in },
                                 _ body: @Sendable (TestAPI) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "tribelog.server.test")
        logger.logLevel = ProcessInfo.processInfo.environment["TRIBELOG_DEBUG"] == nil ? .critical : .debug
        var settings = ServerSettings(data: folder, host: "127.0.0.1", port: 0, jwtSecret: secret, heartbeat: .seconds(1),
                                      durability: .noSync, logger: logger)
        tweak(&settings)
        let server = try await TribelogServer(settings: settings)
        let app = server.application()
        return try await app.test(.live) { client in
            try await body(TestAPI(client: client, server: server))
        }
    }
}

/// One answer, with its body parsed as JSON when it is.
struct Answer: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    var position: UInt64 { (json["position"] as? NSNumber)?.uint64Value ?? 0 }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
}

struct TestAPI: Sendable {
    let client: any TestClientProtocol
    let server: TribelogServer

    var head: Position { server.store.head }
    var port: Int { client.port ?? 0 }

    func token(_ member: String, lifetime: TimeInterval = 3_600) async throws -> String {
        try await server.tokens.issue(member: try MemberID(member), lifetime: lifetime)
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, as member: String? = nil, json: String? = nil,
                 headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        if let member { headers[.authorization] = "Bearer \(try await token(member))" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Answer(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    func get(_ uri: String, as member: String? = nil, headers: HTTPFields = [:]) async throws -> Answer {
        try await request(.get, uri, as: member, headers: headers)
    }

    func post(_ uri: String, as member: String? = nil, _ json: String = "{}", headers: HTTPFields = [:]) async throws -> Answer {
        try await request(.post, uri, as: member, json: json, headers: headers)
    }

    /// Registers members and checks each answer.
    func register(_ ids: String...) async throws {
        for id in ids {
            let answer = try await post("/members", #"{"id":"\#(id)","name":"\#(id.capitalized)"}"#)
            guard answer.status == .created else { throw TestFailure("registering \(id): \(answer.status) \(answer.text)") }
        }
    }

    /// Sends a command and fails unless it succeeded; returns its answer.
    @discardableResult
    func command(_ method: HTTPRequest.Method, _ uri: String, as member: String, _ json: String? = nil) async throws -> Answer {
        let answer = try await request(method, uri, as: member, json: json)
        guard answer.status == .ok || answer.status == .created else {
            throw TestFailure("\(method) \(uri) as \(member): \(answer.status) \(answer.text)")
        }
        return answer
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
