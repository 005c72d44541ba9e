import Foundation
@testable import TribelogServer

/// Checks answers against the server's own OpenAPI document: the status is one the
/// operation documents, and a JSON body has the documented shape (types, required keys,
/// enum values), so the document cannot drift from the behaviour unnoticed.
struct OpenAPIShape {
    let document: [String: Any]

    init() throws {
        guard let document = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any] else {
            throw TestFailure("openapi.json is not a JSON object")
        }
        self.document = document
    }

    var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }

    /// Every documented operation as `METHOD /path/{template}`.
    var operations: Set<String> {
        Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
    }

    /// What is wrong with `answer` as the answer of `operation` (empty when nothing is).
    func problems(_ operation: String, _ answer: Answer) -> [String] {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, let op = paths[parts[1]]?[parts[0].lowercased()] as? [String: Any] else {
            return ["\(operation) is not documented"]
        }
        let responses = op["responses"] as? [String: Any] ?? [:]
        guard let response = responses[String(answer.status.code)] as? [String: Any] else {
            return ["\(operation) answered \(answer.status.code), which it does not document (\(responses.keys.sorted()))"]
        }
        guard let schema = ((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] else {
            return []
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(answer.text.utf8), options: [.fragmentsAllowed]) else {
            return ["\(operation) documents JSON but answered \(answer.text.prefix(200))"]
        }
        return check(body, against: schema, at: "body")
    }

    private func resolve(_ schema: Any) -> [String: Any] {
        guard let schema = schema as? [String: Any] else { return [:] }
        guard let ref = schema["$ref"] as? String else { return schema }
        let name = String(ref.split(separator: "/").last ?? "")
        return resolve(((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as Any)
    }

    private func check(_ value: Any, against rawSchema: Any, at path: String) -> [String] {
        let schema = resolve(rawSchema)
        if let allowed = schema["enum"] as? [String], let text = value as? String, !allowed.contains(text) {
            return ["\(path) is \"\(text)\", not one of \(allowed)"]
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path) should be an object"] }
            var problems = (schema["required"] as? [String] ?? []).filter { object[$0] == nil }.map { "\(path).\($0) is missing" }
            for (key, propertySchema) in schema["properties"] as? [String: Any] ?? [:] {
                if let property = object[key] { problems += check(property, against: propertySchema, at: "\(path).\(key)") }
            }
            return problems
        case "array":
            guard let array = value as? [Any] else { return ["\(path) should be a list"] }
            return array.enumerated().flatMap { check($1, against: schema["items"] as Any, at: "\(path)[\($0)]") }
        case "string":
            return value is String ? [] : ["\(path) should be a string"]
        case "integer":
            guard let number = value as? NSNumber, !(value is String) else { return ["\(path) should be an integer"] }
            return number.doubleValue == number.doubleValue.rounded() ? [] : ["\(path) should be an integer, not \(number)"]
        case "boolean":
            return value is Bool || value is NSNumber ? [] : ["\(path) should be true or false"]
        default:
            return []
        }
    }
}
