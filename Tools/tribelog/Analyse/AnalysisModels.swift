import EventLog
import Foundation
import ProjectionKit
import TribeProjections

/// The read models an analysis reads: a replay folder the user made (`--views`), or the
/// ones built here into a scratch folder up to `--until` (and removed afterwards), so an
/// analysis never depends on the live read models being current.
struct AnalysisModels {
    let host: ProjectionHost
    let position: Position
    private let scratch: URL?
    private let store: EventStore

    init(data: String, until: Moment?, views: String?, projections: [String]) throws {
        var options = EventStoreOptions()
        options.readOnly = true
        options.logger = ReadModels.logger()
        store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        if let views {
            guard until == nil else { throw CLIError("--until and --views do not go together: the replay in --views already chose its moment") }
            let folder = try ViewStore.open(directory: URL(fileURLWithPath: views), readOnly: true, logger: options.logger)
            host = try ProjectionHost(store: store, views: folder, projections: TribelogProjections.all(), logger: options.logger)
            position = host.status().filter { projections.contains($0.name) }.map(\.position).min() ?? 0
            scratch = nil
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-analyse-\(UUID().uuidString)")
            let views = try ViewStore.open(directory: folder, logger: options.logger)
            let built = try ReadModels.build(from: store, into: views, names: projections, until: try until?.position(in: store),
                                             label: "building")
            (host, position, scratch) = (built.host, built.position, folder)
        }
    }

    /// The last position at or before `moment`, within what was analysed.
    func position(at moment: Moment) throws -> Position {
        min(try moment.position(in: store), position)
    }

    func read<T>(_ projection: String, _ body: (ModelReader) throws -> T) throws -> T {
        try host.read(projection, body)
    }

    /// The log's events up to the analysed position, for analyses over time.
    func events(_ body: (RecordedEvent) throws -> Void) throws {
        var next: Position = 1
        while next <= position {
            let events = try store.read(from: next, limit: min(8_192, Int(position - next + 1)))
            guard let last = events.last else { break }
            for event in events { try body(event) }
            next = last.position + 1
        }
    }

    func close() {
        store.close()
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }
}
