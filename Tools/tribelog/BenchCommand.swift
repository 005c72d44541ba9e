import ArgumentParser
import EventLog
import Foundation
import TribeDomain

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the log against the raw LMDB ceiling on this machine.",
        discussion: """
            Appends a realistic event mix durably (batches of 1000 per call, then 64 concurrent
            single-event writers), indexes it, scans and decodes it with two tasks, and compares
            each figure with a raw C LMDB program compiled and run in the same invocation, on the
            same disk, with the same event count, batch and value size. Then generates a demo
            history (untimed) and times a full rebuild of every read model from it, measures how
            far the read models trail a log taking writes, and serves the demo history under
            wrk (GET /health, a tribe's feed, POST joins). Needs cc, LMDB's headers and wrk
            (Tools/setup installs them).

            Examples:
              tribelog bench --json
              tribelog bench --only http --scale 10     # the server on a history ten times the demo
            """)

    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Keep the benchmark log in this folder (empty or new) instead of a scratch one.") var data: String?
    @Option(help: "Events in the batched run.") var events = 200_000
    @Option(help: "Measure only these parts, comma-separated: log (append, index, scan and size against the C ceiling), rebuild, lag, http.",
            transform: BenchPart.parse) var only: Set<BenchPart> = Set(BenchPart.allCases)
    @Option(help: "Size of the demo history for the rebuild and HTTP parts, as a multiple of 200 tribes, 5000 members, 2000 part-ups.")
    var scale = 1
    @Option(help: "Seconds of each HTTP load run.") var httpSeconds = 10
    @Option(help: "Connections of each HTTP load run.") var connections = 64

    static let batch = 1_000
    static let concurrentWriters = 64
    static let eventsPerWriter = 200
    static let warmUpEvents = 4_096
    static let singleFsyncEvents = 2_000
    /// A quarter of the demo size: about 12 000 events written durably while followed.
    static let lagDemo = DemoSize(tribes: 50, members: 1_250, partups: 500, seed: 2)

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1") }
        guard (1...100).contains(scale) else { throw ValidationError("--scale must be 1 to 100 (10 is about 470 000 events)") }
        guard httpSeconds >= 1, connections >= 1 else { throw ValidationError("--http-seconds and --connections must be at least 1") }
    }

    func run() async throws {
        let logFolder = try data.map(Self.prepareDataFolder)
        // Scratch work (the C program, the ceiling's and the concurrent run's databases)
        // goes on the same file system as the measured log, or the comparison is unfair;
        // a hidden folder inside --data is one the log's folder check accepts.
        let scratch = logFolder?.appendingPathComponent(".bench-\(UUID().uuidString)")
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // What can fail at once (no cc, no LMDB headers, no wrk) fails before anything is measured.
        let ceiling = only.contains(.log) ? try Ceiling.build(in: scratch) : nil
        let wrk = only.contains(.http) ? try Wrk.find(threads: 2, connections: connections, seconds: httpSeconds) : nil
        var report = BenchReport()
        if let ceiling { try await measureLog(ceiling, scratch: scratch, logFolder: logFolder, into: &report) }

        let demoSize = DemoSize(tribes: 200 * scale, members: 5_000 * scale, partups: 2_000 * scale)
        let demo = scratch.appendingPathComponent("demo")
        if only.contains(.rebuild) || only.contains(.http) {
            report.demoEvents = try await step("generating a demo history (\(demoSize.tribes) tribes, \(demoSize.members) members, \(demoSize.partups) part-ups)") {
                try await Measurements.demoHistory(in: demo, size: demoSize)
            }
        }
        if only.contains(.rebuild) {
            report.rebuildEPS = try await step("rebuilding the read models of the demo history") {
                Double(report.demoEvents) / (try Measurements.rebuild(in: demo))
            }
        }
        if only.contains(.lag) {
            let lag = try await step("following a demo history live while it is written (read-model lag)") {
                try await ProjectionLag.measure(in: scratch.appendingPathComponent("lag"), size: Self.lagDemo,
                                                logger: Measurements.options(automaticIndexing: true).logger)
            }
            report.lagSamples = lag.samples.count
            report.lagP50Milliseconds = lag.percentile(0.5)
            report.lagP99Milliseconds = lag.percentile(0.99)
        }
        if let wrk {
            report.http = try await step("serving the demo history under load (wrk, \(connections) connections, \(httpSeconds) s a run)") {
                try await HTTPLoad.measure(data: demo, scratch: scratch.appendingPathComponent("http"), wrk: wrk)
            }
            report.httpConnections = connections
        }
        stage(nil)

        if json {
            print(report.json)
        } else {
            print(report.table)
            if let logFolder, ceiling != nil { print("\nThe batched run's log is kept in \(logFolder.path): tribelog verify --data \(logFolder.path)") }
        }
    }

    /// The log against the C ceiling: batched and concurrent durable appends, index, scan, size.
    private func measureLog(_ ceiling: Ceiling, scratch: URL, logFolder: URL?, into report: inout BenchReport) async throws {
        let events = self.events
        report.events = events
        report.batch = Self.batch
        stage("generating \(events) events")
        var mix = EventMix(seed: 1)
        let batches = stride(from: 0, to: events, by: Self.batch).map { start in
            (start..<min(start + Self.batch, events)).map { _ in mix.next().event }
        }
        let folder = logFolder ?? scratch.appendingPathComponent("batched")
        try await measureBatched(batches, in: folder, scratch: scratch, into: &report)

        var concurrentMix = EventMix(seed: 2)
        let warmUp = (0..<Self.warmUpEvents).map { _ in concurrentMix.next().event }
        let writers = (0..<Self.concurrentWriters).map { _ in (0..<Self.eventsPerWriter).map { _ in concurrentMix.next() } }
        let concurrentEvents = Self.concurrentWriters * Self.eventsPerWriter
        report.concurrentWriters = Self.concurrentWriters
        report.concurrentEvents = concurrentEvents
        var requestsPerCommit = 0.0
        report.appendConcurrentEPS = try await step("appending with \(Self.concurrentWriters) concurrent writers") {
            // A fresh store, indexer off as in the batched run: the C ceiling it is compared
            // with has no indexer either. Measured in steady state, as on a server past its
            // first minutes: untimed warm-up appends give the store its first compression
            // dictionary, so the timed ones neither compress without one nor share the
            // cores with its training.
            let store = try EventStore.open(directory: scratch.appendingPathComponent("concurrent"),
                                            options: Measurements.options(automaticIndexing: false))
            defer { store.close() }
            try await Measurements.warmUp(store, warmUp)
            let before = store.writerStatistics
            let eps = Double(concurrentEvents) / (try await Measurements.appendConcurrent(store, writers))
            let after = store.writerStatistics
            requestsPerCommit = Double(after.requests - before.requests) / Double(max(after.commits - before.commits, 1))
            return eps
        }
        report.concurrentRequestsPerCommit = requestsPerCommit

        let valueBytes = report.valueBytes
        let batched = try await step("running the C ceiling (\(events) events, batch \(Self.batch), \(valueBytes)-byte values)") {
            try ceiling.measure(in: scratch.appendingPathComponent("ceiling-batched"), events: events, batch: Self.batch, valueBytes: valueBytes)
        }
        report.ceilingBatchedEPS = batched.appendEPS
        report.ceilingScanEPS = batched.readEPS
        report.ceilingSingleFsyncEPS = try await step("running the C ceiling (\(Self.singleFsyncEvents) events, one fsync each)") {
            try ceiling.measure(in: scratch.appendingPathComponent("ceiling-single"),
                                events: Self.singleFsyncEvents, batch: 1, valueBytes: valueBytes).appendEPS
        }
        report.singleFsyncEvents = Self.singleFsyncEvents
    }

    /// The batched run and everything measured on its log: index, scan, sizes.
    private func measureBatched(_ batches: [[NewEvent]], in folder: URL, scratch: URL, into report: inout BenchReport) async throws {
        let store = try await step("opening the log in \(folder.path)") {
            try EventStore.open(directory: folder, options: Measurements.options(automaticIndexing: false))
        }
        defer { store.close() }
        let events = self.events
        report.appendBatchedEPS = try await step("appending in batches of \(Self.batch)") {
            Double(events) / (try await Measurements.appendBatched(store, batches, total: events))
        }
        report.indexEPS = try await step("indexing") {
            Double(events) / (try Measurements.index(store, expected: events))
        }
        report.scanDecodeEPS = try await step("scanning and decoding") {
            Double(events) / (try await Measurements.scanDecode(store, events: events))
        }
        let sameWork = try await step("running the same-work C ceiling on the stored bodies") {
            let ceiling = try SameWorkCeiling.build(in: scratch)
            let inputs = try SameWorkCeiling.writeInputs(of: store, events: events, into: scratch)
            defer { for file in [inputs.bodies, inputs.dictionary] { try? FileManager.default.removeItem(at: file) } }
            return try ceiling.measure(in: scratch.appendingPathComponent("samework"),
                                       bodies: inputs.bodies, dictionary: inputs.dictionary, batch: Self.batch)
        }
        report.sameWorkAppendEPS = sameWork.appendEPS
        report.sameWorkScanEPS = sameWork.scanEPS
        let sizes = try await step("rendering NDJSON") { try Measurements.exportSizes(store, events: events) }
        report.exportEPS = Double(events) / sizes.exportSeconds
        report.ndjsonBytesPerEvent = Double(sizes.ndjsonBytes) / Double(events)
        report.valueBytes = Int((Double(sizes.storedBytes) / Double(events)).rounded())
        store.close()  // flushes and releases the files before they are measured
        report.bytesPerEvent = Double(try Measurements.folderBytes(folder)) / Double(events)
    }

    /// `--data` must name a new or empty folder: the bench writes a fresh log into it.
    private static func prepareDataFolder(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BenchError("--data \(url.path) is a file: give an empty or new folder") }
            let entries = try FileManager.default.contentsOfDirectory(atPath: url.path)
            guard entries.isEmpty else {
                throw BenchError("--data \(url.path) is not empty: the bench writes a fresh log, so give an empty or new folder")
            }
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw BenchError("cannot create --data \(url.path): \(error.localizedDescription)")
        }
        return url
    }

    /// Runs one stage of the bench: shows it to a person watching, and names it in any
    /// error, so a failure says what the bench was doing when the log under test failed.
    private func step<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        stage(what)
        do {
            return try await body()
        } catch {
            stage(nil)
            throw BenchError("\(what) failed: \(error)")
        }
    }

    /// Progress for a person watching; silent when standard error is not a terminal.
    private func stage(_ text: String?) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + (text.map { "\($0)…" } ?? "")).utf8))
    }
}
