import EventLog
import Foundation
import Logging
import ProjectionKit
import TribeProjections

/// Builds read models for the CLI: `rebuild` into the data folder's own views, `replay`
/// and `analyse` into a folder of their own.
enum ReadModels {
    /// Warnings only (debug with TRIBELOG_DEBUG=1), to standard error: standard output
    /// carries the command's result.
    static func logger(label: String = "tribelog") -> Logger {
        var logger = Logger(label: label, factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = ProcessInfo.processInfo.environment["TRIBELOG_DEBUG"] == nil ? .warning : .debug
        return logger
    }

    /// The projection names the user chose, checked against the ones there are.
    static func chosen(_ name: String?) throws -> [String]? {
        guard let name else { return nil }
        let known = TribelogProjections.all().map(\.name)
        guard known.contains(name) else {
            throw CLIError("there is no read model named '\(name)': choose one of \(known.joined(separator: ", "))")
        }
        return [name]
    }

    struct Built {
        let host: ProjectionHost
        let position: Position
        let seconds: Double
    }

    /// Rebuilds `names` (nil: all) from the log in `store` into `views`, up to `until`,
    /// showing progress on a terminal.
    static func build(from store: EventStore, into views: ViewStore, names: [String]?, until: Position?, label: String) throws -> Built {
        let host = try ProjectionHost(store: store, views: views, projections: TribelogProjections.all(), logger: logger())
        let progress = Progress(label)
        let start = ContinuousClock.now
        try host.rebuild(names, until: until) { done, total in progress.update(done, of: total) }
        progress.finish()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Built(host: host, position: min(until ?? store.head, store.head), seconds: seconds)
    }
}

/// A CLI error whose message is what the user sees.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
