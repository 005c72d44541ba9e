import EventLog
import Foundation

/// What an identifier names; its `name` prefixes tags (`member:m1`) and streams (`member-m1`).
public protocol IdentifierKind: Sendable {
    static var name: String { get }
}

public enum MemberKind: IdentifierKind { public static let name = "member" }
public enum TribeKind: IdentifierKind { public static let name = "tribe" }
public enum PartupKind: IdentifierKind { public static let name = "partup" }

public typealias MemberID = Identifier<MemberKind>
public typealias TribeID = Identifier<TribeKind>
public typealias PartupID = Identifier<PartupKind>

/// A client-chosen (or generated) id of a member, tribe or part-up. Validated once here so
/// that every tag and stream built from it is a valid log name and cannot be confused with
/// another: no ':' (it separates kind from id in tags), no whitespace or control
/// characters (they would make ids look equal that are not), at most 64 UTF-8 bytes.
public struct Identifier<Kind: IdentifierKind>: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static var maxBytes: Int { 64 }

    public let rawValue: String

    public init(_ rawValue: String) throws(DomainError) {
        if let problem = Self.problem(with: rawValue) {
            throw DomainError.invalidInput("\(Kind.name) id \"\(rawValue)\" is not valid: \(problem); ids are 1–\(Self.maxBytes) bytes without whitespace, control characters or ':'")
        }
        self.rawValue = rawValue
    }

    /// A fresh id (a lowercase time-ordered UUID) for clients that do not choose their own.
    public static func generate() -> Self {
        Self(unchecked: UUID.v7().uuidString.lowercased())
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    private static func problem(with raw: String) -> String? {
        if raw.isEmpty { return "it is empty" }
        if raw.utf8.count > maxBytes { return "it is \(raw.utf8.count) bytes long" }
        // Every id of every event is checked again when the event is read, so the common
        // case, printable ASCII, is decided on bytes: Unicode property lookups per scalar
        // were a fifth of a read-model rebuild.
        if raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) { return nil }
        if raw.utf8.contains(UInt8(ascii: ":")) { return "it contains ':'" }
        let bad = raw.unicodeScalars.first { $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }
        if let bad { return "it contains the character U+\(String(bad.value, radix: 16, uppercase: true))" }
        return nil
    }

    /// `kind:id`, the tag events about this entity carry.
    public var tag: String { "\(Kind.name):\(rawValue)" }
    /// `kind-id`, the stream commands on this entity append to.
    public var stream: String { "\(Kind.name)-\(rawValue)" }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Identifier: ExpressibleByStringLiteral {
    /// For ids written in code (tests, fixtures): an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        do { try self.init(value) } catch { preconditionFailure(error.description) }
    }
}
