import ProjectionKit

/// Every entry of a model, key space by key space: what "byte-identical" means for
/// rebuilt and followed models.
struct ModelDump: Equatable, CustomStringConvertible {
    var entries: [[UInt8]: [UInt8]] = [:]
    /// Entries the model holds in all; more than `entries` means a space was left out.
    var total = 0

    init(_ model: ModelReader, spaces: [String]) throws {
        for space in spaces {
            try model.scan(prefix: ModelKey(space)) { key, value in
                entries[Array(key)] = Array(value)
                return true
            }
        }
        total = try model.count()
    }

    var description: String { "\(entries.count) entries of \(total)" }
}
