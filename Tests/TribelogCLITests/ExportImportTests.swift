import Foundation
import Testing

@Suite struct ExportImportTests {
    /// A small demo history: every kind of event, through the domain's rules.
    private func demo(_ scratch: Scratch) async throws -> String {
        let data = scratch.path("demo")
        let run = try await CLI.run(["demo", "--data", data, "--tribes", "8", "--members", "150", "--partups", "40", "--seed", "3"])
        #expect(run.status == 0, "\(run.stderr)")
        return data
    }

    @Test func exportImportExportIsByteIdentical() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try await demo(scratch)
        let first = scratch.url.appendingPathComponent("first.ndjson"), second = scratch.url.appendingPathComponent("second.ndjson")
        #expect(try await CLI.run(["export", "--data", data], stdoutFile: first).status == 0)
        let imported = try await CLI.run(["import", "--data", scratch.path("copy"), first.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await CLI.run(["export", "--data", scratch.path("copy")], stdoutFile: second).status == 0)
        let (a, b) = (try Data(contentsOf: first), try Data(contentsOf: second))
        #expect(a.count > 10_000 && a == b)

        // Importing the same file again appends nothing.
        let again = try await CLI.run(["import", "--data", scratch.path("copy"), first.path])
        #expect(again.status == 0 && again.stdout.contains("imported 0 events"))
        let lines = a.split(separator: UInt8(ascii: "\n")).count
        #expect(again.stdout.contains("(\(lines) already stored)"))
    }

    @Test func oneBadLineInTheMiddleAppendsNothingAndIsNamed() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try await demo(scratch)
        let export = try await CLI.run(["export", "--data", data, "--to", "60"])
        var lines = export.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 60)
        lines[29] = lines[29].replacingOccurrences(of: #""type":"#, with: #""kind":"#)
        let file = scratch.url.appendingPathComponent("bad.ndjson")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let run = try await CLI.run(["import", "--data", scratch.path("target"), file.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("line 30:") && run.stderr.contains("nothing was imported"), "\(run.stderr)")
        #expect(!run.stderr.contains("line 29:") && !run.stderr.contains("line 31:"))
        // Nothing was appended: the folder holds no log at all.
        #expect(!FileManager.default.fileExists(atPath: scratch.path("target") + "/log"))
    }

    @Test func exportSelectsATribeAndARange() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = try await demo(scratch)
        let tribe = try await CLI.run(["export", "--data", data, "--tribe", "t-0001"])
        let tribeLines = tribe.stdout.split(separator: "\n")
        #expect(!tribeLines.isEmpty && tribeLines.allSatisfy { $0.contains(#""tribe:t-0001""#) })
        let range = try await CLI.run(["export", "--data", data, "--from", "10", "--to", "19"])
        let positions = range.stdout.split(separator: "\n").map { $0.prefix(while: { $0 != "," }) }
        #expect(positions.first == #"{"position":10"# && positions.last == #"{"position":19"# && positions.count == 10)
        let stdin = try await CLI.run(["import", "--data", scratch.path("piped"), "-"], stdin: range.stdout)
        #expect(stdin.status == 0 && stdin.stdout.contains("imported 10 events"), "\(stdin.stderr)")
    }
}
