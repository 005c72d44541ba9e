import EventLog
import EventLogPostgres
import Foundation
import Logging
import ProjectionKit
import TribelogSupport

/// The log `ServerSettings.log` names, opened, with what the server needs of its engine
/// beyond the log protocol: where the read models live, the writer's counters for
/// `/metrics`, and how to close it. The engine is chosen here and nowhere else.
struct OpenedLog: Sendable {
    let store: any EventLogStore
    /// What the read models read: the store itself (LMDB) or its async reads waited for
    /// on the follower's thread (PostgreSQL).
    let source: any ProjectionSource
    let viewsDirectory: URL
    let writerStatistics: @Sendable () -> WriterStatistics
    /// Holds the data folder's writer lock while the server runs on a shared log.
    let folder: ReadModelFolder?

    /// Opens the log off the cooperative pool (LMDB replays the log after the index
    /// checkpoint: file I/O that may take seconds; the PostgreSQL engine connects).
    static func open(_ settings: ServerSettings, on worker: BlockingWorker) async throws -> OpenedLog {
        switch settings.log {
        case .dataFolder:
            var options = EventStoreOptions()
            options.durability = settings.durability
            options.logger = settings.logger
            let store = try await worker.run { [options] in try EventStore.open(directory: settings.data, options: options) }
            return OpenedLog(store: store, source: store, viewsDirectory: store.viewsDirectory,
                             writerStatistics: { store.writerStatistics }, folder: nil)
        case .postgres(let url):
            let folder = try await worker.run { try ReadModelFolder(root: settings.data) }
            let log = try await PostgresEventLog.connect(url: url, logger: settings.logger)
            return OpenedLog(store: log, source: NetworkLogSource(log: log), viewsDirectory: folder.viewsDirectory,
                             writerStatistics: {
                                 let counts = log.appendStatistics
                                 return WriterStatistics(commits: counts.transactions, requests: counts.requests)
                             }, folder: folder)
        }
    }
}
