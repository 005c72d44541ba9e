import ArgumentParser
import EventLog
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write events as NDJSON to standard output, one event a line.",
        discussion: """
            Each line: {"position":N,"id":"…","stream":"…","version":N,"type":"…","time":"…",\
            "actor":"…","correlation":"…","causation":"…","tags":[…],"data":{…}}. \
            `tribelog import` reads it back; importing an export into an empty folder and \
            exporting again gives the same bytes. The log is only read (safe while a server runs).

            Examples:
              tribelog export --data ./data > all.ndjson
              tribelog export --data ./data --tribe t-0042 --from 2024-01-01 --to 2024-12-31
            """)

    @Option(help: "The data folder.") var data: String
    @Option(help: "Only events tagged with this tribe.") var tribe: String?
    @Option(help: "First position (a number) or time (ISO 8601) to export.") var from: Moment?
    @Option(help: "Last position (a number) or time (ISO 8601) to export.") var to: Moment?

    func run() throws {
        var options = EventStoreOptions()
        options.readOnly = true
        options.logger = ReadModels.logger()
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let first = try from?.firstPosition(in: store) ?? 1
        let last = try to?.position(in: store) ?? store.head
        let query = tribe.map { Query.tags("tribe:\($0)") }
        let progress = Progress("exporting")
        var output: [UInt8] = []
        output.reserveCapacity(1 << 21)
        var next = first
        while next <= last {
            let events = try query.map { try store.read(matching: $0, after: next - 1, limit: 4_096) }
                ?? store.read(from: next, limit: 4_096)
            guard let end = events.last?.position else { break }
            for event in events where event.position <= last { event.ndjsonLine(into: &output) }
            if output.count >= 1 << 20 { Self.flush(&output) }
            next = end + 1
            progress.update(min(end, last), of: last)
        }
        Self.flush(&output)
        progress.finish()
    }

    private static func flush(_ output: inout [UInt8]) {
        FileHandle.standardOutput.write(Data(output))
        output.removeAll(keepingCapacity: true)
    }
}
