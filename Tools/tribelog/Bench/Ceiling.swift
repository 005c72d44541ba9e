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
        Ceiling(executable: try compile("lmdb_ceiling", into: directory, libraries: ["-llmdb"], needs: "LMDB's header and library"))
    }

    /// Compiles the bench's C program `name`.c, shipped beside this tribelog, into
    /// `directory`, with the system compiler: ceilings are measured on this machine.
    static func compile(_ name: String, into directory: URL, libraries: [String], needs: String) throws -> URL {
        guard let source = Bundle.module.url(forResource: name, withExtension: "c") else {
            throw BenchError("the bench's C source (\(name).c) is not next to this tribelog: rebuild it with `swift build -c release`")
        }
        guard let compiler = ChildProcess.find("cc") else {
            throw BenchError("no C compiler (cc) on PATH: the bench compiles its C ceilings; run Tools/setup")
        }
        let output = directory.appendingPathComponent(name)
        let (status, errors) = try ChildProcess.run(compiler, ["-O2", "-o", output.path, source.path] + libraries)
        guard status == 0 else {
            throw BenchError("cannot compile \(name).c with \(compiler.path) (exit \(status)); it needs \(needs): run Tools/setup\n\(errors)")
        }
        return output
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
