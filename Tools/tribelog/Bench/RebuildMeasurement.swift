import ArgumentParser
import EventLog
import Foundation
import Logging
import ProjectionKit
import TribeDomain
import TribeProjections

/// The parts of the bench `--only` chooses from.
enum BenchPart: String, CaseIterable {
    case log, rebuild, lag, http

    static func parse(_ text: String) throws -> Set<BenchPart> {
        var parts: Set<BenchPart> = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let part = BenchPart(rawValue: name) else {
                throw ValidationError("--only \(text): '\(name)' is not a part of the bench: write some of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parts.insert(part)
        }
        guard !parts.isEmpty else { throw ValidationError("--only needs at least one of \(allCases.map(\.rawValue).joined(separator: ", "))") }
        return parts
    }
}

extension Measurements {
    /// A demo history of `size`, generated untimed into `folder` through the domain's
    /// commands; its event count.
    static func demoHistory(in folder: URL, size: DemoSize) async throws -> Int {
        var demoOptions = options(automaticIndexing: true)
        demoOptions.durability = .noSync
        let demo = try EventStore.open(directory: folder, options: demoOptions)
        defer { demo.close() }  // syncs the log and stops its indexer, which would share the cores
        _ = try await DemoGenerator(size: size, logger: demoOptions.logger).run(into: demo)
        return Int(demo.head)
    }

    /// A timed full rebuild of every read model of the log in `folder`, as `tribelog
    /// rebuild` does on a data folder; its seconds.
    static func rebuild(in folder: URL) throws -> Double {
        let store = try EventStore.open(directory: folder, options: options(automaticIndexing: false))
        defer { store.close() }
        let views = try ViewStore.open(directory: store.viewsDirectory, logger: store.options.logger)
        let host = try ProjectionHost(store: store, views: views, projections: TribelogProjections.all(), logger: store.options.logger)
        let start = ContinuousClock.now
        try host.rebuild()
        let elapsed = seconds(since: start)
        guard host.status().allSatisfy({ $0.position == store.head && $0.state == .following }) else {
            throw BenchError("the rebuild left a read model behind the head of the log: \(host.status())")
        }
        return elapsed
    }
}
