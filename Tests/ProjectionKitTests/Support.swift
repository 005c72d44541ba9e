import EventLog
import Foundation
import Logging
import ProjectionKit

/// A scratch data folder with a log (no fsync: tests), removed by `remove()`.
struct Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-projections-\(UUID().uuidString)")
    let store: EventStore

    init() throws {
        var options = EventStoreOptions()
        options.durability = .noSync
        store = try EventStore.open(directory: url, options: options)
    }

    func views() throws -> ViewStore {
        try ViewStore.open(directory: store.viewsDirectory, logger: Logger(label: "test"))
    }

    func host(_ projections: [any Projection], views: ViewStore? = nil, batchSize: Int = 4_096) throws -> ProjectionHost {
        try ProjectionHost(store: store, views: views ?? self.views(), projections: projections,
                           logger: Logger(label: "test"), batchSize: batchSize)
    }

    func remove() {
        store.close()
        try? FileManager.default.removeItem(at: url)
    }

    /// Appends `count` events of rotating types and tags; returns the last position.
    @discardableResult
    func append(_ count: Int, types: [String] = ["A", "B", "C"], tags: [String] = ["t:1", "t:2"]) async throws -> Position {
        var last: Position = 0
        var remaining = count
        var n = 0
        while remaining > 0 {
            let batch = (0..<min(remaining, 500)).map { _ -> NewEvent in
                n += 1
                return NewEvent(type: types[n % types.count], tags: [tags[n % tags.count]],
                                payload: PayloadValue.object([PayloadField(key: "n", value: .int(Int64(n)))]).encoded)
            }
            last = try await store.append(batch, to: "s").positions.last!
            remaining -= batch.count
        }
        return last
    }
}

/// Counts events per type and per tag, and keeps a newest-first feed per tag: enough
/// shapes of model (counters updated in place, appended entries) to test the host.
struct CountingProjection: Projection {
    var name = "counts"
    var version: UInt32 = 1
    var eventTypes: Set<String>? = nil
    /// Throws on events of this type, to test failure handling.
    var failOn: String?

    struct Refused: Error, CustomStringConvertible {
        var description: String { "refused on purpose" }
    }

    func apply(_ projected: ProjectedEvent, to model: ModelWriter) throws {
        // Decoded through the shared cache, as domain projections do.
        let event = projected.decoded { $0 }
        if event.type == failOn { throw Refused() }
        try increment(ModelKey("type").with(event.type), in: model)
        for tag in event.tags {
            try increment(ModelKey("tag").with(tag), in: model)
            model.put(ModelKey("feed").with(tag).with(descending: event.position), Array(event.type.utf8))
        }
    }

    private func increment(_ key: ModelKey, in model: ModelWriter) throws {
        let current = try model.get(key).map(Self.number) ?? 0
        model.put(key, withUnsafeBytes(of: (current + 1).bigEndian) { Array($0) })
    }

    static func number(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The counts the model should hold for `events`.
    static func expected(_ events: [RecordedEvent], types: Set<String>? = nil) -> [String: UInt64] {
        var counts: [String: UInt64] = [:]
        for event in events where types?.contains(event.type) ?? true {
            counts["type/\(event.type)", default: 0] += 1
            for tag in event.tags { counts["tag/\(tag)", default: 0] += 1 }
        }
        return counts
    }

    /// The counts the model holds.
    static func counts(_ host: ProjectionHost, name: String = "counts") throws -> [String: UInt64] {
        try host.read(name) { model in
            var counts: [String: UInt64] = [:]
            for space in ["type", "tag"] {
                try model.scan(prefix: ModelKey(space)) { key, value in
                    let part = String(decoding: key.dropFirst(space.utf8.count + 1).dropLast(), as: UTF8.self)
                    counts["\(space)/\(part)"] = number(Array(value))
                    return true
                }
            }
            return counts
        }
    }
}
