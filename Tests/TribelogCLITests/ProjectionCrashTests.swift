import EventLog
import Foundation
import Logging
import ProjectionKit
import Testing
import TribelogSupport
import TribeProjections

@Suite struct ProjectionCrashTests {
    /// Every model's entries, by projection.
    private func dump(_ host: ProjectionHost) throws -> [String: [[UInt8]]] {
        var all: [String: [[UInt8]]] = [:]
        for projection in TribelogProjections.all() {
            all[projection.name] = try host.read(projection.name) { model in
                var entries: [[UInt8]] = []
                try model.scanAll { key, value in
                    entries.append(Array(key) + [0xFF, 0xFE] + Array(value))
                    return true
                }
                return entries
            }
        }
        return all
    }

    @Test(.timeLimit(.minutes(2))) func aKilledFollowerResumesToTheModelsARebuildGives() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let process = Process()
        process.executableURL = try CLI.executable()
        process.arguments = ["follow-loop", "--data", data]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try Spawn.start(process)
        // Kill it while both the log and the models are moving. The pipe is read on a
        // thread of its own (reads block); the kill ends it with end of file.
        let reading = Task {
            await BlockingWorker(label: "tribelog.tests.follow-loop").run {
                var seen = ""
                func modelsReached() -> Position {
                    seen.split(separator: "\n").compactMap { $0.hasPrefix("models at ") ? Position($0.dropFirst(10)) : nil }.max() ?? 0
                }
                while modelsReached() < 500 {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    seen += String(decoding: chunk, as: UTF8.self)
                }
            }
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            kill(process.processIdentifier, SIGKILL)
        }
        await reading.value
        watchdog.cancel()
        kill(process.processIdentifier, SIGKILL)
        await Spawn.exit(of: process)
        #expect(process.terminationReason == .uncaughtSignal)

        var options = EventStoreOptions()
        options.durability = .noSync
        options.logger = Logger(label: "crash")
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        // The history was still being written: the demo of this size has about 2 800 events.
        #expect(store.head > 500 && store.head < 2_500, "killed at head \(store.head)")
        let resumed = try ProjectionHost(store: store, views: try ViewStore.open(directory: store.viewsDirectory, logger: options.logger),
                                         projections: TribelogProjections.all(), logger: options.logger)
        #expect(resumed.outdated.isEmpty, "the models had been built before the kill")
        try resumed.catchUp()
        let fresh = try ProjectionHost(store: store, views: try ViewStore.open(directory: scratch.url.appendingPathComponent("fresh"), logger: options.logger),
                                       projections: TribelogProjections.all(), logger: options.logger)
        try fresh.rebuild()
        let (followed, rebuilt) = (try dump(resumed), try dump(fresh))
        for name in rebuilt.keys.sorted() {
            #expect(followed[name] == rebuilt[name], "\(name): \(followed[name]?.count ?? 0) entries followed, \(rebuilt[name]?.count ?? 0) rebuilt")
        }
        #expect(rebuilt.values.allSatisfy { !$0.isEmpty })
    }
}
