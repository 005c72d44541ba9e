/// Limits on free text in commands, checked before a decision so that a bad command is
/// refused with the field it is about instead of being stored.
enum TextRules {
    static let maxNameCharacters = 120
    static let maxTextCharacters = 10_000
    static let maxListItems = 50
    static let maxItemCharacters = 60

    /// A name or title: trimmed, non-empty, short.
    static func name(_ text: String, field: String) throws(DomainError) -> String {
        let trimmed = trim(text)
        guard !trimmed.isEmpty else { throw .invalidInput("the \(field) is empty: give it a \(field)") }
        guard trimmed.count <= maxNameCharacters else {
            throw .invalidInput("the \(field) has \(trimmed.count) characters: shorten it to at most \(maxNameCharacters)")
        }
        return trimmed
    }

    /// Longer text that may be empty (rules, goals, reasons).
    static func text(_ text: String, field: String) throws(DomainError) -> String {
        let trimmed = trim(text)
        guard trimmed.count <= maxTextCharacters else {
            throw .invalidInput("the \(field) has \(trimmed.count) characters: shorten it to at most \(maxTextCharacters)")
        }
        return trimmed
    }

    /// Skills or regions: each trimmed and non-empty, duplicates (ignoring case) dropped,
    /// first spelling and order kept.
    static func list(_ items: [String], field: String) throws(DomainError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for item in items {
            let trimmed = trim(item)
            guard !trimmed.isEmpty else { throw .invalidInput("one of the \(field) is empty: remove it") }
            guard trimmed.count <= maxItemCharacters else {
                throw .invalidInput("the \(field) entry \"\(trimmed.prefix(20))…\" is longer than \(maxItemCharacters) characters: shorten it")
            }
            if seen.insert(trimmed.lowercased()).inserted { result.append(trimmed) }
        }
        guard result.count <= maxListItems else {
            throw .invalidInput("\(result.count) \(field) given: list at most \(maxListItems)")
        }
        return result
    }

    private static func trim(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
