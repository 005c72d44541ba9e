/// Why a command was refused, in words a member understands, ending with what to do.
/// `kind` lets an API choose a status code (422, 404, 403, 409) without parsing text.
public struct DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The command itself is malformed (bad id, empty title): fix it and send again.
        case invalidInput
        /// Something the command refers to does not exist.
        case notFound
        /// The acting member is not allowed to do this.
        case forbidden
        /// The current state does not allow it (already a member, part-up dissolved).
        case conflict
    }

    public let kind: Kind
    public let description: String

    public init(kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    public static func invalidInput(_ message: String) -> DomainError { DomainError(kind: .invalidInput, message) }
    public static func notFound(_ message: String) -> DomainError { DomainError(kind: .notFound, message) }
    public static func forbidden(_ message: String) -> DomainError { DomainError(kind: .forbidden, message) }
    public static func conflict(_ message: String) -> DomainError { DomainError(kind: .conflict, message) }
}
