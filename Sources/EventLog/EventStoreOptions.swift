import Logging

/// How an `EventStore` opens its data folder.
public struct EventStoreOptions: Sendable {
    public enum Durability: Sendable {
        /// Every acknowledged append is on disk (fsync per group commit).
        case durable
        /// No fsync on commit: a machine crash may lose the last appends. For tests and
        /// bulk import only; `close()` syncs.
        case noSync
    }

    public var readOnly = false
    public var durability = Durability.durable
    /// Index in a background thread as the log grows. Off, the index moves only when
    /// `indexNow()` is called (tests, benchmarks); reads stay correct either way.
    public var automaticIndexing = true
    /// Events per index transaction when catching up. Each transaction rewrites the
    /// pages its posting lists and heads touch and frees the old copies, so fewer, larger
    /// ones leave a smaller file (the bench's 200 000 events: 71 B/event of index in four
    /// transactions, 43 in one). A batch holds about 120 bytes per event in memory.
    public var indexBatchSize = 262_144
    /// Initial LMDB map size per environment; it doubles whenever it fills.
    public var initialMapSize = 64 << 20
    /// Log sizes at which a new zstd dictionary is trained from the latest events.
    public var dictionaryTrainingPoints: [Position] = [2_048, 65_536, 1_048_576]
    public var dictionarySampleCount = 4_096
    public var logger = Logger(label: "tribelog.eventlog")

    public init() {}
}
