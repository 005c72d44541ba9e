import Foundation

/// A correlation or causation id as the record holds it. Most are UUID texts, which the
/// body stores as their 16 bytes (see `CompactString`); a decoded one stays that way until
/// someone asks for the string. A scan decodes millions of events and rarely looks at
/// these ids, and rendering two 36-character strings per event was a tenth of its time.
package enum MetadataText: Sendable {
    case text(String)
    case uuid(UUID, uppercase: Bool)

    package var string: String {
        switch self {
        case .text(let text): return text
        case .uuid(let uuid, let uppercase): return withUnsafeBytes(of: uuid.uuid) { UUIDText.render($0, uppercase: uppercase) }
        }
    }
}

extension MetadataText: Hashable {
    /// Equal when the strings are (String equality, as the stored strings had before).
    package static func == (lhs: Self, rhs: Self) -> Bool {
        if case .uuid(let a, let upperA) = lhs, case .uuid(let b, let upperB) = rhs, a == b, upperA == upperB { return true }
        return lhs.string == rhs.string
    }

    package func hash(into hasher: inout Hasher) { hasher.combine(string) }
}
