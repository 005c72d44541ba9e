import EventLog
import Foundation
import HTTPTypes
import Testing
@testable import TribelogServer

/// Command bodies against their schemas in openapi.json: `null` is no value of any type the
/// document gives a field, so each field of each body sent as null is a 400 naming it, and
/// nothing is appended (an optional field read as "left out" would silently mean something
/// else, e.g. `"regions": null` keeping the old regions).
@Suite("Command bodies with null fields", .timeLimit(.minutes(1)))
struct ApiConformanceBodyTests {
    @Test("every field of every documented body, sent as null, is 400 naming the field; the log does not move")
    func nullFields() async throws {
        try await ConformanceWorld.run { world in
            let head = world.api.head
            var sent = 0
            for (route, method, schema) in world.shape.requestBodies {
                let properties = schema["properties"] as? [String: Any] ?? [:]
                for field in properties.keys.sorted() {
                    var body = properties.mapValues { ConformanceWorld.sample($0, in: world.shape) }
                    body[field] = NSNull()
                    let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
                    let answer = try await world.request(HTTPRequest.Method(method.uppercased())!, world.concrete(route), json: json)
                    sent += 1
                    #expect(answer.status == .badRequest, "\(method) \(route) \(json): \(answer.status) \(answer.text)")
                    #expect(answer.errorMessage.contains("'\(field)'") && answer.errorMessage.contains("null"), "\(route) \(json): \(answer.errorMessage)")
                    #expect(world.shape.problems("\(method.uppercased()) \(route)", answer) == [], "\(route) \(json)")
                }
            }
            #expect(sent >= 25, "the document's bodies gave only \(sent) fields")
            #expect(world.api.head == head, "a body with a null field appended")
        }
    }

    @Test("PUT /members/me/profile with regions null keeps nothing from it: 400, the profile unchanged")
    func profileWithNullRegions() async throws {
        try await ConformanceWorld.run { world in
            let head = world.api.head
            let answer = try await world.request(.put, "/members/me/profile", json: #"{"skills": [], "regions": null}"#)
            #expect(answer.status == .badRequest)
            #expect(answer.errorMessage == "the field 'regions' is null: give it a list of strings, or leave the field out")
            #expect(world.api.head == head)
        }
    }

    @Test("marking notifications read past the log's head is 422 position_not_in_log")
    func readMarkPastTheHead() async throws {
        try await ConformanceWorld.run { world in
            let head = world.api.head
            let answer = try await world.request(.post, "/members/me/notifications/read", json: #"{"upTo":\#(head + 1)}"#)
            #expect(answer.status == .unprocessableContent && answer.errorCode == "position_not_in_log", "\(answer.text)")
            #expect(world.shape.problems("POST /members/me/notifications/read", answer) == [])
            #expect(world.api.head == head)
            #expect(try await world.request(.post, "/members/me/notifications/read", json: #"{"upTo":\#(head)}"#).status == .ok)
        }
    }
}

extension OpenAPIShape {
    /// Every documented JSON request body: its route, method and resolved schema.
    var requestBodies: [(route: String, method: String, schema: [String: Any])] {
        paths.keys.sorted().flatMap { route in
            (paths[route] ?? [:]).keys.sorted().compactMap { method in
                let operation = paths[route]?[method] as? [String: Any]
                let content = (operation?["requestBody"] as? [String: Any])?["content"] as? [String: Any]
                guard let schema = (content?["application/json"] as? [String: Any])?["schema"] else { return nil }
                return (route, method, resolved(schema))
            }
        }
    }

    func resolved(_ schema: Any) -> [String: Any] {
        guard let schema = schema as? [String: Any], let ref = schema["$ref"] as? String else { return schema as? [String: Any] ?? [:] }
        let name = String(ref.split(separator: "/").last ?? "")
        return resolved(((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as Any)
    }
}

extension ConformanceWorld {
    /// A value of the field's documented type (its first enum value when it has some): what
    /// it means does not matter, only that it decodes, so that the null is the one fault.
    static func sample(_ schema: Any, in shape: OpenAPIShape) -> Any {
        let schema = shape.resolved(schema)
        if let first = (schema["enum"] as? [Any])?.first { return first }
        switch schema["type"] as? String {
        case "integer": return 0
        case "boolean": return false
        case "array": return [sample(schema["items"] as Any, in: shape)]
        case "object": return [String: Any]()
        default: return "bob"
        }
    }
}
