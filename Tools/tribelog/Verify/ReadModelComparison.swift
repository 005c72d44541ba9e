import EventLog
import Foundation
import Logging
import ProjectionKit
import TribeProjections

/// `verify --read-models`: rebuilds every read model from the log into a scratch folder,
/// each up to the position its live model has reached, and compares the two entry by
/// entry. A model that followed the log (through restarts and crashes) must hold exactly
/// what a rebuild of the same events gives; the first key that differs is named.
struct ReadModelComparison {
    let data: String
    /// How often to start again when a server moved the models during a comparison.
    var attempts = 3

    struct Outcome {
        /// One line per model that differs from its rebuild (empty: all equal).
        var differences: [String] = []
        /// Models compared, and the entries they hold.
        var models = 0
        var entries = 0
        /// Models not compared: still to be rebuilt by the server (a new version).
        var outdated: [String] = []
    }

    func run() throws -> Outcome {
        let logger = ReadModels.logger(label: "tribelog.verify")
        let viewsFolder = URL(fileURLWithPath: data).appendingPathComponent("views")
        guard FileManager.default.fileExists(atPath: viewsFolder.appendingPathComponent("data.mdb").path) else { return Outcome() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for _ in 1...attempts {
            // Opened anew each time: a read-only log sees the head it had when opened.
            var options = EventStoreOptions()
            options.readOnly = true
            options.logger = logger
            let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
            defer { store.close() }
            let liveViews = try ViewStore.open(directory: viewsFolder, readOnly: true, logger: logger)
            let live = try ProjectionHost(store: store, views: liveViews, projections: TribelogProjections.all(), logger: logger)
            let before = try ProjectionHost.checkpoints(in: liveViews)
            // A model ahead of this snapshot's head was moved by a server since the log was opened.
            if before.values.contains(where: { $0 > store.head }) { continue }
            let outdated = Set(live.outdated)
            let names = TribelogProjections.all().map(\.name).filter { !outdated.contains($0) && before[$0] != nil }
            try? FileManager.default.removeItem(at: scratch)
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let fresh = try ProjectionHost(store: store, views: try ViewStore.open(directory: scratch, logger: logger),
                                           projections: TribelogProjections.all(), logger: logger)
            let progress = Progress("rebuilding to compare")
            for (checkpoint, group) in Dictionary(grouping: names, by: { before[$0] ?? 0 }).sorted(by: { $0.key < $1.key }) {
                try fresh.rebuild(group, until: checkpoint) { done, total in progress.update(done, of: total) }
            }
            progress.finish()
            var outcome = Outcome(outdated: outdated.sorted())
            for name in names {
                let compared = try compare(name, live: live, fresh: fresh, checkpoint: before[name] ?? 0)
                outcome.models += 1
                outcome.entries += compared.entries
                if let difference = compared.difference { outcome.differences.append(difference) }
            }
            let after = try ProjectionHost.checkpoints(in: liveViews)
            if names.allSatisfy({ after[$0] == before[$0] }) { return outcome }
        }
        throw CLIError("the read models moved during each of \(attempts) comparisons (a server is writing to \(data)): "
                       + "run `tribelog verify --read-models` again while the server is idle or stopped")
    }

    /// Compares one model with its rebuild: a fingerprint of each first (one pass, no
    /// memory), and only when they differ a search for the first entry that differs.
    private func compare(_ name: String, live: ProjectionHost, fresh: ProjectionHost,
                         checkpoint: Position) throws -> (entries: Int, difference: String?) {
        try live.read(name) { followed in
            try fresh.read(name) { rebuilt in
                let (a, b) = (try Self.fingerprint(followed), try Self.fingerprint(rebuilt))
                guard a != b else { return (a.count, nil) }
                let detail = try Self.firstDifference(followed, rebuilt)
                return (a.count, "read model '\(name)' differs from a rebuild up to position \(checkpoint) "
                        + "(\(a.count) entries, the rebuild has \(b.count)): \(detail); "
                        + "run `tribelog rebuild --data \(data)` to replace it, and report the bug")
            }
        }
    }

    struct Fingerprint: Equatable {
        var count = 0
        var hash = 0
    }

    /// Count and hash of every entry in key order. `Hasher` is seeded per process, which
    /// is enough: both sides are hashed by this process.
    static func fingerprint(_ model: ModelReader) throws -> Fingerprint {
        var hasher = Hasher()
        var count = 0
        try model.scanAll { key, value in
            hasher.combine(key.count)
            hasher.combine(bytes: key)
            hasher.combine(value.count)
            hasher.combine(bytes: value)
            count += 1
            return true
        }
        return Fingerprint(count: count, hash: hasher.finalize())
    }

    typealias Entry = (key: [UInt8], value: [UInt8])

    /// The first entry (in key order) where the two models part, described for a person.
    /// Reads a chunk of entries at a time from each, so a large model is never held whole.
    static func firstDifference(_ followed: ModelReader, _ rebuilt: ModelReader, chunk: Int = 16_384) throws -> String {
        var skip = 0
        while true {
            let (a, b) = (try entries(followed, skip: skip, count: chunk), try entries(rebuilt, skip: skip, count: chunk))
            for index in 0..<max(a.count, b.count) {
                switch (index < a.count ? a[index] : nil, index < b.count ? b[index] : nil) {
                case let (x?, y?) where x.key == y.key && x.value == y.value: continue
                case let (x?, y?) where x.key == y.key:
                    return "key \(describe(x.key)) holds \(x.value.count) bytes \(describe(x.value, limit: 48)), "
                        + "the rebuild \(y.value.count) bytes \(describe(y.value, limit: 48))"
                case let (x?, y?) where x.key.lexicographicallyPrecedes(y.key):
                    return "key \(describe(x.key)) is not in the rebuild"
                case let (_, y?): return "key \(describe(y.key)) of the rebuild is missing"
                case let (x?, nil): return "key \(describe(x.key)) is not in the rebuild"
                case (nil, nil): break
                }
            }
            guard a.count == chunk || b.count == chunk else { return "the entries are equal but their fingerprints differ" }
            skip += chunk
        }
    }

    private static func entries(_ model: ModelReader, skip: Int, count: Int) throws -> [Entry] {
        var seen = 0
        var found: [Entry] = []
        try model.scanAll { key, value in
            seen += 1
            if seen > skip { found.append((Array(key), Array(value))) }
            return found.count < count
        }
        return found
    }

    /// Printable text as is, the 0x00 ending each key part as "/", other bytes in hex.
    static func describe(_ bytes: [UInt8], limit: Int = 200) -> String {
        var text = ""
        for byte in bytes.prefix(limit) {
            switch byte {
            case 0: text += "/"
            case 0x20..<0x7F where byte != UInt8(ascii: "\""): text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += String(format: "\\x%02x", byte)
            }
        }
        return "\"\(text)\(bytes.count > limit ? "…" : "")\""
    }
}
