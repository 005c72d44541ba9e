import EventLog
import Foundation
import Logging
import TribeDomain

/// Writes a hand-made history into a data folder through the domain's commands, for CLI
/// tests that need to know exactly what happened.
final class History {
    let data: String
    private let store: EventStore
    private let service: CommandService
    private var clock = Timestamp(microseconds: 1_704_067_200_000_000)  // 2024-01-01T00:00:00Z

    init(data: String) throws {
        self.data = data
        var options = EventStoreOptions()
        options.durability = .noSync
        var logger = Logger(label: "history")
        logger.logLevel = .warning
        options.logger = logger
        store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        service = CommandService(store: store, logger: logger)
    }

    /// Runs a command one day after the previous one; returns the position of its last event.
    @discardableResult
    func run<C: Command>(_ command: C, as actor: MemberID) async throws -> Position {
        clock.microseconds += 86_400_000_000
        return try await service.execute(command, actor: actor, options: CommandOptions(time: clock)).lastPosition ?? store.head
    }

    /// The day of the last command, as the CLI reads times.
    var lastDay: String {
        let seconds = clock.microseconds / 1_000_000
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    func close() { store.close() }
}
