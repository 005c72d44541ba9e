import ArgumentParser
import EventLog
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append the events of an NDJSON export, keeping their ids, times and metadata.",
        discussion: """
            Every line is checked first; if any is bad, the bad lines are listed by number with \
            the reason and nothing is appended (exit 1). Events whose id is already stored are \
            skipped, so importing the same file again appends nothing, and an import stopped \
            midway (a full disk, a kill) is finished by running it again. Into an empty folder, \
            the events get the positions they were exported with.

            Examples:
              tribelog import --data ./copy all.ndjson
              tribelog export --data ./data | tribelog import --data ./copy -
              tribelog import --data ./copy all.ndjson --no-sync   # one fsync at the end instead of per batch
            """)

    @Option(help: "The data folder (created if missing).") var data: String
    @Argument(help: "The NDJSON file, or - for standard input.") var file: String
    @Flag(help: "Do not fsync each batch; sync once at the end. A crash during the import may lose part of it.")
    var noSync = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let (path, spooled) = try Self.readablePath(file)
        defer { if spooled { try? FileManager.default.removeItem(atPath: path) } }
        let lines = try ImportValidation.check(try LineReader(path: path))
        let reader = try LineReader(path: path)
        var options = EventStoreOptions()
        options.durability = noSync ? .noSync : .durable
        options.logger = ReadModels.logger()
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let progress = Progress("importing")
        let started = ContinuousClock.now
        let before = store.head
        let counts: ImportAppender.Counts
        do {
            counts = try await ImportAppender(store: store).append(reader) { progress.update(UInt64($0), of: UInt64(lines)) }
        } catch {
            // Each commit is whole, so what is stored is a prefix of the file's new events.
            store.close()
            throw CLIError("the import stopped: \(error)\n\(store.head - before) of the \(lines) events were appended before that, "
                           + "whole and in order; once fixed, run the same import again: it skips the events already stored")
        }
        store.close()  // with --no-sync, this is the one sync
        progress.finish()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json {
            try JSONOutput.print(ImportResult(appended: counts.appended, alreadyStored: counts.skipped, seconds: seconds,
                                              eventsPerSecond: Double(counts.appended) / max(seconds, 1e-9), head: store.head))
        } else {
            print(String(format: "imported %d events (%d already stored) in %.2f s (%.0f events/s); the log now ends at position %llu",
                         counts.appended, counts.skipped, seconds, Double(counts.appended) / max(seconds, 1e-9), store.head))
        }
    }

    /// Standard input is copied to a temporary file first: the lines are read twice (all
    /// checked before any is appended).
    static func readablePath(_ file: String) throws -> (String, Bool) {
        guard file == "-" else { return (file, false) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-import-\(UUID().uuidString).ndjson").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw CLIError("cannot spool standard input to \(path): check the temporary folder")
        }
        defer { try? out.close() }
        while let chunk = try FileHandle.standardInput.read(upToCount: 4 << 20), !chunk.isEmpty { out.write(chunk) }
        return (path, true)
    }
}

/// The first pass of an import: every line parsed and checked as an append would check
/// it, and no id twice. Throws a report of the bad lines; returns the number of lines.
enum ImportValidation {
    static let shownProblems = 20

    static func check(_ reader: LineReader) throws -> Int {
        var problems: [String] = []
        var problemCount = 0
        var seen: [UUID: Int] = [:]
        var lines = 0
        let progress = Progress("checking")
        let size = reader.size
        try reader.forEachLine { number, line in
            lines += 1
            if lines % 4_096 == 0 { progress.update(min(reader.consumed, size), of: size) }
            var problem: String?
            do {
                let imported = try NDJSONLine.parse(line)
                try EventStore.validate([imported.event], stream: imported.stream)
                if let earlier = seen.updateValue(number, forKey: imported.event.id) {
                    problem = "event id \(imported.event.id.uuidString.lowercased()) already appears on line \(earlier)"
                }
            } catch {
                problem = "\(error)"
            }
            if let problem {
                problemCount += 1
                if problems.count < shownProblems { problems.append("line \(number): \(problem)") }
            }
        }
        progress.finish()
        guard problemCount == 0 else {
            let more = problemCount > problems.count ? "\n… and \(problemCount - problems.count) more bad lines" : ""
            throw CLIError("nothing was imported: \(problemCount) of \(lines) lines are not valid events; fix them and import again\n"
                           + problems.joined(separator: "\n") + more)
        }
        return lines
    }
}

struct ImportResult: Encodable {
    let appended: Int
    let alreadyStored: Int
    let seconds: Double
    let eventsPerSecond: Double
    let head: Position
}
