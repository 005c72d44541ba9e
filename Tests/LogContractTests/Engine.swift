import EventLog
import EventLogPostgres
import Foundation
import Logging
import PostgresNIO
import PostgresTestSupport
import Testing

/// The engines every contract test runs against. PostgreSQL needs a server: `Tools/test`
/// starts one and sets TRIBELOG_TEST_POSTGRES_URL; without it those cases are skipped.
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case lmdb
    case postgres

    static let all = allCases

    var testDescription: String { rawValue }

    var other: Engine { self == .lmdb ? .postgres : .lmdb }

    static var postgresURL: String? { TestDatabase.serverURL }

    /// A fresh, empty log: a temporary folder, or a database of its own.
    func open() async throws -> TestLog {
        switch self {
        case .lmdb:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-contract-\(UUID().uuidString)")
            return TestLog(engine: self, log: try Self.openLMDB(folder), place: .folder(folder))
        case .postgres:
            guard let url = Self.postgresURL else {
                let reason = "TRIBELOG_TEST_POSTGRES_URL is not set: the PostgreSQL cases are skipped (Tools/test starts a server and sets it)"
                print("skipped: \(reason)")
                try Test.cancel(Comment(rawValue: reason))
            }
            let database = try await TestDatabase.create(serverURL: url)
            do {
                return TestLog(engine: self, log: try await PostgresEventLog.connect(url: database.url, logger: Self.quietLogger),
                               place: .database(database))
            } catch {
                await database.drop()
                throw error
            }
        }
    }

    static func openLMDB(_ folder: URL) throws -> EventStore {
        var options = EventStoreOptions()
        options.durability = .noSync  // the contract is about order and atomicity, not fsync
        return try EventStore.open(directory: folder, options: options)
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "tribelog.contract-tests")
        logger.logLevel = .warning
        return logger
    }()
}

/// A log made for one test, with what removing it takes.
final class TestLog: Sendable {
    enum Place: Sendable {
        case folder(URL)
        case database(TestDatabase)
    }

    let engine: Engine
    let log: any EventLogStore
    let place: Place

    init(engine: Engine, log: any EventLogStore, place: Place) {
        self.engine = engine
        self.log = log
        self.place = place
    }

    /// Shuts the log down and removes its folder or database.
    func remove() async {
        await log.shutdown()
        switch place {
        case .folder(let url): try? FileManager.default.removeItem(at: url)
        case .database(let database): await database.drop()
        }
    }

    /// The same log opened anew (after `log` was shut down).
    func reopen() async throws -> any EventLogStore {
        switch place {
        case .folder(let folder): return try Engine.openLMDB(folder)
        case .database(let database): return try await PostgresEventLog.connect(url: database.url, logger: Engine.quietLogger)
        }
    }

    /// Changes one byte in the middle of the stored event at `position`, behind the
    /// engine's back, and returns a log opened on the changed data (the same one for
    /// PostgreSQL; LMDB is closed, changed on disk, and opened again).
    func tamper(at position: Position) async throws -> any EventLogStore {
        switch place {
        case .database(let database):
            try await database.execute("""
                UPDATE tribelog_events
                SET body = set_byte(body, length(body) / 2, get_byte(body, length(body) / 2) # 90)
                WHERE position = \(Int64(position))
                """)
            return log
        case .folder(let folder):
            let store = try #require(log as? EventStore)
            let record = try #require(try store.storedRecord(at: position))
            await store.shutdown()
            // Every copy of the record's bytes (LMDB may still hold an older copy of its page
            // in a freed page): the live one is among them.
            let file = folder.appendingPathComponent("log/data.mdb")
            var bytes = [UInt8](try Data(contentsOf: file))
            let offsets = occurrences(of: record, in: bytes)
            try #require(!offsets.isEmpty, "record \(position) not found in data.mdb")
            for offset in offsets { bytes[offset + record.count / 2] ^= 0x5A }
            try Data(bytes).write(to: file)
            return try Engine.openLMDB(folder)
        }
    }

    private func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count >= 16, haystack.count >= needle.count else { return [] }
        return (0...(haystack.count - needle.count)).filter { offset in
            haystack[offset] == needle[0] && haystack[offset..<(offset + needle.count)].elementsEqual(needle)
        }
    }
}
