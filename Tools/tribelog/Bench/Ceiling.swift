import Foundation

/// The raw C LMDB program the bench compares against, compiled from the source shipped
/// with tribelog by the system compiler, so the ceiling is measured on this machine, this
/// disk and this libc in the same invocation as the Swift figures.
struct Ceiling {
    struct Result {
        let appendEPS: Double
        let readEPS: Double
    }

    let executable: URL

    /// Compiles `lmdb_ceiling.c` into `directory`.
    static func build(in directory: URL) throws -> Ceiling {
        guard let source = Bundle.module.url(forResource: "lmdb_ceiling", withExtension: "c") else {
            throw BenchError("the bench's C source (lmdb_ceiling.c) is not next to this tribelog: rebuild it with `swift build -c release`")
        }
        guard let compiler = ChildProcess.find("cc") else {
            throw BenchError("no C compiler (cc) on PATH: the bench compiles its LMDB ceiling; run Tools/setup")
        }
        let output = directory.appendingPathComponent("lmdb_ceiling")
        let (status, errors) = try ChildProcess.run(compiler, ["-O2", "-o", output.path, source.path, "-llmdb"])
        if status != 0 {
            if errors.contains("lmdb.h") || errors.contains("-llmdb") {
                throw BenchError("cannot compile the LMDB ceiling: LMDB's header or library is missing: run Tools/setup\n\(errors)")
            }
            throw BenchError("cannot compile the LMDB ceiling with \(compiler.path) (exit \(status)):\n\(errors)")
        }
        return Ceiling(executable: output)
    }

    /// Runs one measurement in `directory` (created here, must not exist).
    func measure(in directory: URL, events: Int, batch: Int, valueBytes: Int, sync: Bool = true) throws -> Result {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = [directory.path, "\(events)", "\(batch)", "\(max(valueBytes, 1))", sync ? "sync" : "nosync"]
        let (status, output) = try ChildProcess.run(executable, arguments)
        guard status == 0 else {
            throw BenchError("the LMDB ceiling failed (exit \(status)) for \(arguments.dropFirst().joined(separator: " ")): \(output)")
        }
        var figures: [String: Double] = [:]
        for field in output.split(whereSeparator: \.isWhitespace) {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { figures[String(parts[0])] = value }
        }
        guard let append = figures["append_eps"], let read = figures["read_eps"] else {
            throw BenchError("the LMDB ceiling printed something unexpected: \(output)")
        }
        return Result(appendEPS: append, readEPS: read)
    }
}
