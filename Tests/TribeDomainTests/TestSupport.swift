import EventLog
import Foundation
import Logging
import TribeDomain

// A fresh event store in a temporary folder (as the log's own tests do), and the
// service on top of it.

struct TemporaryFolder {
    let url: URL

    init(_ name: String = "domain") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-test-\(name)-\(UUID().uuidString)")
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum Stores {
    static var options: EventStoreOptions {
        var options = EventStoreOptions()
        options.durability = .noSync
        return options
    }

    /// Runs `body` with a command service on a fresh store, removed afterwards.
    static func withService<T>(maxAttempts: Int = 6, _ body: (CommandService) async throws -> T) async throws -> T {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let store = try EventStore.open(directory: folder.url, options: options)
        defer { store.close() }
        var logger = Logger(label: "tribelog.domain.test")
        logger.logLevel = .error
        return try await body(CommandService(store: store, logger: logger, maxAttempts: maxAttempts))
    }
}

extension EventStore {
    /// Every event in the log, decoded (tests keep logs small).
    func domainEvents() throws -> [(recorded: RecordedEvent, event: DomainEvent)] {
        try read(from: 1, limit: .max).map { ($0, try DomainEvent(recorded: $0)) }
    }
}

extension CommandService {
    /// The LMDB store these tests give the service (`withService`), for reads the log
    /// protocol does not need to offer.
    var log: EventStore {
        guard let store = store as? EventStore else { fatalError("the domain tests run on the LMDB engine") }
        return store
    }
}
