import EventLog
import Foundation

/// The same work as the log, in C (`samework_ceiling.c`), on the very bodies the bench's
/// batched run stored and with the dictionary it compressed them with: zstd level −1,
/// SHA-256 and chaining, records laid out as the log lays them, MDB_APPEND puts and one
/// durable commit per batch, on both cores; and a scan that decompresses each record and
/// walks its envelope. The put-only ceiling (`Ceiling`) says what LMDB can do; this one
/// says what the log's work costs in C, which is the gap a faster Swift log can close.
struct SameWorkCeiling {
    struct Result {
        let appendEPS: Double
        let scanEPS: Double
    }

    let executable: URL

    /// Compiles `samework_ceiling.c` into `directory`.
    static func build(in directory: URL) throws -> SameWorkCeiling {
        SameWorkCeiling(executable: try Ceiling.compile("samework_ceiling", into: directory, libraries: ["-llmdb", "-lzstd", "-lcrypto", "-lpthread"],
                                                        needs: "LMDB's, zstd's and OpenSSL's headers and libraries"))
    }

    /// Writes the stored bodies of `store` (positions 1…events) and its newest dictionary
    /// into `directory`, for `measure`.
    static func writeInputs(of store: EventStore, events: Int, into directory: URL) throws -> (bodies: URL, dictionary: URL) {
        guard let dictionary = store.compressionDictionaries.last else {
            throw BenchError("the batched run's log trained no compression dictionary: the same-work ceiling needs one (use --events 10000 or more)")
        }
        var decoder = StoredRecordDecoder(dictionaries: store.compressionDictionaries)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events * 320)
        for position in 1...Position(events) {
            guard let record = try store.storedRecord(at: position) else { throw BenchError("the batched log has no record at \(position)") }
            let body = try record.withUnsafeBytes { try decoder.body(of: $0, position: position) }
            withUnsafeBytes(of: UInt32(body.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: body)
        }
        let bodies = directory.appendingPathComponent("samework-bodies.bin")
        let dictionaryFile = directory.appendingPathComponent("samework-dictionary.bin")
        try Data(bytes).write(to: bodies)
        try Data(dictionary.bytes).write(to: dictionaryFile)
        return (bodies, dictionaryFile)
    }

    /// Appends the bodies durably in batches of `batch`, then scans what it wrote.
    func measure(in directory: URL, bodies: URL, dictionary: URL, batch: Int, threads: Int = 2) throws -> Result {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let append = try run(["append", directory.path, bodies.path, dictionary.path, "\(batch)", "\(threads)"], key: "append_eps")
        let scan = try run(["scan", directory.path, dictionary.path, "\(threads)"], key: "scan_eps")
        return Result(appendEPS: append, scanEPS: scan)
    }

    private func run(_ arguments: [String], key: String) throws -> Double {
        let (status, output) = try ChildProcess.run(executable, arguments)
        guard status == 0 else { throw BenchError("the same-work ceiling failed (exit \(status)) for \(arguments[0]): \(output)") }
        for field in output.split(whereSeparator: \.isWhitespace) {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == key, let value = Double(parts[1]) { return value }
        }
        throw BenchError("the same-work ceiling printed something unexpected: \(output)")
    }
}
