import EventLog

/// Where each projection's model lives and how far it has read, in the `catalog` database
/// of the views folder: name → version u32be · generation u32be · checkpoint u64be.
///
/// A model lives in the database `name@generation`. A rebuild fills `name@generation+1`
/// while the catalog still points at the old one, then one transaction points the catalog
/// at the new database and drops the old: readers see either model whole, never a mix,
/// and a crash mid-rebuild leaves the old model in place (the half-built database is
/// dropped on the next start).
struct CatalogEntry: Sendable, Hashable {
    var version: UInt32
    var generation: UInt32
    var checkpoint: Position

    static let databaseName = "catalog"

    static func modelDatabaseName(_ projection: String, generation: UInt32) -> String {
        "\(projection)@\(generation)"
    }

    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.writeBigEndian(version)
        writer.writeBigEndian(generation)
        writer.writeBigEndian(checkpoint)
        return writer.bytes
    }

    init(version: UInt32, generation: UInt32, checkpoint: Position) {
        self.version = version
        self.generation = generation
        self.checkpoint = checkpoint
    }

    init(_ bytes: [UInt8], projection: String) throws {
        do {
            self = try bytes.withUnsafeBytes { raw throws(RecordDecodingError) in
                var reader = ByteReader(raw)
                let entry = CatalogEntry(
                    version: try reader.readBigEndianUInt32("version"),
                    generation: try reader.readBigEndianUInt32("generation"),
                    checkpoint: try reader.readBigEndianUInt64("checkpoint"))
                guard reader.isAtEnd else { throw .malformed("catalog entry", "\(reader.remaining) bytes too many") }
                return entry
            }
        } catch {
            throw ProjectionError("the catalog entry of projection '\(projection)' is damaged (\(error)): run `tribelog rebuild --projection \(projection)`")
        }
    }
}

/// The catalog database of a views folder.
struct ProjectionCatalog {
    let views: ViewStore
    let database: ViewDatabase

    init(views: ViewStore, create: Bool) throws {
        self.views = views
        guard let database = try views.database(CatalogEntry.databaseName, create: create) else {
            throw ProjectionError("\(CatalogEntry.databaseName) is missing from the read-model folder: run `tribelog rebuild` to build the read models")
        }
        self.database = database
    }

    func entry(_ projection: String, in transaction: ViewReadTransaction) throws -> CatalogEntry? {
        try transaction.get(database, Array(projection.utf8)).map { try CatalogEntry($0, projection: projection) }
    }

    func set(_ entry: CatalogEntry, for projection: String, in transaction: ViewWriteTransaction) throws {
        try transaction.put(database, Array(projection.utf8), entry.encoded)
    }
}

extension ProjectionHost {
    /// Every projection's checkpoint recorded in a views folder, by name, without opening
    /// a host (for `verify`, which checks that no read model is ahead of the log).
    public static func checkpoints(in views: ViewStore) throws -> [String: Position] {
        guard let catalog = try? ProjectionCatalog(views: views, create: false) else { return [:] }
        return try views.read { transaction in
            var found: [String: Position] = [:]
            try transaction.scan(catalog.database, prefix: []) { key, value in
                let name = String(decoding: key, as: UTF8.self)
                found[name] = try CatalogEntry(Array(value), projection: name).checkpoint
                return true
            }
            return found
        }
    }
}
