import Foundation
import HTTPTypes

/// Which methods `openapi.json` documents for a request path, so that a method the path
/// does not take answers 405 with `Allow` (RFC 9110 §15.5.6) rather than the router's 404,
/// which would tell a client the path does not exist.
struct DocumentedMethods: Sendable {
    private struct Path: Sendable {
        /// Literal segments, nil where the document has a `{parameter}`.
        let segments: [String?]
        let methods: [String]
    }

    private let paths: [Path]

    /// Read from the served document once, when the server starts.
    static let served = DocumentedMethods(document: OpenAPIDocument.bytes)

    init(document: [UInt8]) {
        let json = (try? JSONSerialization.jsonObject(with: Data(document))) as? [String: Any]
        let documented = json?["paths"] as? [String: [String: Any]] ?? [:]
        let verbs: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        paths = documented.map { template, operations in
            Path(segments: Self.segments(template).map { $0.hasPrefix("{") ? nil : String($0) },
                 methods: operations.keys.filter(verbs.contains).map { $0.uppercased() }.sorted())
        }
    }

    /// The documented methods of the path `uri` names (query left out); empty when the
    /// document has no such path.
    func methods(for uri: String) -> [String] {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let segments = Self.segments(path)
        let matching = paths.filter { documented in
            documented.segments.count == segments.count
                && zip(documented.segments, segments).allSatisfy { literal, segment in literal.map { $0 == segment } ?? !segment.isEmpty }
        }
        return Array(Set(matching.flatMap(\.methods))).sorted()
    }

    private static func segments(_ path: some StringProtocol) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { Substring($0) }
    }
}
