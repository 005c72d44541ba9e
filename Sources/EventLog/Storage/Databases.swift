import CLMDB

/// The named databases of the `log` environment. Its write transaction touches only
/// sequential keys: `events` (position → record, MDB_APPEND) and a few `meta` keys.
struct LogDatabases {
    let events: MDB_dbi
    let meta: MDB_dbi
    /// dictionary id (u32be) → zstd dictionary bytes; old ones are kept forever.
    let dictionaries: MDB_dbi

    static let names: Set<String> = ["events", "meta", "dictionaries"]

    init(_ env: LMDBEnvironment, create: Bool) throws {
        events = try env.openDatabase("events", create: create)
        meta = try env.openDatabase("meta", create: create)
        dictionaries = try env.openDatabase("dictionaries", create: create)
    }
}

/// The named databases of the `index` environment, written only by the indexer.
struct IndexDatabases {
    /// Posting blocks: kind byte · name · 0x00 · u64be first position → delta varints.
    let postings: MDB_dbi
    /// Event id (16 bytes) → varint position.
    let ids: MDB_dbi
    /// Last version per stream, last positions per tag (overall and per type) and per
    /// type, and the type numbers (see `HeadKey`): what the writer needs to decide
    /// conditions without reading postings, loaded on open.
    let heads: MDB_dbi
    /// The checkpoint (last indexed position) and the layout version.
    let meta: MDB_dbi

    /// The index layout this version writes. 1 (unmarked) kept a head key per (type, tag)
    /// pair; 2 had no typed-tag postings, so a query item with types and tags read every
    /// event of the tag to filter by type.
    static let layout: UInt8 = 3

    /// Opens the databases. An index of an older layout is emptied when writable, so the
    /// indexer rebuilds it from the log (the index holds nothing the log does not); a
    /// read-only open cannot do that and says so.
    init(_ env: LMDBEnvironment, create: Bool) throws {
        postings = try env.openDatabase("postings", create: create)
        ids = try env.openDatabase("ids", create: create)
        heads = try env.openDatabase("heads", create: create)
        meta = try env.openDatabase("meta", create: create)
        let metaDB = meta
        let (found, checkpoint) = try env.read { txn in
            (try txn.get(metaDB, key: MetaKey.format).flatMap { $0.first }, try txn.get(metaDB, key: MetaKey.checkpoint).flatMap(BigEndian.uint64) ?? 0)
        }
        if found == Self.layout { return }
        if let found, found > Self.layout {
            throw DataFolderError("the index in \(env.path) has layout \(found); this tribelog writes layout \(Self.layout): use a newer tribelog, or delete \(env.path) to rebuild it")
        }
        guard create else {
            if checkpoint == 0 { return }
            throw DataFolderError("the index in \(env.path) has an older layout: open the data folder for writing once (the index is rebuilt from the log), then read it")
        }
        let all = [postings, ids, heads, metaDB]
        try env.write { txn in
            for dbi in all { try txn.drop(dbi) }
            try txn.put(metaDB, key: MetaKey.format, value: [Self.layout])
        }
    }
}

/// Keys of the `meta` databases and the format they promise.
enum MetaKey {
    /// The log's format version (a folder without it is not Tribelog's), or the index's
    /// layout version.
    static let format: [UInt8] = Array("format".utf8)
    /// u64be: the last position written (log) or indexed (index).
    static let head: [UInt8] = Array("head".utf8)
    /// 32 bytes: chain(head).
    static let chain: [UInt8] = Array("chain".utf8)
    /// u64be: the last position the index holds.
    static let checkpoint: [UInt8] = Array("checkpoint".utf8)

    static let currentFormat: UInt8 = 1
}

enum BigEndian {
    static func bytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func bytes(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func uint64(_ raw: UnsafeRawBufferPointer) -> UInt64? {
        guard raw.count == 8 else { return nil }
        return raw.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func uint32(_ raw: UnsafeRawBufferPointer) -> UInt32? {
        guard raw.count == 4 else { return nil }
        return raw.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
