import EventLog
import Foundation
import Logging
import ProjectionKit
import Synchronization
import TribeDomain
import TribeProjections

/// How far behind the log the read models are while it takes writes: a demo history is
/// written through the command service (durable appends) while the host follows it live,
/// and every 5 ms a probe notes the head and waits until every model has applied it. The
/// lag of a probe is the time from its look at the head to the models passing it.
enum ProjectionLag {
    struct Result {
        var samples: [Double] = []  // milliseconds

        func percentile(_ p: Double) -> Double {
            guard !samples.isEmpty else { return 0 }
            let sorted = samples.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
    }

    static func measure(in folder: URL, size: DemoSize, logger: Logger) async throws -> Result {
        var options = EventStoreOptions()
        options.logger = logger
        let store = try EventStore.open(directory: folder, options: options)
        defer { store.close() }
        let views = try ViewStore.open(directory: store.viewsDirectory, logger: logger)
        let host = try ProjectionHost(store: store, views: views, projections: TribelogProjections.all(), logger: logger)
        let following = Task { try await host.run() }
        defer { following.cancel() }
        let finished = Atomic(false)
        let writing = Task {
            defer { finished.store(true, ordering: .releasing) }
            return try await DemoGenerator(size: size, logger: logger).run(into: store)
        }
        var result = Result()
        while !finished.load(ordering: .acquiring) {
            let head = store.head
            let start = ContinuousClock.now
            guard await host.waitUntil(head, timeout: .seconds(30)) else { throw BenchError("the read models fell 30 s behind the log") }
            let elapsed = ContinuousClock.now - start
            if head > 0 { result.samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3) }
            try await Task.sleep(for: .milliseconds(5))
        }
        _ = try await writing.value
        return result
    }
}
