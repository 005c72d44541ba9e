import EventLog
import Foundation
import Logging

/// BenchError's message is what the user sees (ArgumentParser prints the description).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The timed sections of the bench. Each takes a store and prepared input, and times only
/// the work under test: generating events and checking results stay outside the clock.
enum Measurements {
    /// Store options for the bench: as a server opens its log (durable), but logging only
    /// warnings and only to standard error, because standard output carries the report.
    static func options(automaticIndexing: Bool) -> EventStoreOptions {
        var options = EventStoreOptions()
        options.automaticIndexing = automaticIndexing
        var logger = Logger(label: "tribelog.bench", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        options.logger = logger
        return options
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// One append call per batch, one after the other, as a bulk writer would; each call
    /// returns only once its events are durable.
    static func appendBatched(_ store: EventStore, _ batches: [[NewEvent]], total: Int) async throws -> Double {
        let progress = Progress("appending")
        let start = ContinuousClock.now
        var done = 0
        for (number, batch) in batches.enumerated() {
            // A batch is one call and a call has one stream; the events' own tags still say
            // which tribe, part-up and member each is about.
            _ = try await store.append(batch, to: "import-\(number)")
            done += batch.count
            progress.update(UInt64(done), of: UInt64(total))
        }
        let elapsed = seconds(since: start)
        progress.finish()
        return elapsed
    }

    /// Concurrent writers each appending single events to their natural streams in a loop,
    /// like a server's request handlers: group commit is what makes this fast.
    static func appendConcurrent(_ store: EventStore, _ writers: [[MixedEvent]]) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for events in writers {
                group.addTask {
                    for item in events { _ = try await store.append([item.event], to: item.stream) }
                }
            }
            try await group.waitForAll()
        }
        return seconds(since: start)
    }

    /// Appends `events` in batches and waits (at most 10 s) until the store has trained
    /// and stored its first compression dictionary.
    static func warmUp(_ store: EventStore, _ events: [NewEvent]) async throws {
        for start in stride(from: 0, to: events.count, by: 512) {
            _ = try await store.append(Array(events[start..<min(start + 512, events.count)]), to: "warm-up")
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while store.compressionDictionaryCount == 0 {
            guard ContinuousClock.now < deadline else { throw BenchError("the warm-up trained no compression dictionary within 10 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    static func index(_ store: EventStore, expected: Int) throws -> Double {
        let start = ContinuousClock.now
        let indexed = try store.indexNow()
        let elapsed = seconds(since: start)
        guard indexed == expected else { throw BenchError("the indexer indexed \(indexed) events, expected \(expected)") }
        return elapsed
    }

    /// Every event read and decoded into a RecordedEvent (payload bytes included) by two
    /// tasks, each over half of the positions, since both cores may decode.
    static func scanDecode(_ store: EventStore, events: Int, chunk: Int = 2_048) async throws -> Double {
        let last = Position(events), half = last / 2
        let ranges: [ClosedRange<Position>] = half == 0 ? [1...last] : [1...half, (half + 1)...last]
        let start = ContinuousClock.now
        let (count, bytes) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for range in ranges {
                group.addTask {
                    var next = range.lowerBound, count = 0, bytes = 0
                    while next <= range.upperBound {
                        let events = try store.read(from: next, limit: min(chunk, Int(range.upperBound - next + 1)))
                        guard let last = events.last else { break }
                        count += events.count
                        // Touches the decoded payloads so no part of the decoding is dead code.
                        for event in events { bytes &+= event.payload.count }
                        next = last.position + 1
                    }
                    return (count, bytes)
                }
            }
            return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 &+ $1.1) }
        }
        let elapsed = seconds(since: start)
        guard count == events, bytes > 0 else { throw BenchError("the scan read \(count) events, expected \(events)") }
        return elapsed
    }

    struct ExportSizes {
        /// The NDJSON export of every event, newlines included.
        var ndjsonBytes = 0
        /// The values stored under the positions (what the C ceiling writes per event).
        var storedBytes = 0
        var exportSeconds = 0.0
    }

    /// Renders every event as its NDJSON line (timed: that is an export without the
    /// writing) and sums the stored record sizes (untimed).
    static func exportSizes(_ store: EventStore, events: Int, chunk: Int = 2_048) throws -> ExportSizes {
        var sizes = ExportSizes()
        var line: [UInt8] = []
        line.reserveCapacity(4_096)
        var next: Position = 1
        let start = ContinuousClock.now
        while true {
            let batch = try store.read(from: next, limit: chunk)
            guard let last = batch.last else { break }
            for event in batch {
                line.removeAll(keepingCapacity: true)
                event.ndjsonLine(into: &line)
                sizes.ndjsonBytes += line.count
            }
            next = last.position + 1
        }
        sizes.exportSeconds = seconds(since: start)
        for position in 1...Position(max(events, 1)) {
            guard let record = try store.storedRecord(at: position) else {
                throw BenchError("position \(position) is missing from the log after appending \(events) events")
            }
            sizes.storedBytes += record.count
        }
        return sizes
    }

    /// Bytes of every file in the data folder (log and index environments, lock file),
    /// as the file system reports their sizes. Hidden entries are the bench's own scratch.
    static func folderBytes(_ folder: URL) throws -> Int {
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey]
        guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else {
            throw BenchError("cannot list \(folder.path) to measure its size")
        }
        var total = 0
        for case let file as URL in walk {
            let values = try file.resourceValues(forKeys: Set(keys))
            if values.isRegularFile == true { total += values.fileSize ?? 0 }
        }
        return total
    }
}
