import EventLog
import FuzzChecks
import Foundation
import Logging
import TribeDomain

/// Writes the seed corpus of every target, and the compression dictionary the record
/// seeds need, from a small demo history: real records, envelopes, payloads and export
/// lines, so the fuzzer starts from inputs that reach deep into each decoder.
///
/// Usage: fuzz-corpus <corpus folder> <data folder>
@main
struct SeedCorpus {
    /// Small enough to keep the committed corpus to a few hundred files; the dictionary is
    /// trained early so that about two thirds of the records use one.
    static let size = DemoSize(tribes: 5, members: 100, partups: 20)
    static let trainingPoint: Position = 256
    static let every: Position = 4

    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: fuzz-corpus <corpus folder> <data folder>\n".utf8))
            exit(2)
        }
        let corpus = URL(fileURLWithPath: arguments[1])
        let dataFolder = URL(fileURLWithPath: arguments[2])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }

        var options = EventStoreOptions()
        options.durability = .noSync
        options.dictionaryTrainingPoints = [trainingPoint]
        options.logger = Logger(label: "fuzz-corpus")
        options.logger.logLevel = .warning
        let store = try EventStore.open(directory: scratch, options: options)
        _ = try await DemoGenerator(size: size, logger: options.logger).run(into: store)
        store.close()  // waits for the dictionary's training

        options.readOnly = true
        let reopened = try EventStore.open(directory: scratch, options: options)
        defer { reopened.close() }
        let dictionaries = reopened.compressionDictionaries
        guard let dictionary = dictionaries.first, dictionary.id == 1 else {
            throw SeedError("the demo log trained no compression dictionary by position \(trainingPoint)")
        }
        try FileManager.default.createDirectory(at: dataFolder, withIntermediateDirectories: true)
        try Data(dictionary.bytes).write(to: FuzzData.dictionaryFile(in: dataFolder))

        var seeds = Seeds(corpus: corpus)
        var decoder = StoredRecordDecoder(dictionaries: dictionaries)
        for position in stride(from: 1, through: reopened.head, by: Int(every)) {
            guard let record = try reopened.storedRecord(at: position) else { continue }
            let event = try record.withUnsafeBytes { try decoder.decode($0, position: position) }
            let name = "\(event.type)-\(position)"
            try seeds.write("record", name, record)
            try seeds.write("body", name, try record.withUnsafeBytes { try decoder.body(of: $0, position: position) })
            let typeIndex = DomainEvent.typeNames.firstIndex(of: event.type) ?? 0
            try seeds.write("payload", event.type, [UInt8(typeIndex)] + event.payload)
            var line: [UInt8] = []
            event.ndjsonLine(into: &line)
            try seeds.write("ndjson", name, Array(line.dropLast()))
        }
        print(seeds.summary)
    }
}

/// The seed files, one folder per target, without duplicates (payloads repeat often).
struct Seeds {
    let corpus: URL
    private var seen: [String: Set<[UInt8]>] = [:]

    init(corpus: URL) { self.corpus = corpus }

    mutating func write(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
        guard seen[target, default: []].insert(bytes).inserted else { return }
        let folder = corpus.appendingPathComponent(target)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: folder.appendingPathComponent("seed-\(name)-\(seen[target]!.count)"))
    }

    var summary: String {
        seen.keys.sorted().map { "\($0): \(seen[$0]!.count) seeds" }.joined(separator: ", ")
    }
}

struct SeedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
