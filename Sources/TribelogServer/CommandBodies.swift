import EventLog
import Foundation
import Hummingbird
import TribeDomain

/// The JSON bodies of the commands (openapi.json describes each). A field that may be left
/// out is `@Omittable`: sent as `null` it is 400, not "left out".
struct RegisterBody: Decodable { @Omittable var id: String?; var name: String }
struct ProfileBody: Decodable { @Omittable var skills: [String]?; @Omittable var regions: [String]? }
struct CreateTribeBody: Decodable {
    @Omittable var id: String?
    var name: String
    var privacy: String
    @Omittable var rules: String?
    @Omittable var onlyAdminsLaunch: Bool?
}
struct RulesBody: Decodable { var rules: String; @Omittable var onlyAdminsLaunch: Bool? }
struct PrivacyBody: Decodable { var privacy: String }
struct ApplyBody: Decodable { @Omittable var motivation: String? = nil }
struct MemberBody: Decodable { var member: String }
struct RejectBody: Decodable { var member: String; @Omittable var reason: String? }
struct LaunchBody: Decodable {
    @Omittable var id: String?
    var title: String
    @Omittable var goal: String?
    @Omittable var wantedSkills: [String]?
    @Omittable var privacy: String?
    @Omittable var endDate: String?
}
struct UpdatePartupBody: Decodable {
    @Omittable var title: String?
    @Omittable var goal: String?
    @Omittable var wantedSkills: [String]?
    @Omittable var privacy: String?
    @Omittable var endDate: String?
}
struct DissolveBody: Decodable { var outcome: String; @Omittable var note: String? }

/// A body field that may be left out but is never `null`. The document gives every field a
/// type and null is none of them; read as "left out", a null would silently mean something
/// else (`"regions": null` would keep the member's regions), so it is 400 naming the field.
@propertyWrapper
struct Omittable<Value: Decodable>: Decodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard !container.decodeNil() else {
            let field = decoder.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.badRequest("the field '\(field)' is null: give it \(Self.kind), or leave the field out")
        }
        wrappedValue = try container.decode(Value.self)
    }

    private static var kind: String {
        switch Value.self {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "a value of the type openapi.json gives it"
        }
    }
}

extension KeyedDecodingContainer {
    /// What the synthesized decoding of an `@Omittable` field calls: a missing key is nil
    /// (plain `decode` would answer "missing").
    func decode<Value>(_ type: Omittable<Value>.Type, forKey key: Key) throws -> Omittable<Value> {
        guard contains(key) else { return Omittable(wrappedValue: nil) }
        return try Omittable(from: superDecoder(forKey: key))
    }
}

struct ReadMarkBody: Decodable {
    var upTo: Position

    enum CodingKeys: String, CodingKey { case upTo }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            upTo = try container.decode(Position.self, forKey: .upTo)
        } catch let error as DecodingError {
            throw error
        } catch {
            // Foundation reports a number that does not fit (-1, 1.5) as invalid JSON without the field: name it.
            throw DecodingError.dataCorruptedError(forKey: .upTo, in: container, debugDescription: "a log position is a whole number from 0 up")
        }
    }
}

/// Reading the fields of bodies into the domain's values: 422 naming the field when a value is wrong.
extension CommandRoutes {
    /// An id from a body field: 422 naming the field and what is wrong with the id.
    static func id<Kind>(_ type: Identifier<Kind>.Type, _ raw: String, field: String) throws -> Identifier<Kind> {
        do {
            return try Identifier<Kind>(raw)
        } catch {
            throw APIError.invalid("the field '\(field)' is not a valid \(Kind.name) id: \(error.description)")
        }
    }

    static func tribePrivacy(_ text: String) throws -> TribePrivacy {
        if text == "invite-only" { return .invite }
        guard let privacy = TribePrivacy(rawValue: text) else {
            throw APIError.invalid("the field 'privacy' is \"\(text.prefix(40))\": write one of open, invite, closed")
        }
        return privacy
    }

    static func partupPrivacy(_ text: String) throws -> PartupPrivacy {
        guard let privacy = PartupPrivacy(rawValue: text) else {
            throw APIError.invalid("the field 'privacy' is \"\(text.prefix(40))\": a part-up's privacy is one of public, tribe, partners")
        }
        return privacy
    }

    /// An ISO 8601 time (`2025-03-01T12:00:00Z`, fractional seconds allowed) or a day (`2025-03-01`, its start in UTC).
    static func time(_ text: String, field: String) throws -> Timestamp {
        if let date = ISO8601DateFormatter().date(from: text) { return Timestamp(date) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return Timestamp(date) }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return Timestamp(date) }
        throw APIError.invalid("the field '\(field)' is \"\(text.prefix(40))\", not an ISO 8601 time: write e.g. 2025-03-01 or 2025-03-01T12:00:00Z")
    }
}

extension JSON {
    /// Like `body`, but an empty body is nil rather than 400.
    static func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int) async throws -> T? {
        if request.headers[.contentLength] == "0" { return nil }
        do {
            return try await body(type, request, limit: limit)
        } catch let error as APIError where error.message.hasPrefix("the request has no body") {
            return nil
        }
    }
}
