import ArgumentParser
import EventLog
import Foundation
import Logging
import TribeDomain

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a realistic three-year history of tribes and part-ups.",
        discussion: """
            Every event goes through the domain's commands and rules, so the history is one the \
            product could have recorded. The same seed gives the same history, and running the same \
            demo again into the same folder appends nothing. The log is written without an fsync per \
            command and synced once at the end.

            Examples:
              tribelog demo --data ./data
              tribelog demo --data ./big --tribes 2000 --members 50000 --partups 20000 --seed 7
            """)

    @Option(help: "The data folder (created if missing).") var data: String
    @Option(help: "Tribes to found.") var tribes = 200
    @Option(help: "Members to register.") var members = 5_000
    @Option(help: "Part-ups to launch.") var partups = 2_000
    @Option(help: "Seed of the history: the same seed gives the same history.") var seed: UInt64 = 1
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard tribes > 0, members > 0, partups >= 0 else {
            throw ValidationError("--tribes and --members must be at least 1 and --partups at least 0")
        }
    }

    func run() async throws {
        let logger = ReadModels.logger(label: "tribelog.demo")
        var options = EventStoreOptions()
        options.durability = .noSync
        options.logger = logger
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let progress = Progress("generating")
        let generator = DemoGenerator(size: DemoSize(tribes: tribes, members: members, partups: partups, seed: seed), logger: logger)
        let report = try await generator.run(into: store) { done, total in progress.update(UInt64(done), of: UInt64(total)) }
        progress.finish()
        store.close()
        print(json ? try Self.json(report, head: store.head) : Self.text(report, head: store.head, data: data))
    }

    static func text(_ report: DemoReport, head: Position, data: String) -> String {
        var lines = [String(format: "%d events from %d commands in %.1f s (%.0f events/s); the log now ends at position %llu",
                            report.eventCount, report.commands, report.seconds, report.eventsPerSecond, head)]
        if report.alreadyApplied > 0 { lines.append("\(report.alreadyApplied) commands were already applied (this demo ran here before)") }
        lines.append("events: " + report.events.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if !report.refused.isEmpty {
            lines.append("refused by the rules: " + report.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("check it: tribelog verify --data \(data)")
        return lines.joined(separator: "\n")
    }

    static func json(_ report: DemoReport, head: Position) throws -> String {
        let object: [String: Any] = [
            "events": report.eventCount, "commands": report.commands, "seconds": report.seconds,
            "events_per_second": report.eventsPerSecond, "head": head, "already_applied": report.alreadyApplied,
            "event_types": report.events, "refused": report.refused,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
